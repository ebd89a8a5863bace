"""Polls: creating one with its status, voting, and closing it at its expiry."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core import ids
from core.exceptions import NotFound, Unprocessable
from core.params import parse_bool
from notifications.services import notify
from statuses.models import Poll, PollVote, Status
from statuses.queries import get_visible_status


def poll_limits() -> dict:
    """The limits /api/v1/instance advertises (`poll_limits`), enforced on posting."""
    from instance.documents import POLL_LIMITS

    return dict(POLL_LIMITS)


def poll_from_params(raw: dict) -> dict | None:
    """The `poll` of POST /api/v1/statuses as one dict, from JSON (`{"poll": {...}}`) or a
    form (`poll[options][]=a&poll[expires_in]=600`); None when no poll was sent."""
    nested = raw.get("poll")
    if isinstance(nested, dict):
        poll = {key[:-2] if key.endswith("[]") else key: value for key, value in nested.items()}
    else:
        poll = {}
        for key, value in raw.items():
            if key.startswith("poll[") and key.endswith("]"):
                # poll[name], poll[name][] (a list), poll[options][0] (an index-keyed hash)
                name, _, index = key[len("poll["):-1].partition("][")
                if index.isdigit() and isinstance(poll.get(name, {}), dict):
                    poll.setdefault(name, {})[int(index)] = value
                else:
                    poll[name] = value
        if not poll:
            if nested not in (None, "", [], {}):
                raise Unprocessable("Invalid poll")
            return None
    return poll


def validate_poll(poll: dict) -> dict:
    """Options, expiry and flags of a poll checked against the advertised limits:
    `{"options": [...], "expires_in": seconds, "multiple": bool, "hide_totals": bool}`."""
    limits = poll_limits()
    options = poll.get("options")
    if isinstance(options, str):
        options = [options]
    if isinstance(options, dict):  # poll[options][0]=a&poll[options][1]=b
        options = [options[key] for key in sorted(
            options, key=lambda k: (0, int(k), "") if str(k).isdigit() else (1, 0, str(k)))]
    if not isinstance(options, list | tuple) or not all(isinstance(o, str | int | float) for o in options):
        raise Unprocessable("Invalid poll")
    options = [str(option).strip() for option in options]
    if any(option == "" for option in options):
        raise Unprocessable("Poll options cannot be blank")
    if len(options) < 2:
        raise Unprocessable("Poll must contain at least 2 options")
    if len(options) > limits["max_options"]:
        raise Unprocessable(f"Poll can't contain more than {limits['max_options']} options")
    if any(len(option) > limits["max_option_chars"] for option in options):
        raise Unprocessable(
            f"Poll options cannot be longer than {limits['max_option_chars']} characters each")
    if len(set(options)) != len(options):
        raise Unprocessable("Poll options must be unique")
    try:
        expires_in = int(str(poll.get("expires_in")).strip())
    except (TypeError, ValueError):
        raise Unprocessable("Invalid poll expires_in") from None
    if expires_in > limits["max_expiration"]:
        raise Unprocessable("Expiration date is too far in the future")
    if expires_in < limits["min_expiration"]:
        raise Unprocessable("Expiration date is too soon")
    return {"options": options, "expires_in": expires_in,
            "multiple": parse_bool(poll.get("multiple")), "hide_totals": parse_bool(poll.get("hide_totals"))}


def attach_poll(status: Status, poll: dict, *, starts_at=None) -> Poll:
    """Store a validated poll on a status being created (or edited: `starts_at`, the edit's
    time, from which `expires_in` counts) and schedule its closing."""
    from statuses import tasks

    created = Poll.objects.create(
        status=status, options=poll["options"], votes=[0] * len(poll["options"]),
        multiple=poll["multiple"], hide_totals=poll["hide_totals"],
        expires_at=(starts_at or status.created_at) + timedelta(seconds=poll["expires_in"]))
    poll_id, eta = str(created.pk), created.expires_at
    transaction.on_commit(lambda: tasks.close_poll.apply_async((poll_id,), eta=eta))
    return created


def get_visible_poll(viewer: User | None, poll_id: str) -> Poll:
    """A poll whose status the viewer may see; anything else is 404 (like a missing one)."""
    pk = ids.decode(poll_id or "")
    poll = Poll.objects.filter(pk=pk).first() if pk else None
    if poll is None:
        raise NotFound()
    get_visible_status(viewer, poll.status_id, for_api=False)
    return poll


def _choices(values: Any, poll: Poll) -> list[int]:
    if not isinstance(values, list | tuple):
        values = [values]
    try:
        choices = sorted({int(str(value).strip()) for value in values if value not in (None, "")})
    except (TypeError, ValueError):
        raise Unprocessable("Invalid indices") from None
    if not choices or any(choice < 0 or choice >= len(poll.options) for choice in choices):
        raise Unprocessable("Invalid indices")
    if len(choices) > 1 and not poll.multiple:
        raise Unprocessable("Too many choices")
    return choices


def vote(account: User, poll: Poll, choices: Any) -> Poll:
    """Vote in a poll (POST /api/v1/polls/:id/votes): once per voter, one row per option.

    The poll row is locked for the whole vote, so concurrent votes of the same account are
    serialised (the second sees the first and gets "Already voted") and the counts never
    lose an increment.
    """
    with transaction.atomic():
        locked = Poll.objects.select_for_update().select_related("status").filter(pk=poll.pk).first()
        if locked is None:
            raise NotFound()
        if locked.status.account_id == account.pk:
            raise Unprocessable("Poll's author can't vote")
        if locked.is_expired() or locked.closed_at is not None:
            raise Unprocessable("Poll's closed")
        chosen = _choices(choices, locked)
        if PollVote.objects.filter(poll=locked, account=account).exists():
            raise Unprocessable("Already voted")
        PollVote.objects.bulk_create([PollVote(poll=locked, account=account, choice=c) for c in chosen])
        votes = list(locked.votes)
        for choice in chosen:
            votes[choice] += 1
        locked.votes = votes
        locked.voters_count += 1
        locked.save(update_fields=["votes", "voters_count"])  # drops the status's rendered entry
        _announce_vote(account, locked, chosen)
    return locked


def _announce_vote(account: User, poll: Poll, choices: list[int]) -> None:
    from statuses import registry

    for hook in registry.after_vote:
        hook(account, poll, choices)


def count_remote_vote(account: User, poll: Poll, option_name: str) -> bool:
    """A remote account's vote for one option, named by its title (reference/federation.md
    §4.7: one Create{Note} per chosen option). Counted once; False when refused: the
    author's own, a closed poll, an unknown option, a second option of a single-choice
    poll, or a repeat."""
    with transaction.atomic():
        locked = Poll.objects.select_for_update().select_related("status").filter(pk=poll.pk).first()
        if locked is None or locked.status.account_id == account.pk:
            return False
        if locked.is_expired() or locked.closed_at is not None or option_name not in locked.options:
            return False
        choice = locked.options.index(option_name)
        earlier = set(PollVote.objects.filter(poll=locked, account=account).values_list("choice", flat=True))
        if choice in earlier or (earlier and not locked.multiple):
            return False
        PollVote.objects.create(poll=locked, account=account, choice=choice)
        votes = list(locked.votes)
        votes[choice] += 1
        locked.votes = votes
        if not earlier:
            locked.voters_count += 1
        locked.save(update_fields=["votes", "voters_count"])  # drops the status's rendered entry
        _announce_vote(account, locked, [choice])
    return True


def close_poll(poll_id) -> bool:
    """Close an expired poll once: tell its author and every local voter (`poll`
    notifications). False when gone, already closed or not due yet."""
    with transaction.atomic():
        poll = (Poll.objects.select_for_update().select_related("status__account")
                .filter(pk=poll_id).first())
        if poll is None or poll.closed_at is not None or not poll.is_expired():
            return False
        poll.closed_at = timezone.now()
        poll.save(update_fields=["closed_at"])  # drops the status's rendered entry
        status = poll.status
        author = status.account
        # Every account here is local (remote voters would be told by their own server).
        voters = User.objects.filter(pk__in=PollVote.objects.filter(poll=poll).values("account_id"))
        for voter in voters:
            notify(voter, author, "poll", status=status)
        notify(author, author, "poll", status=status)
    return True


def due_polls(now=None) -> list:
    """Ids of the polls past their expiry that were not closed yet (the safety net)."""
    return list(Poll.objects.filter(closed_at__isnull=True, expires_at__lte=now or timezone.now())
                .order_by("expires_at").values_list("pk", flat=True)[:1000])
