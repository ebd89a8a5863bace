"""Which folder emoji are valid: one RGI unicode emoji, or a local custom `:shortcode:`.

The unicode table is the emoji app's (emoji.unicode).
"""

from __future__ import annotations

from emoji import unicode


def normalise(value: str) -> str:
    """Pleroma's reaction normalisation (reference §4.1): unqualified unicode becomes fully
    qualified; anything that is not unicode emoji becomes a `:shortcode:`."""
    value = value.strip()
    if unicode.is_rgi(value):
        return unicode.qualify(value)
    return f":{value.strip(':')}:"


def is_unicode(value: str) -> bool:
    return unicode.is_rgi(value) and unicode.qualify(value) == value


def shortcode(value: str) -> str | None:
    """`firefox` for `:firefox:`; None for unicode emoji."""
    if is_unicode(value) or not (value.startswith(":") and value.endswith(":")):
        return None
    return value[1:-1]


def custom_emoji_urls(shortcodes: set[str]) -> dict[str, str]:
    """{shortcode: absolute image URL} for the local custom emoji among shortcodes (one query)."""
    if not shortcodes:
        return {}
    from core.media import absolute_media_url
    from emoji.models import Emoji

    rows = Emoji.objects.filter(shortcode__in=shortcodes).select_related("pack")
    return {e.shortcode: absolute_media_url(e.url_path) for e in rows}
