"""`pleroma.emoji_reactions` on the Status entity, for a whole page in a fixed number of queries."""

from __future__ import annotations

from core import ids
from emoji.reactions.services import entries_for


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
