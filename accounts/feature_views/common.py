"""What the account feature viewsets share: required fields, Pleroma's success bodies."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from core.exceptions import BadRequest
from core.openapi import ERRORS

SUCCESS = {"status": "success"}
SuccessSchema = inline_serializer("StatusSuccess", fields={"status": serializers.CharField()})
# Legacy endpoints refuse with HTTP 200 and an `error` body (pleroma-accounts 1.6).
BUSINESS_ERROR = OpenApiResponse(
    inline_serializer("StatusOrError", fields={"status": serializers.CharField(required=False),
                                               "error": serializers.CharField(required=False)}),
    description="`{\"status\": \"success\"}`, or `{\"error\": ...}` for a refused request")
AUTH_ERRORS = {403: ERRORS[403]}


def require(params: dict, *names: str) -> list:
    """The named parameters, in order; the first missing one is Pleroma's 400."""
    values = []
    for name in names:
        value = params.get(name)
        if value is None:
            raise BadRequest(f"Missing field: {name}.")
        values.append(value)
    return values


def text(value) -> str:
    """A parameter as a string (the last one when a list was sent)."""
    if isinstance(value, list):
        value = value[-1] if value else ""
    return "" if value is None else str(value)


def success() -> Response:
    return Response(SUCCESS)
