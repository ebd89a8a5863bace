"""Hashtags a user follows (they bring posts into home) and features on the profile."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.ids import FlakeIdField


class FollowedTag(models.Model):
    """user follows hashtag: public posts with it appear in user's home timeline."""

    id = FlakeIdField(primary_key=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="followed_tags")
    hashtag = models.ForeignKey("statuses.Hashtag", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "hashtag"], name="unique_followed_tag")]
        indexes = [models.Index(fields=["user", "-id"])]


class FeaturedTag(models.Model):
    """user features hashtag on their profile (Mastodon's FeaturedTag)."""

    id = FlakeIdField(primary_key=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="featured_tags")
    hashtag = models.ForeignKey("statuses.Hashtag", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "hashtag"], name="unique_featured_tag")]
        indexes = [models.Index(fields=["user", "id"])]
