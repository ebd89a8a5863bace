"""Outgoing activities and their delivery (reference/federation.md §5.4-5.6): an activity
is written with one Delivery row per inbox in the transaction of the action it tells, and
a task per row (queue `delivery`) sends it, signed by the actor.

Transient failures (5xx, timeouts, connection errors, 401/408/429) come back with
exponential backoff over a little more than two days; other 4xx are refusals a retry will
not change. Each attempt is recorded on the server's Instance row: a server failing on
UNREACHABLE_AFTER_DAYS distinct days is marked unreachable, its deliveries wait
(`deferred`), and a periodic probe resumes them once it answers again. A periodic sweep
re-queues pending rows whose time has come and gone (a worker killed mid-way, a lost
message), so nothing written to the outbox is lost.
"""

from __future__ import annotations

import datetime
import logging
import random
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core import http
from federation import client, reachability
from federation.models import Delivery, Instance, OutgoingActivity
from mrf import policies

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 11
BACKOFF_CAP = 12 * 3600
# Mastodon retries these; any other 4xx is a refusal that a retry will not change (§5.4).
RETRIED_STATUSES = (401, 408, 429)
# 501: "not implemented", final as Mastodon treats it.
FINAL_SERVER_STATUSES = (501,)
LEASE = datetime.timedelta(minutes=5)  # the default of PLEROMA_FEDERATION_DELIVERY_LEASE_SECONDS
SWEEP_GRACE = datetime.timedelta(minutes=2)  # at most; never more than the sweep's period
PROBE_EVERY = datetime.timedelta(minutes=30)
SWEEP_BATCH = 500
FAN_OUT_INLINE = 20  # more deliveries than this are queued by a task, not by the request


class TransientDeliveryError(Exception):
    """The inbox could not take the activity now; it is tried again later (not before
    `retry_after` seconds when the inbox said so)."""

    def __init__(self, message: str, retry_after: int | None = None):
        super().__init__(message)
        self.retry_after = retry_after


def _retry_after(headers: dict) -> int | None:
    """A 429/503's Retry-After in seconds (the delta form), capped at the backoff cap."""
    value = str({k.lower(): v for k, v in headers.items()}.get("retry-after", "")).strip()
    return min(int(value), BACKOFF_CAP) if value.isdigit() else None


class Postponed(TransientDeliveryError):
    """The inbox's host is marked unreachable for now (federation.reachability): no attempt
    was made; the delivery comes back in `seconds`."""

    def __init__(self, seconds: int):
        super().__init__(f"host unreachable, next try in {seconds} s")
        self.seconds = seconds


def backoff_seconds(attempts: int) -> int:
    """Seconds to wait after the `attempts`-th failed attempt: PLEROMA_FEDERATION_RETRY_SECONDS
    (1 min) tripling, capped at 12 h, so that MAX_ATTEMPTS attempts span about 54 hours
    (Mastodon's ~2-3 days)."""
    return min(settings.FEDERATION_RETRY_SECONDS * 3 ** max(attempts - 1, 0), BACKOFF_CAP)


def retry_window_seconds() -> int:
    """How long after the first attempt the last one is made."""
    return sum(backoff_seconds(n) for n in range(1, MAX_ATTEMPTS))


def _jittered(seconds: int) -> int:
    return int(seconds * random.uniform(1.0, 1.1))


def lease() -> datetime.timedelta:
    """How long an attempt in flight holds its row; longer than any request can take."""
    return datetime.timedelta(seconds=settings.FEDERATION_DELIVERY_LEASE_SECONDS)


def sweep_grace() -> datetime.timedelta:
    """How overdue a pending row must be before the sweep queues it again (a row whose
    message is still waiting in a backlog is not overdue yet)."""
    return min(SWEEP_GRACE, datetime.timedelta(seconds=settings.FEDERATION_SWEEP_SECONDS))


def host_of(inbox: str) -> str:
    return (urlsplit(inbox).netloc or "").lower()


def enqueue(actor: User, payload: dict, inboxes: list[str]) -> OutgoingActivity | None:
    """Record `payload` (an activity of `actor`) for each inbox; sent once committed.

    Runs inside the caller's transaction, so a rolled-back action sends nothing. Nothing is
    recorded when this server does not federate (PLEROMA_FEDERATING off). Deliveries to a
    server marked unreachable are recorded as deferred."""
    from federation import tasks

    if not settings.FEDERATING:
        return None
    with transaction.atomic():
        activity, _ = OutgoingActivity.objects.get_or_create(
            ap_id=payload["id"], defaults={"actor": actor, "payload": payload})
        wanted = list(dict.fromkeys(i for i in inboxes if i))
        hosts = {inbox: host_of(inbox) for inbox in wanted}
        unreachable = set(Instance.objects.filter(
            host__in=set(hosts.values()), unreachable_since__isnull=False).values_list("host", flat=True))
        known = set(Delivery.objects.filter(activity=activity).values_list("inbox", flat=True))
        rows = [Delivery(activity=activity, inbox=inbox, host=host,
                         state=Delivery.State.DEFERRED if host in unreachable else Delivery.State.PENDING)
                for inbox, host in hosts.items() if inbox not in known]
        # One INSERT per thousand rows, whatever the number of followers' servers; a row a
        # concurrent enqueue wrote first is skipped (the unique (activity, inbox) pair).
        Delivery.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
        pending = [str(row.pk) for row in rows if row.state == Delivery.State.PENDING]
    if len(pending) > FAN_OUT_INLINE:
        # Queueing thousands of messages is the worker's job, not the request's.
        activity_pk = str(activity.pk)
        transaction.on_commit(lambda: tasks.fan_out.delay(activity_pk))
    else:
        for delivery_id in pending:
            transaction.on_commit(lambda delivery_id=delivery_id: tasks.deliver.delay(delivery_id))
    return activity


