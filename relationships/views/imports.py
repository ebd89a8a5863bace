"""Follow, block and mute imports, and their progress."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from accounts.feature_views.common import require
from core import ids
from core.exceptions import NotFound
from core.openapi import ERRORS, PAGINATION_PARAMETERS
from core.renderers import format_datetime
from core.views import ApiViewSet
from relationships import imports
from relationships.models import Import

ImportInput = inline_serializer("ImportListInput", fields={
    "list": serializers.CharField(help_text="The list, or an uploaded file (Mastodon CSV or "
                                            "whitespace-separated nick / nick@host / @nick@host)")})
ITEM_FIELDS = {
    "position": serializers.IntegerField(), "identifier": serializers.CharField(),
    "account_id": serializers.CharField(allow_null=True),
    "outcome": serializers.ChoiceField(choices=["pending", "done", "already", "skipped"]),
    "reason": serializers.CharField(allow_null=True),
}
IMPORT_FIELDS = {
    "id": serializers.CharField(), "type": serializers.ChoiceField(choices=["follows", "blocks", "mutes"]),
    "state": serializers.ChoiceField(choices=["pending", "running", "done", "failed"]),
    "total": serializers.IntegerField(), "processed": serializers.IntegerField(),
    "created_at": serializers.CharField(), "finished_at": serializers.CharField(allow_null=True),
}
ImportSchema = inline_serializer("Import", fields={
    **IMPORT_FIELDS, "items": inline_serializer("ImportItem", fields=ITEM_FIELDS, many=True)})
ImportListSchema = inline_serializer("ImportSummary", fields=IMPORT_FIELDS, many=True)
STARTED = OpenApiResponse(OpenApiTypes.STR, description='The string "jobs started"; the Location header '
                          "is the import's progress (GET /api/v1/pleroma/imports/:id)")


class ImportSerializer(serializers.BaseSerializer):
    """An import and its progress; `items` only when the view loaded them."""

    def to_representation(self, batch: Import) -> dict:
        data = {"id": ids.encode(batch.pk), "type": batch.kind, "state": batch.state,
                "total": batch.total, "processed": batch.processed,
                "created_at": format_datetime(batch.created_at),
                "finished_at": format_datetime(batch.finished_at) if batch.finished_at else None}
        items = self.context.get("items")
        if items is not None:
            data["items"] = [{"position": item.position, "identifier": item.identifier,
                              "account_id": ids.encode(item.account_id) if item.account_id else None,
                              "outcome": item.outcome, "reason": item.reason or None}
                             for item in items]
        return data


def _started(batch: Import) -> Response:
    """Pleroma's body (the string "jobs started"); the Location header names the import."""
    response = Response("jobs started")
    response["Location"] = f"/api/v1/pleroma/imports/{ids.encode(batch.pk)}"
    return response


class ImportViewSet(ApiViewSet):
    """POST /api/pleroma/{follow,blocks,mutes}_import and the imports' progress."""

    scopes = {
        "follow_import": ["follow", "write:follows"],
        "blocks_import": ["follow", "write:blocks"],
        "mutes_import": ["follow", "write:mutes"],
        "list": ["follow", "read:accounts"],
        "retrieve": ["follow", "read:accounts"],
    }
    serializer_class = ImportSerializer

    def _start(self, kind: str) -> Response:
        (value,) = require(self.params(), "list")
        batch = imports.request_import(self.request.user, kind, imports.read_list(value))
        return _started(batch)

    @extend_schema(summary="Follow the accounts of a list (runs in the background)", request=ImportInput,
                   responses={200: STARTED, 400: ERRORS[400], 403: ERRORS[403], 413: ERRORS[400]})
    def follow_import(self, request):
        return self._start(Import.Kind.FOLLOWS)

    @extend_schema(summary="Block the accounts of a list (runs in the background)", request=ImportInput,
                   responses={200: STARTED, 400: ERRORS[400], 403: ERRORS[403], 413: ERRORS[400]})
    def blocks_import(self, request):
        return self._start(Import.Kind.BLOCKS)

    @extend_schema(summary="Mute the accounts of a list (runs in the background)", request=ImportInput,
                   responses={200: STARTED, 400: ERRORS[400], 403: ERRORS[403], 413: ERRORS[400]})
    def mutes_import(self, request):
        return self._start(Import.Kind.MUTES)

    @extend_schema(summary="The caller's imports, newest first", parameters=PAGINATION_PARAMETERS,
                   responses={200: ImportListSchema, 403: ERRORS[403]})
    def list(self, request):
        return self.render_page(Import.objects.filter(user=request.user))

    @extend_schema(summary="One import: its state and what became of each account",
                   parameters=[OpenApiParameter("id", str, OpenApiParameter.PATH)],
                   responses={200: ImportSchema, 403: ERRORS[403], 404: ERRORS[404]})
    def retrieve(self, request, pk: str):
        key = ids.decode(pk)
        batch = Import.objects.filter(pk=key, user=request.user).first() if key else None
        if batch is None:
            raise NotFound()
        items = list(batch.items.order_by("position"))
        return self.render(batch, items=items)
