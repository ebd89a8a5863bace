"""Fixed-window rate limits kept in the cache (Redis in production, shared by all web
processes). Off with PLEROMA_RATE_LIMIT_ENABLED=false."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache

from core.exceptions import Throttled

# name: (requests, seconds) -- Pleroma's defaults where it has one.
LIMITS: dict[str, tuple[int, int]] = {
    "authentication": (15, 60),
    "app_account_creation": (25, 3600),
    "mfa_challenge": (5, 300),
    "password_check": (10, 300),
    "statuses_actions": (300, 10),
    "status_posting": (100, 60),
    "relations_actions": (300, 10),
    "app_creation": (100, 60),
}


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "unknown")


def hit(name: str, key: str, *, limit: tuple[int, int] | None = None) -> None:
    """Count one request for (name, key); raise 429 `Throttled` past the limit."""
    if not settings.RATE_LIMIT_ENABLED:
        return
    count, window = limit or LIMITS[name]
    bucket = int(time.time() // window)
    cache_key = f"rl:{name}:{key}:{bucket}"
    if cache.add(cache_key, 1, timeout=window + 1):
        current = 1
    else:
        try:
            current = cache.incr(cache_key)
        except ValueError:
            cache.set(cache_key, 1, timeout=window + 1)
            current = 1
    if current > count:
        retry = int(window - (time.time() % window)) + 1
        raise Throttled(retry_after=retry)


def reset(name: str, key: str) -> None:
    count, window = LIMITS[name]
    cache.delete(f"rl:{name}:{key}:{int(time.time() // window)}")