def fan_out(activity_pk: str) -> int:
    """Queue a delivery task for each pending, never attempted row of an activity."""
    from federation import tasks

    pks = list(Delivery.objects.filter(activity_id=activity_pk, state=Delivery.State.PENDING, attempts=0)
               .values_list("pk", flat=True))
    for pk in pks:
        tasks.deliver.delay(str(pk))
    return len(pks)


def inbox_of(user: User) -> str:
    """Where to send a remote account's activities (the shared inbox when it has one)."""
    return user.shared_inbox or user.inbox


# --- one attempt -------------------------------------------------------------------------------

def _claim(delivery_id: str) -> Delivery | None:
    """Lock a due pending row and lease it to this attempt (None: not ours to send now)."""
    now = timezone.now()
    with transaction.atomic():
        row = (Delivery.objects.select_for_update(skip_locked=True, of=("self",))
               .select_related("activity__actor").filter(pk=delivery_id, state=Delivery.State.PENDING).first())
        if row is None or row.next_attempt_at > now + datetime.timedelta(seconds=1):
            return None  # done, deferred, in flight elsewhere, or a later retry is scheduled
        host = row.host or host_of(row.inbox)
        if Instance.objects.filter(host=host, unreachable_since__isnull=False).exists():
            Delivery.objects.filter(pk=row.pk).update(state=Delivery.State.DEFERRED, host=host)
            return None
        row.next_attempt_at = now + lease()
        Delivery.objects.filter(pk=row.pk).update(next_attempt_at=row.next_attempt_at, host=host)
        row.host = host
    return row


def attempt(delivery_id: str) -> int | None:
    """Send one delivery if it is due; schedule its retry when that fails transiently.

    Returns the seconds until the retry, or None when nothing more is to be done."""
    from federation import tasks

    if not settings.FEDERATING:
        return None
    row = _claim(delivery_id)
    if row is None:
        return None
    try:
        deliver(row)
    except Postponed as exc:  # no attempt made: back when the host's mark ends, not counted
        due = timezone.now() + datetime.timedelta(seconds=exc.seconds)
        Delivery.objects.filter(pk=row.pk).update(next_attempt_at=due)
        tasks.deliver.apply_async((str(row.pk),), countdown=exc.seconds)
        return exc.seconds
    except TransientDeliveryError as exc:
        if row.attempts >= MAX_ATTEMPTS:
            _finish(row, Delivery.State.FAILED)
            return None
        countdown = max(_jittered(backoff_seconds(row.attempts)), exc.retry_after or 0)
        due = timezone.now() + datetime.timedelta(seconds=countdown)
        Delivery.objects.filter(pk=row.pk).update(next_attempt_at=due)
        if not Instance.objects.filter(host=row.host, unreachable_since__isnull=False).exists():
            tasks.deliver.apply_async((str(row.pk),), countdown=countdown)
        else:
            Delivery.objects.filter(pk=row.pk, state=Delivery.State.PENDING).update(state=Delivery.State.DEFERRED)
        return countdown
    return None


def deliver(delivery: Delivery) -> None:
    """Send one delivery now; TransientDeliveryError when it should be tried again."""
    if delivery.state != Delivery.State.PENDING:
        return
    if not policies.accepts_delivery(delivery.inbox, delivery.activity.payload):
        _record(delivery, delivery.attempts, None, "refused by an instance policy")
        _finish(delivery, Delivery.State.FAILED)
        return
    reach = reachability.check(delivery.inbox)
    if reach.wait:
        raise Postponed(reach.wait)
    actor = delivery.activity.actor
    attempts = delivery.attempts + 1
    host = delivery.host or host_of(delivery.inbox)
    try:
        answer = client.signed_post(delivery.inbox, delivery.activity.payload, actor)
    except http.OutboundError as exc:
        message = str(exc.message if hasattr(exc, "message") else exc)
        _record(delivery, attempts, None, message)
        if exc.status == 400:  # refused by the address checks: never deliverable
            _finish(delivery, Delivery.State.FAILED)
            return
        record_failure(host)
        if exc.status == 502:  # timed out or no connection: spare the host's other deliveries
            reachability.mark_unreachable(delivery.inbox, backoff_seconds(attempts))
        raise TransientDeliveryError(message) from exc
    if reach.suspect:
        reachability.mark_reachable(delivery.inbox)
    _record(delivery, attempts, answer.status, "" if answer.status < 300 else answer.content[:200].decode(
        "utf-8", "replace"))
    if 200 <= answer.status < 300:
        _finish(delivery, Delivery.State.DONE)
        record_success(host)
    elif answer.status < 500 and answer.status not in RETRIED_STATUSES:
        _finish(delivery, Delivery.State.FAILED)
        record_success(host)  # it answered: the server is up, it just refuses this one
    elif answer.status in FINAL_SERVER_STATUSES:
        _finish(delivery, Delivery.State.FAILED)
    elif attempts >= MAX_ATTEMPTS:
        record_failure(host)
        _finish(delivery, Delivery.State.FAILED)
    else:
        record_failure(host)
        raise TransientDeliveryError(f"inbox answered {answer.status}", _retry_after(answer.headers))


