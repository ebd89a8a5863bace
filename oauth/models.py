"""OAuth-side rows of an account: MFA backup codes (the App model stays in accounts.models,
see there why).

The table keeps the name it had when the model lived in `accounts`.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from accounts.models import User


class BackupCode(models.Model):
    """A single-use MFA recovery code, kept only as a salted hash."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="backup_codes")
    digest = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "accounts_backupcode"
