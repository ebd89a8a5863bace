"""API errors and the handler that renders every failure as Pleroma's `{"error": ...}`."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied, RequestDataTooBig, TooManyFieldsSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404, JsonResponse
from rest_framework import exceptions as drf
from rest_framework.response import Response

log = logging.getLogger(__name__)


class ApiError(Exception):
    """An error a client sees: `{"error": message, **extra}` with an HTTP status."""

    status = 400
    message = "Bad request"

    def __init__(self, message: str | None = None, status: int | None = None, **extra):
        self.message = message if message is not None else self.message
        if status is not None:
            self.status = status
        self.extra = extra
        super().__init__(self.message)

    def body(self) -> dict:
        return {"error": self.message, **self.extra}


class BadRequest(ApiError):
    status = 400


class NotFound(ApiError):
    status = 404
    message = "Record not found"


class Forbidden(ApiError):
    status = 403
    message = "Access denied"


class InvalidCredentials(ApiError):
    status = 403
    message = "Invalid credentials."


class Unprocessable(ApiError):
    status = 422
    message = "Unprocessable entity"


class Throttled(ApiError):
    status = 429
    message = "Throttled"

    def __init__(self, message: str | None = None, retry_after: int = 60):
        super().__init__(message)
        self.retry_after = retry_after


class TooLarge(ApiError):
    status = 413
    message = "File is too large"


def _flatten(detail) -> str:
    """Join DRF's nested validation messages into one line, field names first."""
    if isinstance(detail, dict):
        parts = []
        for field, value in detail.items():
            text = _flatten(value)
            parts.append(text if field == "non_field_errors" else f"{field}: {text}")
        return "; ".join(parts)
    if isinstance(detail, list):
        return ", ".join(_flatten(item) for item in detail)
    return str(detail)


def _pointers(detail, prefix="") -> list[dict]:
    if isinstance(detail, dict):
        out = []
        for field, value in detail.items():
            out.extend(_pointers(value, f"{prefix}/{field}"))
        return out
    if isinstance(detail, list) and detail and not isinstance(detail[0], dict | list):
        return [{"title": "Invalid value", "source": {"pointer": prefix or "/"},
                 "message": str(m)} for m in detail]
    if isinstance(detail, list):
        out = []
        for i, item in enumerate(detail):
            out.extend(_pointers(item, f"{prefix}/{i}"))
        return out
    return [{"title": "Invalid value", "source": {"pointer": prefix or "/"}, "message": str(detail)}]


def error_body(exc: Exception) -> tuple[int, dict]:
    """Status and body for any exception raised while serving an API request."""
    if isinstance(exc, ApiError):
        return exc.status, exc.body()
    if isinstance(exc, drf.ValidationError):
        return 400, {"error": _flatten(exc.detail), "errors": _pointers(exc.detail)}
    if isinstance(exc, DjangoValidationError):
        return 422, {"error": ", ".join(exc.messages)}
    if isinstance(exc, drf.NotAuthenticated | drf.AuthenticationFailed):
        return 403, {"error": "Invalid credentials."}
    if isinstance(exc, drf.PermissionDenied | PermissionDenied):
        detail = getattr(exc, "detail", None)
        return 403, {"error": str(detail) if detail else "Access denied"}
    if isinstance(exc, drf.NotFound | Http404):
        return 404, {"error": "Record not found"}
    if isinstance(exc, drf.MethodNotAllowed):
        return 405, {"error": "Method not allowed"}
    if isinstance(exc, drf.Throttled):
        return 429, {"error": "Throttled"}
    if isinstance(exc, drf.UnsupportedMediaType):
        return 415, {"error": str(exc.detail)}
    if isinstance(exc, drf.ParseError):
        return 400, {"error": str(exc.detail)}
    if isinstance(exc, drf.APIException):
        return exc.status_code, {"error": _flatten(exc.detail)}
    if isinstance(exc, TooManyFieldsSent):  # more form fields than DATA_UPLOAD_MAX_NUMBER_FIELDS
        return 400, {"error": "Too many parameters"}
    if isinstance(exc, RequestDataTooBig):
        return 413, {"error": "Request body is too large"}
    if isinstance(exc, DataError):
        # The database refused a value the input checks let through (a NUL byte in text,
        # a number out of a column's range): the client sent it, so it is bad input.
        log.warning("database refused a request value: %s", exc)
        return 400, {"error": "Invalid input"}
    log.exception("unhandled error in API view", exc_info=exc)
    return 500, {"error": "Internal server error"}


def handler(exc, context):
    """DRF EXCEPTION_HANDLER: every error as `{"error": ...}`, nothing as HTML."""
    status, body = error_body(exc)
    response = Response(body, status=status)
    if isinstance(exc, Throttled):
        response["Retry-After"] = str(exc.retry_after)
    return response


def json_404(request, exception=None):
    return JsonResponse({"error": "Record not found"}, status=404)


def json_500(request):
    return JsonResponse({"error": "Internal server error"}, status=500)


def json_400(request, exception=None):
    return JsonResponse({"error": "Bad request"}, status=400)


def json_403(request, exception=None):
    return JsonResponse({"error": "Access denied"}, status=403)
