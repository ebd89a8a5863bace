"""Idempotency-Key: a retried POST from the same user replays the first response (1 hour)."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable

from django.core.cache import cache
from rest_framework.response import Response

from core.exceptions import ApiError

TTL = 3600
WAIT_SECONDS = 10


def _key(user_id, header: str) -> str:
    digest = hashlib.sha256(header.encode()).hexdigest()
    return f"idempotency:{user_id}:{digest}"


def replay_or_run(request, run: Callable[[], Response]) -> Response:
    """Run `run` once per (user, Idempotency-Key); later calls get the stored response.

    Keyed per user (as Mastodon does), so one user's key never answers another's request.
    A concurrent retry waits for the first request to finish instead of posting twice.
    """
    header = request.headers.get("Idempotency-Key")
    if not header or request.user is None or not request.user.is_authenticated:
        return run()
    key = _key(request.user.pk, header)
    deadline = time.monotonic() + WAIT_SECONDS
    while not cache.add(f"{key}:lock", 1, WAIT_SECONDS * 3):
        stored = cache.get(key)
        if stored is not None:
            return _replay(stored, header)
        if time.monotonic() > deadline:
            raise ApiError("Request with this Idempotency-Key is still being processed", status=409)
        time.sleep(0.1)
    try:
        stored = cache.get(key)
        if stored is not None:
            return _replay(stored, header)
        response = run()
        if 200 <= response.status_code < 300:
            cache.set(key, {"status": response.status_code, "data": response.data}, TTL)
        response["Idempotency-Key"] = header
        return response
    finally:
        cache.delete(f"{key}:lock")


def _replay(stored: dict, header: str) -> Response:
    response = Response(stored["data"], status=stored["status"])
    response["Idempotency-Key"] = header
    response["Idempotent-Replayed"] = "true"
    return response
