"""User backups: one row per requested archive, moved along by the build_backup task."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils import timezone


class Backup(models.Model):
    """A zip of the user's data in Pleroma's layout; `state` and `processed_number` show
    how far the task got. The id is an integer, as Pleroma's (reference accounts §23.1)."""

    class State(models.TextChoices):
        PENDING = "pending"
        RUNNING = "running"
        COMPLETE = "complete"
        FAILED = "failed"

    id = models.BigAutoField(primary_key=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="backups")
    file_name = models.CharField(max_length=255, unique=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    processed_number = models.PositiveIntegerField(default=0)  # items written so far
    file_size = models.BigIntegerField(default=0)
    error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "-id"]), models.Index(fields=["created_at"])]

    def __str__(self) -> str:
        return self.file_name

    @property
    def processed(self) -> bool:
        return self.state == self.State.COMPLETE

    @property
    def path(self) -> Path:
        return Path(settings.BACKUP_DIR) / self.file_name
