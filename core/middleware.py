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
