"""Request rewriting and response headers shared by every route."""

from __future__ import annotations

import re

from django.conf import settings

_API_PREFIXES = ("/api/", "/oauth/", "/nodeinfo/", "/.well-known/")
_JSON_SUFFIX = re.compile(r"^(/api/(?:v1/)?pleroma/emoji|/nodeinfo/2\.[01])\.json$")


def normalise_path(path: str) -> str:
    """The path routes are written for: no trailing slash, `/api/pleroma` as `/api/v1/pleroma`,
    and the `.json` suffix some Pleroma clients add stripped."""
    if path.startswith(_API_PREFIXES) and len(path) > 1:
        path = path.rstrip("/") or "/"
    match = _JSON_SUFFIX.match(path)
    if match:
        path = match.group(1)
    if path.startswith("/api/pleroma/") or path == "/api/pleroma":
        path = "/api/v1/pleroma" + path[len("/api/pleroma"):]
    return path


class TrailingFormatMiddleware:
    """Route `/x/` like `/x` and `/api/pleroma/...` like `/api/v1/pleroma/...`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        new = normalise_path(request.path_info)
        if new != request.path_info:
            request.path_info = new
        return self.get_response(request)


class CorsMiddleware:
    """Browser clients on other origins (Soapbox, pl-fe) may call the API."""

    EXPOSE = "Link, X-RateLimit-Reset, X-RateLimit-Limit, X-RateLimit-Remaining, X-Request-Id, Idempotency-Key"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        cors = request.path.startswith(_API_PREFIXES)
        if cors and request.method == "OPTIONS" and "HTTP_ACCESS_CONTROL_REQUEST_METHOD" in request.META:
            from django.http import HttpResponse

            response = HttpResponse(status=204)
        else:
            response = self.get_response(request)
        if cors:
            response["Access-Control-Allow-Origin"] = "*"
            response["Access-Control-Allow-Methods"] = "GET, POST, PUT, PATCH, DELETE, OPTIONS"
            response["Access-Control-Allow-Headers"] = "Authorization, Content-Type, Idempotency-Key"
            response["Access-Control-Expose-Headers"] = self.EXPOSE
        return response


class SecurityHeadersMiddleware:
    """A content security policy on HTML pages; nothing of ours may be framed."""

    CSP = ("default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
           "script-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.get("Content-Type", "").startswith("text/html"):
            response.setdefault("Content-Security-Policy", self.CSP)
            response.setdefault("Referrer-Policy", "same-origin")
        if settings.PLEROMA_HTTPS:
            response.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response


class RequestLimitsMiddleware:
    """Bodies and parameter counts over Django's limits answered 413 / 400 with `{"error"}`.

    JSON bodies are refused by their declared length (Django checks only form bodies, and
    the JSON parser would read any size). Form and multipart bodies and the query string
    are parsed here, once, so Django's RequestDataTooBig / TooManyFieldsSent surface before
    a view (DRF reuses what was parsed); files in multipart bodies are not bodies in memory
    and keep their own limits.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
        from django.http import JsonResponse
        from django.http.multipartparser import MultiPartParserError

        from core.exceptions import REQUEST_TOO_LARGE, TOO_MANY_FIELDS

        try:
            request.GET  # noqa: B018 (parses the query string)
            if request.method not in ("GET", "HEAD", "OPTIONS"):
                content_type = request.META.get("CONTENT_TYPE", "")
                if content_type.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
                    request.POST  # noqa: B018 (parses the body)
                elif _declared_length(request) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
                    raise RequestDataTooBig()
        except RequestDataTooBig:
            return JsonResponse({"error": REQUEST_TOO_LARGE}, status=413)
        except (TooManyFieldsSent, TooManyFilesSent):
            return JsonResponse({"error": TOO_MANY_FIELDS}, status=400)
        except MultiPartParserError as exc:
            return JsonResponse({"error": f"Invalid multipart body: {exc}"[:200]}, status=400)
        return self.get_response(request)


def _declared_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0
