"""Pages of Status entities: cached viewer-independent entries plus the viewer's own flags.

`render_page(viewer, statuses)` returns `{status pk: Status entity}`:

1. Each status's entry (its JSON as an anonymous viewer sees it, without the account, plus
   the references the page needs: author, reblogged and quoted status, parent, thread) is
   read from the render cache (core.render_cache); the missing ones are rendered from the
   database as one batch (statuses.entities.base_entries) and stored. Reblogged and quoted statuses are
   read the same way, one level at a time.
2. Authors come from the account entries of the same cache (the viewer's own account is
   rendered live: it shows owner-only fields).
3. One query answers everything that depends on the viewer: favourited, reblogged, thread
   and author mutes, which parents and quotes the viewer may see, and the rows of the
   feature apps' viewer parts (statuses.registry.viewer_parts: bookmarks, reactions,
   events, conversations).
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from functools import partial
from typing import NamedTuple

from django.utils import timezone

from accounts.models import User
from accounts.serializers import render_account
from core import render_cache, sql
from core.db import fetch_all
from core.renderers import dumps
from statuses import registry
from statuses.entities import base_entries, reblog_wrapper
from statuses.queries import visible_sql

log = logging.getLogger(__name__)

STATUS, ACCOUNT = "s", "a"
VIEWER_KINDS = {"f": "favourited", "r": "reblogged", "m": "muted_accounts", "v": "visible"}


class Ref(NamedTuple):
    """What the page needs to know of a status besides its JSON (attribute names as Status)."""

    pk: uuid.UUID
    account_id: uuid.UUID
    reblog_of_id: uuid.UUID | None
    quote_id: uuid.UUID | None
    in_reply_to_id: uuid.UUID | None
    context_id: int | None
    visibility: str
    expires_at: str | None


def _uuid(value: str | None) -> uuid.UUID | None:
    return uuid.UUID(value) if value else None


def ref_of(pk: uuid.UUID, meta: dict) -> Ref:
    return Ref(pk, uuid.UUID(meta["a"]), _uuid(meta["r"]), _uuid(meta["q"]), _uuid(meta["p"]),
               meta["c"], meta["v"], meta["e"])


class Sources:
    """What a rendered page was built from: the generation and the entries (key, nonce)."""

    def __init__(self) -> None:
        self.generation = 0
        self.entries: list[tuple[str, str | None]] = []


def _entries(kind: str, pks: list, build, sources: Sources | None = None, *,
             fetched: dict | None = None, refers_to=None) -> dict:
    """Cached entries of `pks` (from `fetched`, {entry key: entry or None}, when it has
    looked them up), the missing ones built with `build(pks)` and stored."""
    keys = {pk: render_cache.entry_key(kind, pk) for pk in pks}
    fetched = fetched or {}
    found = {pk: fetched[key] for pk, key in keys.items() if fetched.get(key) is not None}
    generation = sources.generation if sources is not None else 0
    unknown = [pk for pk, key in keys.items() if key not in fetched]
    if unknown:
        looked_up, generation = render_cache.get_many(kind, unknown)
        found.update(looked_up)
    missing = [pk for pk in pks if pk not in found]
    if missing:
        built = build(missing)
        render_cache.put_many(kind, built, generation, refers_to)
        found.update({pk: entry for pk, entry in built.items() if pk not in found})
    if sources is not None:
        sources.entries += [(keys.get(pk) or render_cache.entry_key(kind, pk), entry.get("n"))
                            for pk, entry in found.items()]
    return found


def _refers_to(entry: dict) -> list[tuple[str, str]]:
    """The entries a status entry's entity is assembled with: author, reblogged or quoted status."""
    meta = entry["m"]
    refs = [(ACCOUNT, meta["a"])]
    if meta["r"] or meta["q"]:
        refs.append((STATUS, meta["r"] or meta["q"]))
    return refs


def _account_entries(pks: list) -> dict:
    return {u.pk: {"d": render_account(u, None)} for u in User.objects.filter(pk__in=pks)}


# -- the page -----------------------------------------------------------------------------------

