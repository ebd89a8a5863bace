"""OpenAPI generation: security read from each view's `scopes` map, Pleroma error bodies."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema as _AutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import serializers

from core.permissions import required_scopes

ErrorSerializer = inline_serializer(
    name="Error",
    fields={"error": serializers.CharField(help_text="Human-readable message")},
)

def error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


ERRORS = {
    400: error("Bad input"),
    403: error("Invalid credentials, insufficient scope, or forbidden"),
    404: error("Record not found"),
    422: error("Refused by a domain rule"),
}

PAGINATION_PARAMETERS = [
    OpenApiParameter("max_id", str, description="Return items older than this id"),
    OpenApiParameter("since_id", str, description="Return items newer than this id"),
    OpenApiParameter("min_id", str, description="Return items immediately newer than this id"),
    OpenApiParameter("limit", int, description="Page size (default 20, at most 40)"),
]


class AutoSchema(_AutoSchema):
    def get_operation_id(self):
        view = self.view
        action = getattr(view, "action", None) or self.method.lower()
        return f"{view.__module__.split('.')[0]}.{view.__class__.__name__}.{action}"

    def get_auth(self):
        view = self.view
        if not hasattr(view, "action"):
            view.action = None
        scopes = required_scopes(view, _FakeRequest(self.method))
        if scopes is None:
            return []
        security = [{"OAuth": list(scopes)}, {"BasicAuth": []}]
        action = getattr(view, "action", None) or self.method.lower()
        if action in getattr(view, "anonymous_actions", ()):
            security.append({})
        return security

    def _map_serializer(self, serializer, direction, bypass_extensions=False):
        # Entity serializers built on BaseSerializer (to_representation only) have no
        # fields to describe: document them as an object named after the entity.
        if not isinstance(serializer, serializers.Serializer):
            name = type(serializer).__name__.removesuffix("Serializer")
            return {"type": "object", "additionalProperties": True,
                    "description": (type(serializer).__doc__ or name).strip().splitlines()[0]}
        return super()._map_serializer(serializer, direction, bypass_extensions)

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        return responses


class _FakeRequest:
    def __init__(self, method: str):
        self.method = method
