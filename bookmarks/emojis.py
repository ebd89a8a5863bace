"""Which folder emoji are valid: one RGI unicode emoji, or a local custom `:shortcode:`.

The unicode table comes from the `emoji` distribution's data file. Its import name is
shadowed by our own `emoji` app, so the file is read through importlib.metadata instead.
"""

from __future__ import annotations

import json
from functools import cache

FULLY_QUALIFIED = 2
FE0F = "\ufe0f"
REGIONAL_INDICATORS = frozenset(chr(c) for c in range(0x1F1E6, 0x1F200))


@cache
def _tables() -> tuple[frozenset[str], dict[str, str]]:
    """(fully-qualified RGI emoji, map from each FE0F-less spelling to its qualified form)."""
    from importlib import metadata

    path = metadata.distribution("emoji").locate_file("emoji/unicode_codes/emoji.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    qualified = frozenset(e for e, info in data.items() if info.get("status") == FULLY_QUALIFIED)
    variants = {e.replace(FE0F, ""): e for e in qualified}
    return qualified | REGIONAL_INDICATORS, variants


def normalise(value: str) -> str:
    """Pleroma's reaction normalisation (reference §4.1): unqualified unicode becomes fully
    qualified; anything that is not unicode emoji becomes a `:shortcode:`."""
    value = value.strip()
    qualified, variants = _tables()
    if value in qualified:
        return value
    fixed = variants.get(value.replace(FE0F, ""))
    if fixed is not None:
        return fixed
    return f":{value.strip(':')}:"


def is_unicode(value: str) -> bool:
    return value in _tables()[0]


def shortcode(value: str) -> str | None:
    """`firefox` for `:firefox:`; None for unicode emoji."""
    if is_unicode(value) or not (value.startswith(":") and value.endswith(":")):
        return None
    return value[1:-1]


def custom_emoji_urls(shortcodes: set[str]) -> dict[str, str]:
    """{shortcode: absolute image URL} for the local custom emoji among shortcodes (one query)."""
    if not shortcodes:
        return {}
    from django.conf import settings

    from emoji.models import Emoji

    rows = Emoji.objects.filter(shortcode__in=shortcodes).select_related("pack")
    return {e.shortcode: f"{settings.PLEROMA_URL}{e.url_path}" for e in rows}