def _load_statuses(page: list, fetched: dict, sources: Sources) -> tuple[dict, dict]:
    """({pk: entry}, {pk: Ref}) for the page, the reblogged statuses and the quoted ones."""
    entries: dict = {}
    level = list(dict.fromkeys(page))
    for depth in range(3):
        wanted = [pk for pk in level if pk not in entries]
        if not wanted:
            break
        entries.update(_entries(STATUS, wanted, partial(base_entries, with_references=depth == 0), sources,
                                fetched=fetched, refers_to=_refers_to))
        following = []
        for pk in wanted:
            entry = entries.get(pk)
            if entry is None:
                continue
            meta = entry["m"]
            # Below the page a reblog is one of a reblog (the services never make one: they
            # reblog the original); its original is loaded too, to render the page's reblog.
            if meta["r"] and (depth == 0 or "b" in entry):
                following.append(uuid.UUID(meta["r"]))
            if meta["q"] and not meta["r"] and depth < 2:
                following.append(uuid.UUID(meta["q"]))
        level = list(dict.fromkeys(following))
    return entries, {pk: ref_of(pk, entry["m"]) for pk, entry in entries.items()}


def _viewer_rows(viewer, pairs: list[tuple[dict, Ref]]) -> tuple[dict, dict]:
    """The viewer's flags for the page's statuses and the viewer parts' keys, one query
    (written as SQL: this runs on every page, and building it with the ORM cost more than
    everything else the page does)."""
    flags = {"favourited": set(), "reblogged": set(), "thread_muted": set(),
             "muted_accounts": set(), "visible": set()}
    keys: dict = {}
    inner = [ref for _, ref in pairs]
    referenced = list({r.in_reply_to_id for r in inner if r.in_reply_to_id}
                      | {r.quote_id for r in inner if r.quote_id})
    viewer_pk = viewer.pk if viewer is not None else None
    parts: list[tuple[str, list]] = []

    def part(column: str, kind: str, table: str, owner: str, key: str, keys: list, extra: str = "",
             extra_values: tuple = ()):
        membership, values = sql.in_list(key, keys)
        parts.append((f"SELECT {sql.text(column)}, '{kind}' FROM {table} WHERE {owner} = %s AND {membership}{extra}",
                      [sql.value(viewer_pk), *values, *extra_values]))

    if referenced:
        visible, params = visible_sql(viewer_pk)
        membership, values = sql.in_list("s.id", referenced)
        parts.append((f"SELECT {sql.text('s.id')}, 'v' FROM statuses_status s WHERE {membership} AND {visible}",
                      [*values, *params]))
    if viewer is not None and inner:
        pks = [r.pk for r in inner]
        contexts = list({r.context_id for r in inner if r.context_id})
        part("status_id", "f", "statuses_favourite", "account_id", "status_id", pks)
        part("reblog_of_id", "r", "statuses_status", "account_id", "reblog_of_id", pks)
        part("muted_id", "m", "accounts_mute", "muter_id", "muted_id", list({r.account_id for r in inner}),
             " AND (expires_at IS NULL OR expires_at > %s)", (sql.value(timezone.now()),))
        if contexts:
            part("context_id", "t", "statuses_threadmute", "user_id", "context_id", contexts)
        parts += [part for viewer_part in registry.viewer_parts
                  if (part := viewer_part.rows(viewer, pairs)) is not None]
    if not parts:
        return flags, keys
    rows = fetch_all(" UNION ALL ".join(part_sql for part_sql, _ in parts),
                     [param for _, params in parts for param in params])
    for key, kind in rows:
        if kind == "t":
            flags["thread_muted"].add(int(key))
        elif kind in VIEWER_KINDS:
            flags[VIEWER_KINDS[kind]].add(uuid.UUID(key))
        else:
            keys.setdefault(kind, []).append(key)
    return flags, keys


