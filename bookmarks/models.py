"""Bookmarks and bookmark folders."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.ids import FlakeIdField


class BookmarkFolder(models.Model):
    """A named folder of the owner's bookmarks, with an optional emoji (unicode or `:custom:`)."""

    id = FlakeIdField(primary_key=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="bookmark_folders")
    name = models.CharField(max_length=255)
    emoji = models.CharField(max_length=128, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="unique_folder_name")]
        indexes = [models.Index(fields=["owner", "id"])]

    def __str__(self) -> str:
        return self.name


class Bookmark(models.Model):
    """user bookmarked status, optionally filed in a folder (the id is the list cursor)."""

    id = FlakeIdField(primary_key=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="bookmarks")
    status = models.ForeignKey("statuses.Status", on_delete=models.CASCADE, related_name="bookmarks")
    # Deleting a folder keeps its bookmarks, unfiled (Pleroma: ON DELETE SET NULL).
    folder = models.ForeignKey(BookmarkFolder, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="bookmarks")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "status"], name="unique_bookmark")]
        indexes = [models.Index(fields=["user", "-id"]), models.Index(fields=["user", "folder", "-id"])]
