"""The Backup entity."""

from __future__ import annotations

from rest_framework import serializers

from backups import services
from backups.models import Backup
from core.renderers import format_datetime


class BackupSerializer(serializers.BaseSerializer):
    """Pleroma's backup object plus `state` and `processed_number` (progress while running)."""

    def to_representation(self, backup: Backup) -> dict:
        return {
            "id": backup.pk,
            "content_type": "application/zip",
            "url": services.download_url(backup),
            "file_size": backup.file_size,
            "processed": backup.processed,
            "state": backup.state,
            "processed_number": backup.processed_number,
            "inserted_at": format_datetime(backup.created_at),
        }
