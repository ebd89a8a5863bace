"""Keyword and status filters (Mastodon's v2 filters; a v1 filter is one of their keywords)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.ids import FlakeIdField


class Filter(models.Model):
    """A user's filter: where it applies (`context`), what it does (`action`), until when."""

    CONTEXTS = ("home", "notifications", "public", "thread", "account")
    ACTIONS = ("warn", "hide")

    id = FlakeIdField(primary_key=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="filters")
    title = models.CharField(max_length=256)
    # The contexts, comma-joined in CONTEXTS order (a portable column for PostgreSQL and SQLite).
    context = models.CharField(max_length=64)
    action = models.CharField(max_length=8, default="warn")
    expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["user", "id"])]

    def __str__(self) -> str:
        return self.title

    @property
    def contexts(self) -> list[str]:
        return [c for c in self.context.split(",") if c]

    def is_expired(self, now=None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())


class FilterKeyword(models.Model):
    """A word or phrase a filter matches in a status's text (a v1 filter has exactly one)."""

    id = FlakeIdField(primary_key=True)
    filter = models.ForeignKey(Filter, on_delete=models.CASCADE, related_name="keywords")
    keyword = models.CharField(max_length=512)
    whole_word = models.BooleanField(default=True)

    class Meta:
        indexes = [models.Index(fields=["filter", "id"])]

    def __str__(self) -> str:
        return self.keyword


class FilterStatus(models.Model):
    """A status a filter matches whatever its text (and reblogs of it)."""

    id = FlakeIdField(primary_key=True)
    filter = models.ForeignKey(Filter, on_delete=models.CASCADE, related_name="statuses")
    status = models.ForeignKey("statuses.Status", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["filter", "status"], name="unique_filter_status")]
        indexes = [models.Index(fields=["filter", "id"])]
