"""Backups of the authenticated user: request one, list them; download an archive by its
unguessable URL."""

from __future__ import annotations

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers

from backups import services
from backups.models import Backup
from backups.serializers import BackupSerializer
from core.openapi import ERRORS
from core.views import ApiViewSet

BACKUP_FIELDS = {
    "id": serializers.IntegerField(), "content_type": serializers.CharField(),
    "url": serializers.CharField(), "file_size": serializers.IntegerField(),
    "processed": serializers.BooleanField(),
    "state": serializers.ChoiceField(choices=Backup.State.values),
    "processed_number": serializers.IntegerField(), "inserted_at": serializers.CharField(),
}
BackupListSchema = type(inline_serializer("Backup", fields=BACKUP_FIELDS))(many=True)


class BackupViewSet(ApiViewSet):
    """Pleroma's user backups (§23). Creating one needs `read:backups`, as Pleroma; listing
    needs no authentication (the seed): anonymous callers own no backups. The archive is
    served to whoever has its URL, as Pleroma serves it from its uploads: the file name
    carries 43 random characters and is shown only to its owner."""

    scopes = {"list": ["read:backups"], "create": ["read:backups"]}
    anonymous_actions = ("list",)
    serializer_class = BackupSerializer

    def _all(self):
        if self.viewer is None:
            return self.render([])
        return self.render(list(Backup.objects.filter(user=self.viewer).order_by("-created_at", "-id")))

    @extend_schema(summary="List the caller's backups, newest first (none for anonymous callers)",
                   responses={200: BackupListSchema, 403: ERRORS[403]})
    def list(self, request):
        return self._all()

    @extend_schema(summary="Queue a backup of the caller's data; returns every backup", request=None,
                   responses={200: BackupListSchema, 400: ERRORS[400], 403: ERRORS[403]})
    def create(self, request):
        services.request_backup(self.viewer)
        return self._all()

    @extend_schema(summary="Download a finished backup archive by its URL (no authentication: the "
                           "name is the secret)",
                   responses={(200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY),
                              404: ERRORS[404]})
    def download(self, request, file_name: str):
        backup = services.get_finished_backup(file_name)
        return FileResponse(backup.path.open("rb"), as_attachment=True, filename=backup.file_name,
                            content_type="application/zip")
