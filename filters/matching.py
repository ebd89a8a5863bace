"""Matching the viewer's active filters against the statuses of a page.

The filters of a user are read once (one query) and kept in the shared cache until one of
them changes (`forget`); a page is then matched in Python against its rendered entities,
with no query (statuses.registry.StatusFilter). What is matched is what Mastodon matches:
the spoiler text, the content stripped of HTML, the media descriptions and the poll's
options, case-insensitively; a whole-word keyword only where it starts and ends on a word
boundary (when it starts or ends with a word character).
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from django.core.cache import cache
from django.db.models import BooleanField, CharField, UUIDField, Value
from django.utils import timezone

from core import ids
from core.renderers import format_datetime
from filters.models import Filter

CACHE_TTL = 24 * 3600
WORD_CHAR = re.compile(r"\w")


def cache_key(user_pk) -> str:
    return f"filters:active:{uuid.UUID(str(user_pk)).hex}"


def forget(user_pk) -> None:
    """Drop the cached filters of a user (after any change to them)."""
    cache.delete(cache_key(user_pk))


def filter_entity(f: Filter) -> dict:
    """The Filter entity without its keywords and statuses (as a FilterResult shows it)."""
    return {"id": ids.encode(f.pk), "title": f.title, "context": f.contexts,
            "expires_at": format_datetime(f.expires_at), "filter_action": f.action}


def _load(user_pk) -> list[dict]:
    """The user's filters with their keywords and statuses, one query (a UNION of two joins)."""
    base = Filter.objects.filter(user_id=user_pk)
    text = CharField()
    keyword_rows = base.values_list(
        "id", "title", "context", "action", "expires_at", "keywords__keyword", "keywords__whole_word",
        Value(None, output_field=UUIDField()))
    status_rows = base.filter(statuses__isnull=False).values_list(
        "id", "title", "context", "action", "expires_at", Value(None, output_field=text),
        Value(False, output_field=BooleanField()), "statuses__status_id")
    filters: dict = {}
    for pk, title, context, action, expires_at, keyword, whole_word, status_id in keyword_rows.union(
            status_rows, all=True):
        row = Filter(pk=pk, title=title, context=context, action=action, expires_at=expires_at)
        entry = filters.setdefault(pk, {
            "entity": filter_entity(row), "contexts": row.contexts, "action": action,
            "expires": expires_at.timestamp() if expires_at else None, "keywords": [], "statuses": []})
        if keyword is not None:
            entry["keywords"].append((keyword, bool(whole_word)))
        if status_id is not None:
            entry["statuses"].append(ids.encode(status_id))
    return list(filters.values())


def active_filters(user) -> list[dict]:
    """The user's unexpired filters (cached; expiry is checked on every read)."""
    key = cache_key(user.pk)
    loaded = cache.get(key)
    if loaded is None:
        loaded = _load(user.pk)
        cache.set(key, loaded, CACHE_TTL)
    now = timezone.now().timestamp()
    return [f for f in loaded if f["expires"] is None or f["expires"] > now]


def keyword_pattern(keyword: str, whole_word: bool) -> re.Pattern:
    escaped = re.escape(keyword)
    if whole_word:
        start = r"\b" if WORD_CHAR.match(keyword[:1]) else ""
        end = r"\b" if WORD_CHAR.match(keyword[-1:]) else ""
        escaped = f"{start}{escaped}{end}"
    return re.compile(escaped, re.IGNORECASE)


def searchable_text(entity: dict) -> str:
    """What a filter's keywords are matched in (the status itself for a reblog)."""
    status = entity.get("reblog") or entity
    parts = [status.get("spoiler_text") or "",
             ((status.get("pleroma") or {}).get("content") or {}).get("text/plain") or ""]
    parts += [m.get("description") or "" for m in status.get("media_attachments") or []]
    poll = status.get("poll")
    if isinstance(poll, dict):
        parts += [o.get("title") or "" for o in poll.get("options") or []]
    return "\n\n".join(p for p in parts if p)


def _results(filters: list[dict], patterns: dict, entity: dict) -> list[dict]:
    text = searchable_text(entity)
    own = {entity["id"]} | ({entity["reblog"]["id"]} if entity.get("reblog") else set())
    results = []
    for f in filters:
        keywords = [keyword for keyword, whole_word in f["keywords"]
                    if patterns[(keyword, whole_word)].search(text)]
        statuses = [pk for pk in f["statuses"] if pk in own]
        if keywords or statuses:
            results.append({"filter": f["entity"], "keyword_matches": keywords or None,
                            "status_matches": statuses or None})
    return results


def annotate(viewer, entities: dict) -> None:
    """Set `filtered` on each entity of a page (statuses.registry.StatusFilter.annotate)."""
    filters = active_filters(viewer) if entities else []
    patterns = {k: keyword_pattern(*k) for f in filters for k in f["keywords"]}
    for entity in entities.values():
        results = _results(filters, patterns, entity) if filters else []
        entity["filtered"] = results
        if entity.get("reblog"):
            entity["reblog"] = {**entity["reblog"], "filtered": results}


def screen(entity: dict, context: str) -> dict | None:
    """The entity as a list of `context` shows it: None when a `hide` filter of that context
    matches, else with `filtered` narrowed to the filters of that context."""
    results = entity.get("filtered")
    if not results:
        return entity
    here = [r for r in results if context in r["filter"]["context"]]
    if any(r["filter"]["filter_action"] == "hide" for r in here):
        return None
    shown: dict[str, Any] = {**entity, "filtered": here}
    if entity.get("reblog"):
        shown["reblog"] = {**entity["reblog"], "filtered": here}
    return shown
