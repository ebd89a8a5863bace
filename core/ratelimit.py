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
    """Count one request for (name, key); raise 429 `Throttled` past the limit.

    The window opens at the first request of a key (not at a clock boundary), so a burst
    cannot straddle two windows and get twice the allowance.
    """
    if not settings.RATE_LIMIT_ENABLED:
        return
    count, window = limit or LIMITS[name]
    counter = f"rl:{name}:{key}"
    now = time.time()
    if cache.add(counter, 1, timeout=window):
        cache.set(f"{counter}:start", now, timeout=window)
        return
    try:
        current = cache.incr(counter)
    except ValueError:  # expired between add and incr: a new window
        cache.set(counter, 1, timeout=window)
        cache.set(f"{counter}:start", now, timeout=window)
        return
    if current > count:
        started = cache.get(f"{counter}:start") or now
        raise Throttled(retry_after=max(1, int(window - (now - started)) + 1))


def reset(name: str, key: str) -> None:
    cache.delete_many([f"rl:{name}:{key}", f"rl:{name}:{key}:start"])


def _window_start(counter: str, window: int) -> None:
    cache.set(f"{counter}:start", time.time(), timeout=window)


def count(name: str, key: str, *, limit: tuple[int, int] | None = None) -> None:
    """Count one event (a failed attempt) for (name, key) without refusing anything."""
    if not settings.RATE_LIMIT_ENABLED:
        return
    _, window = limit or LIMITS[name]
    counter = f"rl:{name}:{key}"
    if cache.add(counter, 1, timeout=window):
        _window_start(counter, window)
        return
    try:
        cache.incr(counter)
    except ValueError:  # expired between add and incr: a new window
        cache.set(counter, 1, timeout=window)
        _window_start(counter, window)


def refuse_if_exhausted(name: str, key: str, *, limit: tuple[int, int] | None = None) -> None:
    """Raise 429 `Throttled` when (name, key) already counted its allowance in this window."""
    if not settings.RATE_LIMIT_ENABLED:
        return
    allowed, window = limit or LIMITS[name]
    counter = f"rl:{name}:{key}"
    if (cache.get(counter) or 0) >= allowed:
        now = time.time()
        started = cache.get(f"{counter}:start") or now
        raise Throttled(retry_after=max(1, int(window - (now - started)) + 1))
