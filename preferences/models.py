"""Posting defaults the accounts table does not hold (Mastodon's `source[sensitive]`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Preferences(models.Model):
    """An account's defaults for new posts beyond visibility and language (which are
    `User.default_scope` and `User.language`): mark media sensitive."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE,
                                related_name="preferences")
    posting_sensitive = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"preferences of {self.user_id}"
