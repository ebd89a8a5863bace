"""`pleroma.emoji_reactions` on the Status entity, for a whole page in a fixed number of queries."""

from __future__ import annotations

import uuid

from django.utils import timezone

from core import ids, sql
from emoji.reactions.services import Entry, entries_for
from statuses.models import EmojiReaction


def render_entry(entry, viewer, *, accounts: list | None = None) -> dict:
    me = viewer is not None and any(r.account_id == viewer.pk for r in entry.reactions)
    data = {"name": entry.display_name(), "count": len(entry.reactions), "me": me, "url": entry.url}
    if accounts is None:
        data["account_ids"] = [ids.encode(r.account_id) for r in entry.reactions]
    else:
        data["accounts"] = accounts
    return data


def load_reactions(viewer, statuses: list) -> dict:
    """Status loader (statuses.registry): {status pk: {"pleroma": {"emoji_reactions": [...]}}}."""
    pks = {status.pk for status in statuses}
    if not pks:
        return {}
    entries = entries_for(pks, viewer)
    return {pk: {"pleroma": {"emoji_reactions": [render_entry(e, viewer) for e in entries.get(pk, [])]}}
            for pk in pks}


def reaction_rows(viewer, pairs: list):
    """statuses.registry viewer part: on the page's statuses, the viewer's own reactions
    and those of accounts the viewer blocks or mutes, as
    `("<status>\\t<account>\\t<emoji>\\t<emoji url>", "reaction")` text pairs."""
    reacted = [ref.pk for data, ref in pairs if data["pleroma"]["emoji_reactions"]]
    if not reacted:
        return None
    membership, values = sql.in_list("r.status_id", reacted)
    tab, me = sql.tab(), sql.value(viewer.pk)
    return (f"SELECT {sql.text('r.status_id')} || {tab} || {sql.text('r.account_id')} || {tab} || r.emoji"
            f" || {tab} || coalesce(r.emoji_url, ''), 'reaction' FROM {EmojiReaction._meta.db_table} r"
            f" WHERE {membership} AND (r.account_id = %s"
            f" OR r.account_id IN (SELECT blocked_id FROM accounts_block WHERE blocker_id = %s)"
            f" OR r.account_id IN (SELECT muted_id FROM accounts_mute WHERE muter_id = %s"
            f" AND (expires_at IS NULL OR expires_at > %s)))",
            [*values, me, me, me, sql.value(timezone.now())])


def apply_reactions(viewer, pairs: list, keys: list[str]) -> None:
    """`me` on the viewer's reactions; reactions of accounts the viewer blocks or mutes are
    left out of the counts (and entries no one else reacted with disappear)."""
    if not keys:
        return
    mine: dict = {}
    hidden: dict = {}
    for key in keys:
        status, account, name, url = key.split("\t")
        display = Entry(name, url or None).display_name()
        if uuid.UUID(account) == viewer.pk:
            mine.setdefault(uuid.UUID(status), set()).add(display)
        else:
            hidden.setdefault(uuid.UUID(status), []).append((display, ids.encode(uuid.UUID(account))))
    for data, ref in pairs:
        if ref.pk not in mine and ref.pk not in hidden:
            continue
        entries = [dict(e) for e in data["pleroma"]["emoji_reactions"]]
        by_name = {e["name"]: e for e in entries}
        for display in mine.get(ref.pk, ()):
            if display in by_name:
                by_name[display]["me"] = True
        for display, account_id in hidden.get(ref.pk, ()):
            entry = by_name.get(display)
            if entry is not None:
                entry["count"] -= 1
                if "account_ids" in entry:
                    entry["account_ids"] = [a for a in entry["account_ids"] if a != account_id]
        data["pleroma"]["emoji_reactions"] = [e for e in entries if e["count"] > 0]
