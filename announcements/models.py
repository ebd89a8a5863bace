"""Announcements: instance-wide notices staff publish, their readers and reactions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.ids import FlakeIdField


class Announcement(models.Model):
    """A notice shown to every user between `starts_at` and `ends_at` (when given)."""

    id = FlakeIdField(primary_key=True)
    content = models.TextField()  # as staff typed it; rendered as text/plain markup
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    all_day = models.BooleanField(default=False)
    published_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["-id"])]

    def __str__(self) -> str:
        return self.content[:60]


class AnnouncementRead(models.Model):
    """`user` dismissed (read) `announcement`."""

    id = FlakeIdField(primary_key=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE, related_name="reads")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "announcement"], name="unique_announcement_read")]


class AnnouncementReaction(models.Model):
    """`user` reacted to `announcement` with a unicode emoji or a local custom one (`url`)."""

    id = FlakeIdField(primary_key=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE, related_name="reactions")
    name = models.CharField(max_length=128)
    url = models.CharField(max_length=500, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "announcement", "name"],
                                               name="unique_announcement_reaction")]
