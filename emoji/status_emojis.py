"""The `emojis` list of the Status entity: the custom emoji a status's text uses.

A statuses.registry loader: reads the cached emoji table, so it costs no query per page.
"""

from __future__ import annotations

import re

from emoji import registry

SHORTCODE_RE = re.compile(r":([A-Za-z0-9_-]+):")


def custom_emojis_in(text: str, table: dict[str, dict]) -> list[dict]:
    """Mastodon's CustomEmoji entities for every known `:shortcode:` in the text, in order."""
    found: list[dict] = []
    seen: set[str] = set()
    for code in SHORTCODE_RE.findall(text or ""):
        entry = table.get(code)
        if entry is None or code in seen:
            continue
        seen.add(code)
        url = registry.absolute_url(entry["image_url"])
        found.append({"shortcode": code, "url": url, "static_url": url, "visible_in_picker": False})
    return found


def load_status_emojis(viewer, statuses: list) -> dict:
    if not any(":" in (s.content_source or "") or ":" in (s.spoiler_text or "") for s in statuses):
        return {}
    table = registry.by_shortcode()
    out = {}
    for status in statuses:
        emojis = custom_emojis_in(f"{status.spoiler_text} {status.content_source}", table)
        if emojis:
            out[status.pk] = {"emojis": emojis}
    return out


def emojis_in_text(text: str) -> list[dict]:
    """statuses.registry.text_emojis: the custom emoji of a text (a former version of an
    edited status)."""
    if ":" not in (text or ""):
        return []
    return custom_emojis_in(text, registry.by_shortcode())
