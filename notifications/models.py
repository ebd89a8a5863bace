"""Notifications and their read state."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.ids import FlakeIdField


class Notification(models.Model):
    """Something that happened to `user`, caused by `account` (Mastodon's Notification)."""

    TYPES = (
        "mention", "status", "follow", "follow_request", "favourite", "reblog", "poll",
        "move", "pleroma:emoji_reaction", "pleroma:participation_request",
        "pleroma:participation_accepted", "pleroma:event_reminder", "pleroma:event_update",
        "update", "admin.report",
    )

    id = FlakeIdField(primary_key=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="notifications")
    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="+")
    type = models.CharField(max_length=48)
    status = models.ForeignKey("statuses.Status", null=True, blank=True,
                               on_delete=models.CASCADE, related_name="+")
    target = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                               on_delete=models.CASCADE, related_name="+")  # move target
    emoji = models.CharField(max_length=128, null=True, blank=True)
    emoji_url = models.CharField(max_length=500, null=True, blank=True)
    is_seen = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["user", "-id"]),
            models.Index(fields=["user", "is_seen"]),
        ]


class Marker(models.Model):
    """A user's read position in a timeline (`home` or `notifications`), Mastodon's Marker."""

    TIMELINES = ("home", "notifications")

    id = FlakeIdField(primary_key=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="markers")
    timeline = models.CharField(max_length=32)
    last_read_id = models.CharField(max_length=64, blank=True, default="")
    version = models.IntegerField(default=0)  # optimistic-lock counter, +1 on each save
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "timeline"], name="unique_marker")]
