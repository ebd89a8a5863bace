"""Reports of accounts (and their statuses) to the moderators, and the instance rules."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.ids import FlakeIdField


class Rule(models.Model):
    """One of the instance's rules (GET /api/v1/instance/rules; reports cite them)."""

    text = models.CharField(max_length=500)
    hint = models.TextField(blank=True, default="")
    position = models.IntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text


class Report(models.Model):
    """account reported target (and some of target's statuses) to the moderators."""

    class Category(models.TextChoices):
        SPAM = "spam"
        LEGAL = "legal"
        VIOLATION = "violation"
        OTHER = "other"

    class State(models.TextChoices):  # Pleroma's report states
        OPEN = "open"
        CLOSED = "closed"
        RESOLVED = "resolved"

    id = FlakeIdField(primary_key=True)
    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports_made")
    target = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports_received")
    statuses = models.ManyToManyField("statuses.Status", blank=True, related_name="+")
    rules = models.ManyToManyField(Rule, blank=True, related_name="reports")
    comment = models.TextField(blank=True, default="")
    category = models.CharField(max_length=16, choices=Category.choices, default=Category.OTHER)
    forward = models.BooleanField(default=False)  # asked to forward to the target's server
    forwarded = models.BooleanField(default=False)  # a Flag was sent to the target's server
    state = models.CharField(max_length=16, choices=State.choices, default=State.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    action_taken_at = models.DateTimeField(null=True, blank=True)  # when it stopped being open

    class Meta:
        indexes = [models.Index(fields=["state", "-id"]), models.Index(fields=["target", "-id"])]

    def __str__(self) -> str:
        return f"report {self.pk} on {self.target_id}"


class ReportNotification(models.Model):
    """Which report an `admin.report` notification is about (the notifications table has
    no column for it)."""

    notification = models.OneToOneField("notifications.Notification", primary_key=True,
                                        on_delete=models.CASCADE, related_name="+")
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="+")
