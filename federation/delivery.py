"""Outgoing activities and their delivery (reference/federation.md §5): an activity is
written with one Delivery row per inbox in the transaction of the action it tells, and a
task per row sends it, signed by the actor, retrying transient failures with backoff."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core import http
from federation import client, reachability
from federation.models import Delivery, OutgoingActivity

MAX_ATTEMPTS = 8
# Mastodon retries these; any other 4xx is a refusal that a retry will not change (§5.4).
RETRIED_STATUSES = (401, 408, 429)


class TransientDeliveryError(Exception):
    """The inbox could not take the activity now; the task retries later."""


class Postponed(TransientDeliveryError):
    """The inbox's host is marked unreachable (federation.reachability): no attempt was
    made; the task comes back in `seconds`."""

    def __init__(self, seconds: int):
        super().__init__(f"host unreachable, next try in {seconds} s")
        self.seconds = seconds


def backoff_seconds(attempts: int) -> int:
    """Seconds before the next attempt: PLEROMA_FEDERATION_RETRY_SECONDS (30) doubling,
    capped at 6 hours."""
    return min(settings.FEDERATION_RETRY_SECONDS * 2 ** max(attempts - 1, 0), 6 * 3600)


def enqueue(actor: User, payload: dict, inboxes: list[str]) -> OutgoingActivity:
    """Record `payload` (an activity of `actor`) for each inbox; sent once committed.

    Runs inside the caller's transaction, so a rolled-back action sends nothing."""
    from federation import tasks

    with transaction.atomic():
        activity, created = OutgoingActivity.objects.get_or_create(
            ap_id=payload["id"], defaults={"actor": actor, "payload": payload})
        wanted = list(dict.fromkeys(i for i in inboxes if i))
        known = set() if created else set(
            Delivery.objects.filter(activity=activity, inbox__in=wanted).values_list("inbox", flat=True))
        # One INSERT per thousand inboxes (a post to 500 instances made 1,000 queries one by
        # one); a row a concurrent enqueue wrote first is skipped, and its task finds nothing.
        rows = [Delivery(activity=activity, inbox=inbox) for inbox in wanted if inbox not in known]
        Delivery.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
        pending = [str(row.pk) for row in rows]
    for delivery_id in pending:
        transaction.on_commit(lambda delivery_id=delivery_id: tasks.deliver.delay(delivery_id))
    return activity


def inbox_of(user: User) -> str:
    """Where to send a remote account's activities (the shared inbox when it has one)."""
    return user.shared_inbox or user.inbox


def deliver(delivery: Delivery) -> None:
    """Send one delivery; TransientDeliveryError when it should be tried again."""
    if delivery.state != Delivery.State.PENDING:
        return
    reach = reachability.check(delivery.inbox)
    if reach.wait:
        raise Postponed(reach.wait)
    actor = delivery.activity.actor
    attempts = delivery.attempts + 1
    try:
        answer = client.signed_post(delivery.inbox, delivery.activity.payload, actor)
    except http.OutboundError as exc:
        _record(delivery, attempts, None, str(exc.message if hasattr(exc, "message") else exc))
        if exc.status == 400:  # refused by the address checks: never deliverable
            _finish(delivery, Delivery.State.FAILED)
            return
        if exc.status == 502:  # timed out or no connection: spare the host's other deliveries
            reachability.mark_unreachable(delivery.inbox, backoff_seconds(attempts))
        raise TransientDeliveryError(str(exc)) from exc
    if reach.suspect:
        reachability.mark_reachable(delivery.inbox)
    _record(delivery, attempts, answer.status, "")
    if 200 <= answer.status < 300:
        _finish(delivery, Delivery.State.DONE)
    elif answer.status < 500 and answer.status not in RETRIED_STATUSES:
        _finish(delivery, Delivery.State.FAILED)
    elif attempts >= MAX_ATTEMPTS:
        _finish(delivery, Delivery.State.FAILED)
    else:
        raise TransientDeliveryError(f"inbox answered {answer.status}")


def _record(delivery: Delivery, attempts: int, status: int | None, error: str) -> None:
    delivery.attempts, delivery.last_status, delivery.last_error = attempts, status, error[:500]
    Delivery.objects.filter(pk=delivery.pk).update(attempts=attempts, last_status=status, last_error=error[:500])


def _finish(delivery: Delivery, state: str) -> None:
    delivery.state = state
    Delivery.objects.filter(pk=delivery.pk).update(
        state=state, delivered_at=timezone.now() if state == Delivery.State.DONE else None)
