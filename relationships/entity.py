"""The Relationship entity for a viewer and a batch of accounts, in a fixed number of queries."""

from __future__ import annotations

from accounts import registry
from core import ids
from relationships.follows import active_mutes
from relationships.models import AccountNote, Block, Endorsement, Follow, Mute


def relationship_map(viewer, accounts) -> dict:
    """{account pk: Relationship dict} for every account, 6 queries whatever the count."""
    if viewer is None:
        return {}
    pks = [a.pk for a in accounts]
    if not pks:
        return {}
    outgoing = {f.followed_id: f for f in Follow.objects.filter(follower=viewer, followed_id__in=pks)}
    incoming = {f.follower_id: f for f in Follow.objects.filter(followed=viewer, follower_id__in=pks)}
    blocks = Block.objects.filter(blocker=viewer, blocked_id__in=pks).values_list("blocked_id", flat=True)
    blocked_by = Block.objects.filter(blocked=viewer, blocker_id__in=pks).values_list("blocker_id", flat=True)
    # expired timed mutes count as none (relationships.follows.active_mutes)
    mutes = {m.muted_id: m for m in active_mutes().filter(muter=viewer, muted_id__in=pks)}
    endorsed = set(Endorsement.objects.filter(owner=viewer, account_id__in=pks).values_list("account_id", flat=True))
    notes = dict(AccountNote.objects.filter(owner=viewer, account_id__in=pks).values_list("account_id", "comment"))
    blocks, blocked_by = set(blocks), set(blocked_by)
    found = {pk: build(pk, outgoing.get(pk), incoming.get(pk), pk in blocks, pk in blocked_by,
                       mutes.get(pk), pk in endorsed, notes.get(pk, "")) for pk in pks}
    for part in registry.relationship_parts:  # fields feature apps own (domain_blocking)
        for pk, fields in part(viewer, list(accounts)).items():
            found[pk].update(fields)
    return found


def build(pk, out: Follow | None, inc: Follow | None, blocking: bool, blocked_by: bool,
          mute: Mute | None, endorsed: bool, note: str) -> dict:
    following = out is not None and out.state == Follow.State.ACCEPTED
    subscribing = bool(out and out.notify and following)
    return {
        "id": ids.encode(pk),
        "following": following,
        "requested": out is not None and out.state == Follow.State.PENDING,
        "followed_by": inc is not None and inc.state == Follow.State.ACCEPTED,
        "requested_by": inc is not None and inc.state == Follow.State.PENDING,
        "blocking": blocking,
        "blocked_by": blocked_by,
        "muting": mute is not None,
        "muting_notifications": bool(mute and mute.notifications),
        "domain_blocking": False,
        "showing_reblogs": out.show_reblogs if out is not None else True,
        "endorsed": endorsed,
        "note": note,
        "subscribing": subscribing,
        "notifying": subscribing,
        "languages": None,
    }


def relationship(viewer, account) -> dict:
    return relationship_map(viewer, [account])[account.pk]
