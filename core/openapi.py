"""OpenAPI generation: security read from each view's `scopes` map, Pleroma error bodies."""

from __future__ import annotations

from drf_spectacular.drainage import set_override
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

STANDARD_ERRORS = {415: "Unsupported media type",
                   429: "Throttled (rate limits apply to logins, registration, password checks and writes)"}

# gunicorn refuses a request line over 4094 bytes before the app sees it, with its own
# HTML page; operations with path or query parameters can meet it.
URI_TOO_LONG = {
    "description": "Request line longer than the HTTP server accepts (an HTML page from the server)",
    "content": {"text/html": {"schema": {"type": "string"}}},
}


def one(serializer):
    """Mark a response serializer as one object even on a `list` action (drf-spectacular
    documents what a `list` action answers as an array): GET /api/v1/markers answers a map."""
    return set_override(serializer, "many", False)


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

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is not None:
            self._add_standard_errors(operation)
        return operation

    def _add_standard_errors(self, operation: dict) -> None:
        """Document the refusals every operation of a kind can give, whatever its view
        declares: 400 for input it cannot parse, 403 where a token is checked, 404 for ids in
        the path, 415 for a body in a media type it does not read, 429 for writes (core.ratelimit),
        422 where the view refuses parameters it does not honour (`unsupported_parameters`),
        414 (from the HTTP server) for a request line too long."""
        responses = operation["responses"]
        parameters = operation.get("parameters", [])
        codes = []
        if parameters or "requestBody" in operation:
            codes.append(400)
        if operation.get("security"):
            codes.append(403)
        if any(p.get("in") == "path" for p in parameters):
            codes.append(404)
        if "requestBody" in operation:
            codes.append(415)
        if self.method in ("POST", "PUT", "PATCH", "DELETE"):
            codes.append(429)
        action = getattr(self.view, "action", None) or ""
        unsupported = getattr(self.view, "unsupported_parameters", {}).get(action)
        if unsupported and "422" not in responses:
            responses["422"] = self._get_response_for_code(
                error(f"Unsupported parameter ({', '.join(unsupported)})"), "422")
        for code in codes:
            if str(code) not in responses:
                responses[str(code)] = self._get_response_for_code(
                    ERRORS[code] if code in ERRORS else error(STANDARD_ERRORS[code]), str(code))
        if parameters:
            responses.setdefault("414", URI_TOO_LONG)
        operation["responses"] = dict(sorted(responses.items()))


class _FakeRequest:
    def __init__(self, method: str):
        self.method = method
