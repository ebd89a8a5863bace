"""GET /api/v1/statuses/:id/card (Mastodon's deprecated endpoint, kept by Pleroma)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.response import Response

from cards import services
from cards.serializers import render_card
from core.openapi import ERRORS
from core.views import ApiViewSet
from statuses.queries import get_visible_status

CARD_FIELDS = {
    name: {"type": kind, "nullable": True} for name, kind in (
        ("url", "string"), ("title", "string"), ("description", "string"), ("type", "string"),
        ("author_name", "string"), ("author_url", "string"), ("provider_name", "string"),
        ("provider_url", "string"), ("html", "string"), ("width", "integer"), ("height", "integer"),
        ("image", "string"), ("image_description", "string"), ("embed_url", "string"),
        ("blurhash", "string"), ("language", "string"), ("published_at", "string"),
    )
}
CardSchema = OpenApiResponse(
    {"type": "object", "properties": {**CARD_FIELDS, "authors": {"type": "array", "items": {"type": "object"}},
                                      "pleroma": {"type": "object"}}},
    description="The status's Card, or {} when it has none")


class StatusCardViewSet(ApiViewSet):
    """The link preview card of a status."""

    scopes = {"retrieve": ["read:statuses"]}
    anonymous_actions = ("retrieve",)

    @extend_schema(summary="The preview card of a status ({} when it has none)",
                   responses={200: CardSchema, 404: ERRORS[404]})
    def retrieve(self, request, pk: str):
        status = get_visible_status(self.viewer, pk, for_api=False)
        card = services.card_of(status)
        return Response(render_card(card) if card is not None else {})
