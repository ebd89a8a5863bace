"""Votes received on local polls (reference/federation.md §4.7): a Create of a Note with a
`name` (the option's title) in reply to one of our Questions is a vote, not a reply. Every
other Create is a note (federation.incoming.notes)."""

from __future__ import annotations

from typing import NamedTuple

from accounts.models import User
from federation.incoming import notes
from federation.incoming.common import Ignored, is_local_uri, object_id, status_by_uri
from statuses.models import Poll


class Vote(NamedTuple):
    poll: Poll
    option: str


def _vote_of(activity: dict, remote: User) -> Vote | None:
    note = activity.get("object")
    if not isinstance(note, dict) or note.get("type") not in ("Note", "Answer"):
        return None
    name, parent_uri = note.get("name"), object_id(note.get("inReplyTo"))
    if not isinstance(name, str) or not parent_uri or not is_local_uri(parent_uri):
        return None
    parent = status_by_uri(parent_uri)
    poll = Poll.objects.filter(status=parent).first() if parent is not None else None
    if poll is None:
        return None
    notes.check_note({**note, "type": "Note"}, remote)  # the voter's own note, from its server
    return Vote(poll, name)


def prepare_create_or_vote(activity: dict, remote: User):
    """A vote is recognised before anything is fetched; other Creates are prepared as notes."""
    return _vote_of(activity, remote) or notes.prepare_create(activity, remote)


def handle_create_or_vote(activity: dict, remote: User, prepared) -> None:
    from statuses.services import polls

    if isinstance(prepared, Vote):
        if not polls.count_remote_vote(remote, prepared.poll, prepared.option):
            raise Ignored("vote refused: own poll, closed, unknown option or already voted")
        return
    notes.handle_create(activity, remote, prepared)
