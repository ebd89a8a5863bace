"""What discovery remembers: suggestions a user dismissed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class DismissedSuggestion(models.Model):
    """user does not want account suggested again (DELETE /api/v1/suggestions/:id)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "account"], name="unique_dismissed_suggestion")]
