"""The Poll entity on statuses (mastodon-base 2.5), rendered in a fixed number of queries.

What every viewer sees is a statuses.registry loader (cached with the status's entry, which
is dropped whenever a vote or the closing changes the poll); the viewer's own `voted` and
`own_votes` (and, on a poll with hidden totals, its author's counts) are a viewer part
answered inside the page's one viewer query.
"""

from __future__ import annotations

import datetime
import json
import uuid

from django.utils import timezone

from core import ids, sql
from core.renderers import format_datetime
from statuses.models import Poll, PollVote

KIND = "poll"


def render_poll(poll: Poll, now: datetime.datetime | None = None) -> dict:
    """The Poll entity as an anonymous viewer sees it (no `voted`/`own_votes`); with
    `hide_totals` the options' counts are null until the poll expires."""
    expired = poll.is_expired(now)
    hidden = poll.hide_totals and not expired
    return {
        "id": ids.encode(poll.pk),
        "expires_at": format_datetime(poll.expires_at),
        "expired": expired,
        "multiple": poll.multiple,
        "votes_count": sum(poll.votes),
        "voters_count": poll.voters_count,
        "options": [{"title": title, "votes_count": None if hidden else count}
                    for title, count in zip(poll.options, poll.votes, strict=True)],
        "emojis": [],
        "pleroma": {"non_anonymous": False},
    }


def load_polls(viewer, statuses: list) -> dict:
    """statuses.registry loader: {status pk: {"poll": Poll entity}}. The polls come joined
    to the statuses (statuses.entities selects `poll` with them): no query of its own."""
    now = timezone.now()
    found = {}
    for status in statuses:
        try:
            poll = status.poll
        except Poll.DoesNotExist:
            continue
        found[status.pk] = {"poll": render_poll(poll, now)}
    return found


def poll_rows(viewer, pairs: list):
    """statuses.registry viewer part: the viewer's votes on the page's polls as
    `"<status>\\tv\\t<choice>"` keys, and for the viewer's own polls with hidden totals
    their counts as `"<status>\\tc\\t<JSON list>"`."""
    polled = [ref.pk for data, ref in pairs if data.get("poll")]
    if not polled:
        return None
    tab, me = sql.tab(), sql.value(viewer.pk)
    membership, values = sql.in_list("p.status_id", polled)
    statement = (f"SELECT {sql.text('p.status_id')} || {tab} || 'v' || {tab} || {sql.text('v.choice')}, '{KIND}'"
                 f" FROM {PollVote._meta.db_table} v JOIN {Poll._meta.db_table} p ON p.id = v.poll_id"
                 f" WHERE v.account_id = %s AND {membership}")
    params = [me, *values]
    hidden = [ref.pk for data, ref in pairs
              if data.get("poll") and ref.account_id == viewer.pk
              and any(option["votes_count"] is None for option in data["poll"]["options"])]
    if hidden:
        own, own_values = sql.in_list("p.status_id", hidden)
        statement += (f" UNION ALL SELECT {sql.text('p.status_id')} || {tab} || 'c' || {tab} || {sql.text('p.votes')},"
                      f" '{KIND}' FROM {Poll._meta.db_table} p WHERE {own}")
        params += own_values
    return statement, params


def apply_polls(viewer, pairs: list, keys: list[str]) -> None:
    """`expired` from the clock (the entry may be older than the expiry); for a viewer,
    `voted` (the author counts as voted) and `own_votes`, and the author's hidden counts."""
    now = format_datetime(timezone.now())
    votes: dict = {}
    counts: dict = {}
    for key in keys:
        status_key, kind, value = key.split("\t", 2)
        if kind == "v":
            votes.setdefault(uuid.UUID(status_key), []).append(int(value))
        else:
            counts[uuid.UUID(status_key)] = json.loads(value)
    for data, ref in pairs:
        poll = data.get("poll")
        if not poll:
            continue
        poll = data["poll"] = dict(poll)
        if poll["expires_at"] is not None and poll["expires_at"] <= now:
            poll["expired"] = True
        if viewer is None:
            continue
        own = sorted(votes.get(ref.pk, []))
        poll["voted"] = bool(own) or ref.account_id == viewer.pk
        poll["own_votes"] = own
        if ref.pk in counts:
            poll["options"] = [{**option, "votes_count": count}
                               for option, count in zip(poll["options"], counts[ref.pk], strict=False)]
