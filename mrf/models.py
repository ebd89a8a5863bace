"""Instance policies kept in the database, edited in the Django admin; merged with the
ones the environment sets (mrf.config)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from core.ids import FlakeIdField

# The SimplePolicy actions, in the order Pleroma lists them (reference/federation.md §6.1).
SIMPLE_ACTIONS = ("accept", "reject", "media_removal", "media_nsfw", "federated_timeline_removal",
                  "followers_only", "report_removal", "avatar_removal", "banner_removal",
                  "reject_deletes")


class InstancePolicy(models.Model):
    """What applies to one remote instance: `host` is a host name, or `*.example.com` for
    example.com and every subdomain; `reason` is published in nodeinfo."""

    id = FlakeIdField(primary_key=True)
    host = models.CharField(max_length=253, unique=True,
                            help_text="example.com, or *.example.com for it and its subdomains")
    reason = models.CharField(max_length=500, blank=True, default="")
    accept = models.BooleanField(default=False, help_text="Allow-list: when any instance has it, "
                                 "only those instances (and this one) federate")
    reject = models.BooleanField(default=False, help_text="Drop everything it sends; send it nothing")
    media_removal = models.BooleanField(default=False, help_text="Strip attachments from its posts")
    media_nsfw = models.BooleanField(default=False, help_text="Mark its posts sensitive")
    federated_timeline_removal = models.BooleanField(
        default=False, help_text="Its public posts become unlisted (kept off the federated timeline)")
    followers_only = models.BooleanField(
        default=False, help_text="Its posts reach only the local followers of their author")
    report_removal = models.BooleanField(default=False, help_text="Drop its reports (Flag)")
    avatar_removal = models.BooleanField(default=False, help_text="Drop its accounts' avatars")
    banner_removal = models.BooleanField(default=False, help_text="Drop its accounts' banners")
    reject_deletes = models.BooleanField(default=False, help_text="Ignore its deletes (keep content)")
    quarantine = models.BooleanField(default=False, help_text="Send it public activities only")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "instance policies"
        ordering = ["host"]

    def __str__(self) -> str:
        return self.host


class KeywordRule(models.Model):
    """A KeywordPolicy rule: a text (or a regular expression) looked for in the content,
    summary and name of received posts, and what happens when it is found."""

    class Action(models.TextChoices):
        REJECT = "reject", "reject the post"
        FEDERATED_TIMELINE_REMOVAL = "federated_timeline_removal", "make a public post unlisted"
        REPLACE = "replace", "replace the text"

    id = FlakeIdField(primary_key=True)
    action = models.CharField(max_length=32, choices=Action.choices)
    pattern = models.CharField(max_length=500)
    is_regex = models.BooleanField(default=False, help_text="A Python regular expression, case-sensitive "
                                   "unless it starts with (?i)")
    replacement = models.CharField(max_length=500, blank=True, default="", help_text="For replace only")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["action", "pattern"]
        constraints = [models.UniqueConstraint(fields=["action", "pattern", "is_regex"],
                                               name="unique_keyword_rule")]

    def __str__(self) -> str:
        return f"{self.action}: {self.pattern}"
