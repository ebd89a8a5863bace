"""Lists: named sets of followed accounts, each with its own timeline."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.ids import FlakeIdField


class List(models.Model):
    """An owner's list of accounts they follow (Mastodon's List entity)."""

    class RepliesPolicy(models.TextChoices):
        FOLLOWED = "followed"  # replies to any followed account
        LIST = "list"  # replies to members of the list
        NONE = "none"  # no replies to others (replies to the owner still show)

    id = FlakeIdField(primary_key=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lists")
    title = models.CharField(max_length=255)
    replies_policy = models.CharField(max_length=8, choices=RepliesPolicy.choices, default=RepliesPolicy.LIST)
    # Members' statuses leave the owner's home timeline: they are read here only.
    exclusive = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["owner", "id"])]

    def __str__(self) -> str:
        return self.title


class ListMember(models.Model):
    """account is on list (the id is the cursor of GET /api/v1/lists/:id/accounts)."""

    id = FlakeIdField(primary_key=True)
    list = models.ForeignKey(List, on_delete=models.CASCADE, related_name="members")
    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="list_memberships")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["list", "account"], name="unique_list_member")]
        indexes = [models.Index(fields=["list", "-id"]), models.Index(fields=["account", "list"])]