def render_page(viewer, page: list, sources: Sources | None = None) -> dict:
    """{pk: Status entity} for the statuses of `page` (pks) as `viewer` (or None) sees them;
    `sources` collects the entries used (to cache the whole page, see `anonymous_page`)."""
    if not page:
        return {}
    sources = sources if sources is not None else Sources()
    # The page's statuses, what they reblog and quote, and all their authors: one round trip
    # when they are all cached (page -> reblogged or quoted -> quoted by those -> authors).
    fetched, sources.generation = render_cache.get_tree(STATUS, list(dict.fromkeys(page)), 4)
    entries, refs = _load_statuses(page, fetched, sources)
    authors = list({ref.account_id for ref in refs.values()} - ({viewer.pk} if viewer else set()))
    accounts = {pk: entry["d"] for pk, entry
                in _entries(ACCOUNT, authors, _account_entries, sources, fetched=fetched).items()}
    if viewer is not None:
        accounts[viewer.pk] = render_account(viewer, viewer)

    inner = [refs[pk] for pk, entry in entries.items() if "d" in entry]
    flags, keys = _viewer_rows(viewer, [(entries[ref.pk]["d"], ref) for ref in inner])
    data = {}
    for ref in inner:
        status = dict(entries[ref.pk]["d"])
        pleroma = status["pleroma"] = dict(status["pleroma"])
        status["account"] = accounts.get(ref.account_id)
        thread_muted = ref.context_id in flags["thread_muted"]
        status["favourited"] = ref.pk in flags["favourited"]
        status["reblogged"] = ref.pk in flags["reblogged"]
        status["muted"] = thread_muted or ref.account_id in flags["muted_accounts"]
        pleroma["thread_muted"] = thread_muted
        pleroma["parent_visible"] = bool(ref.in_reply_to_id) and ref.in_reply_to_id in flags["visible"]
        pleroma["quote_visible"] = bool(ref.quote_id) and ref.quote_id in flags["visible"]
        if viewer is not None and viewer.pk == ref.account_id:
            pleroma["expires_at"] = ref.expires_at
        data[ref.pk] = status
    pairs = [(data[ref.pk], ref) for ref in inner]
    for part in registry.viewer_parts:
        part.apply(viewer, pairs, keys.get(part.kind, []))

    def with_quote(pk):
        status = data[pk]
        quote_pk = refs[pk].quote_id
        if quote_pk in data:  # the quoted object's own id, which for a remote post is not ours
            status = {**status, "pleroma": {**status["pleroma"], "quote_url": data[quote_pk]["uri"]}}
        if status["pleroma"]["quote_visible"] and quote_pk in data:
            quoted = data[quote_pk]
            status = {**status, "pleroma": {**status["pleroma"],
                                            "quote": {**quoted, "pleroma": {**quoted["pleroma"], "quote": None}}}}
        return status

    rendered = {}
    for pk in dict.fromkeys(page):
        entry = entries.get(pk)
        if entry is None:
            continue
        if "b" in entry:
            original = _original_of(pk, entries, refs)
            if original in data:
                rendered[pk] = reblog_wrapper(entry["b"], with_quote(original),
                                              accounts.get(refs[pk].account_id))
            else:
                log.warning("status %s left out: the status it reblogs (%s) cannot be rendered",
                            pk, refs[pk].reblog_of_id)
        else:
            rendered[pk] = with_quote(pk)
    if viewer is not None:
        for status_filter in registry.status_filters:
            status_filter.annotate(viewer, rendered)
    return rendered


def screen(entity: dict | None, context: str | None) -> dict | None:
    """The entity as a list of `context` shows it (statuses.registry.status_filters: its
    `filtered` narrowed to that context), or None when the viewer's filters hide it there."""
    if entity is None or context is None:
        return entity
    for status_filter in registry.status_filters:
        entity = status_filter.screen(entity, context)
        if entity is None:
            return None
    return entity


def _original_of(pk: uuid.UUID, entries: dict, refs: dict) -> uuid.UUID | None:
    """The status a reblog shows. A reblog of a reblog (a row the services never write) shows
    the original at the end of the chain, and is logged."""
    target = refs[pk].reblog_of_id
    seen = {pk}
    while target in entries and "b" in entries[target] and target not in seen:
        seen.add(target)
        target = refs[target].reblog_of_id
    if len(seen) > 1:
        log.warning("status %s reblogs a reblog (%s): rendered as a reblog of %s",
                    pk, refs[pk].reblog_of_id, target)
    return target


def render_accounts(viewer, pks) -> dict:
    """{pk: Account entity} from the render cache (the viewer's own account rendered live:
    it shows owner-only fields), for lists that show accounts beside statuses."""
    pks = list(dict.fromkeys(pk for pk in pks if pk is not None))
    others = [pk for pk in pks if viewer is None or pk != viewer.pk]
    accounts = {pk: entry["d"] for pk, entry in _entries(ACCOUNT, others, _account_entries).items()}
    if viewer is not None and viewer.pk in pks:
        accounts[viewer.pk] = render_account(viewer, viewer)
    return accounts


def anonymous_page(page: list) -> bytes:
    """The JSON body of a page of statuses for an anonymous viewer, served whole from the
    render cache while every entry it was built from and the generation stand.

    Statuses of deactivated accounts and deleted parents or quotes also drop it: they
    change the generation, or the entries of the statuses that refer to them.
    """
    name = hashlib.sha1(b"".join(pk.bytes for pk in page)).hexdigest()
    body = render_cache.get_page(name)
    if body is None:
        sources = Sources()
        rendered = render_page(None, page, sources)
        body = dumps([rendered[pk] for pk in page if pk in rendered])
        render_cache.put_page(name, sources.generation, sources.entries, body)
    return body
