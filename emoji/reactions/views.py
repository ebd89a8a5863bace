"""Emoji reaction endpoints (reference §4.3-4.5)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers as drf
from rest_framework.response import Response

from core.exceptions import NotFound
from core.openapi import error
from core.params import parse_bool
from core.views import ApiViewSet
from emoji.reactions import services
from emoji.reactions.loader import render_entry

WRITE = ["write:statuses"]
STATUS = OpenApiResponse(OpenApiTypes.OBJECT, description="The Status, rendered for the caller")
ReactionSerializer = inline_serializer(
    name="EmojiReaction",
    fields={"name": drf.CharField(), "count": drf.IntegerField(), "me": drf.BooleanField(),
            "url": drf.CharField(allow_null=True),
            "accounts": drf.ListField(child=drf.DictField())},
    many=True,
)


def _status_serializer():
    from statuses.serializers import StatusSerializer

    return StatusSerializer


def _visible_status(viewer, status_id: str):
    from statuses.services import get_visible_status

    return get_visible_status(viewer, status_id)


class EmojiReactionViewSet(ApiViewSet):
    """Reactions to a status: add or remove your own, list everyone's."""

    scopes = {"react": WRITE, "unreact": WRITE, "list": ["read:statuses"], "list_emoji": ["read:statuses"]}
    anonymous_actions = ("list", "list_emoji")

    @extend_schema(summary="React to a status with an emoji", request=None,
                   responses={200: STATUS, 400: error("Could not add reaction emoji"),
                              403: error("Invalid credentials or insufficient scope"),
                              404: error("Record not found")})
    def react(self, request, id: str, emoji: str):
        status = _visible_status(self.viewer, id)
        services.react(self.viewer, status, emoji)
        return self.render(status, _status_serializer())

    @extend_schema(summary="Remove your reaction", request=None,
                   responses={200: STATUS, 400: error("Could not remove reaction emoji"),
                              403: error("Invalid credentials or insufficient scope"),
                              404: error("Record not found")})
    def unreact(self, request, id: str, emoji: str):
        status = _visible_status(self.viewer, id)
        services.unreact(self.viewer, status, emoji)
        return self.render(status, _status_serializer())

    @extend_schema(summary="List a status's reactions with the accounts",
                   parameters=[OpenApiParameter("with_muted", bool,
                                                description="Include accounts the caller mutes")],
                   responses={200: ReactionSerializer})
    def list(self, request, id: str, emoji: str | None = None):
        from accounts.serializers import render_account

        try:
            status = _visible_status(self.viewer, id)
        except NotFound:
            return Response([])  # unknown or invisible: an empty list, like Pleroma (§4.5)
        only = None
        if emoji is not None:
            only = services.parse(emoji)
            if only is None:
                return Response([])
        entries = services.entries_for([status.pk], self.viewer, only=only, with_accounts=True,
                                       with_muted=parse_bool(request.query_params.get("with_muted")))
        out = []
        for entry in entries.get(status.pk, []):
            entry.reactions = [r for r in entry.reactions
                               if r.account.is_active and not r.account.is_deleted]
            if entry.reactions:
                accounts = [render_account(r.account, self.viewer) for r in entry.reactions]
                out.append(render_entry(entry, self.viewer, accounts=accounts))
        return Response(out)

    @extend_schema(summary="List the accounts that reacted with one emoji",
                   parameters=[OpenApiParameter("with_muted", bool,
                                                description="Include accounts the caller mutes")],
                   responses={200: ReactionSerializer})
    def list_emoji(self, request, id: str, emoji: str):
        return self.list(request, id, emoji)