def _record(delivery: Delivery, attempts: int, status: int | None, error: str) -> None:
    delivery.attempts, delivery.last_status, delivery.last_error = attempts, status, error[:500]
    Delivery.objects.filter(pk=delivery.pk).update(attempts=attempts, last_status=status, last_error=error[:500])


def _finish(delivery: Delivery, state: str) -> None:
    delivery.state = state
    Delivery.objects.filter(pk=delivery.pk).update(
        state=state, delivered_at=timezone.now() if state == Delivery.State.DONE else None)


# --- reachability ------------------------------------------------------------------------------

def record_success(host: str) -> None:
    """The server took a delivery (or answered a probe): reachable, failures forgotten."""
    if not host:
        return
    now = timezone.now()
    updated = Instance.objects.filter(host=host).update(
        last_success_at=now, failing_since=None, failure_days=0, unreachable_since=None)
    if not updated:
        Instance.objects.get_or_create(host=host, defaults={"last_success_at": now})


def record_failure(host: str) -> None:
    """A delivery to the server failed transiently; on the UNREACHABLE_AFTER_DAYS-th distinct
    day of failures since its last success it is marked unreachable (Mastodon's rule, §5.5)."""
    if not host:
        return
    now = timezone.now()
    with transaction.atomic():
        instance, _ = Instance.objects.select_for_update().get_or_create(host=host)
        new_day = instance.last_failure_at is None or instance.last_failure_at.date() != now.date()
        instance.failing_since = instance.failing_since or now
        instance.last_failure_at = now
        if new_day:
            instance.failure_days += 1
        if instance.unreachable_since is None and instance.failure_days >= settings.FEDERATION_UNREACHABLE_AFTER_DAYS:
            instance.unreachable_since = now
            log.warning("federation: %s marked unreachable after failures on %d days", host, instance.failure_days)
        instance.save(update_fields=["failing_since", "last_failure_at", "failure_days", "unreachable_since"])


def resume(host: str) -> int:
    """The server answers again: deferred deliveries to it are queued. Returns how many."""
    from federation import tasks

    record_success(host)
    resumed = []
    with transaction.atomic():
        rows = list(Delivery.objects.select_for_update(skip_locked=True)
                    .filter(host=host, state=Delivery.State.DEFERRED).values_list("pk", flat=True)[:SWEEP_BATCH * 10])
        Delivery.objects.filter(pk__in=rows).update(state=Delivery.State.PENDING, next_attempt_at=timezone.now())
        resumed = [str(pk) for pk in rows]
    for pk in resumed:
        tasks.deliver.delay(pk)
    return len(resumed)


def probe(host: str) -> bool:
    """Ask an unreachable server for its nodeinfo links; any answer below 500 counts as
    being back (it is up, whatever it thinks of the request)."""
    Instance.objects.filter(host=host).update(last_probe_at=timezone.now())
    inbox = Delivery.objects.filter(host=host).values_list("inbox", flat=True).first()
    scheme = urlsplit(inbox).scheme if inbox else "https"
    url = f"{scheme}://{host}/.well-known/nodeinfo"
    try:
        answer = http.get(url, headers={"Accept": "application/json"}, max_bytes=100_000, timeout=10.0)
    except http.OutboundError:
        return False
    return answer.status < 500


def probe_unreachable() -> int:
    """Probe each unreachable server not probed in the last PROBE_EVERY; resume those back."""
    due = timezone.now() - PROBE_EVERY
    hosts = list(Instance.objects.filter(unreachable_since__isnull=False)
                 .exclude(last_probe_at__gt=due).values_list("host", flat=True)[:100])
    back = 0
    for host in hosts:
        if probe(host):
            resume(host)
            back += 1
    return back


def sweep() -> int:
    """Queue pending deliveries whose attempt is overdue (lost messages, killed workers)."""
    from federation import tasks

    overdue = list(Delivery.objects.filter(
        state=Delivery.State.PENDING, next_attempt_at__lt=timezone.now() - sweep_grace(),
    ).order_by("next_attempt_at").values_list("pk", flat=True)[:SWEEP_BATCH])
    for pk in overdue:
        tasks.deliver.delay(str(pk))
    return len(overdue)

