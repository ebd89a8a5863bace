"""The instance's custom emoji table, read from the database and kept in the cache.

Every pack or file change calls `invalidate()` (now and again on commit, so a reader racing
the transaction cannot keep stale data), so listings, reactions and posts see changes at
once: there is no "needs reload" state (reference §2.1, §13).
"""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction

from core.media import absolute_media_url

CACHE_KEY = "emoji:table:v1"
CACHE_SECONDS = 3600


def _build() -> list[dict]:
    from emoji.models import Emoji

    rows = Emoji.objects.select_related("pack").order_by("shortcode")
    return [{"shortcode": e.shortcode, "image_url": e.url_path,
             "tags": [f"pack:{e.pack.name}", *e.tags]} for e in rows]


def table() -> list[dict]:
    """[{shortcode, image_url (relative), tags}] sorted by shortcode."""
    data = cache.get(CACHE_KEY)
    if data is None:
        data = _build()
        cache.set(CACHE_KEY, data, CACHE_SECONDS)
    return data


def by_shortcode() -> dict[str, dict]:
    return {entry["shortcode"]: entry for entry in table()}


def lookup(shortcode: str) -> dict | None:
    """The emoji named `shortcode` (colons optional), or None."""
    return by_shortcode().get(shortcode.strip(":"))


def absolute_url(image_url: str) -> str:
    return absolute_media_url(image_url)


def invalidate() -> None:
    from core import render_cache

    render_cache.bump_generation()  # statuses show the custom emoji their text uses
    cache.delete(CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(CACHE_KEY))
