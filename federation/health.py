"""Delivery health per remote instance (reference/federation.md §5.5), for moderators: what
is queued for it, since when it has been failing, whether it counts as unreachable, when
it last took an activity; and the two things they can do about it, retry or drop its queue.

Read from the Delivery rows (grouped by inbox in one query and folded into hosts) and the
Instance rows delivery keeps (failing since, unreachable since, last success)."""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass

from django.db import transaction
from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from federation.models import Delivery, Instance
from mrf.config import host_of

DROPPED = "dropped by an administrator"
WAITING = (Delivery.State.PENDING, Delivery.State.DEFERRED)


@dataclass
class InstanceHealth:
    """What delivery knows about one remote instance."""

    host: str
    queued: int = 0
    failed: int = 0
    delivered: int = 0
    failing_since: datetime.datetime | None = None
    last_success_at: datetime.datetime | None = None
    last_status: int | None = None
    last_error: str = ""
    unreachable_since: datetime.datetime | None = None

    @property
    def unreachable(self) -> bool:
        return self.unreachable_since is not None

    def as_dict(self) -> dict:
        return {**asdict(self), "unreachable": self.unreachable}


def _of_host(host: str) -> Q:
    host = host.lower()
    return Q(inbox__istartswith=f"https://{host}/") | Q(inbox__istartswith=f"http://{host}/")


def instances(host: str | None = None) -> list[InstanceHealth]:
    """Every instance we deliver to (or just `host`), most queued first, then by host."""
    rows = Delivery.objects.all() if host is None else Delivery.objects.filter(_of_host(host))
    by_host: dict[str, InstanceHealth] = {}
    grouped = rows.values("inbox").annotate(
        queued=Count("pk", filter=Q(state__in=WAITING)),
        failed=Count("pk", filter=Q(state=Delivery.State.FAILED)),
        delivered=Count("pk", filter=Q(state=Delivery.State.DONE)),
        last_success_at=Max("delivered_at"),
        # the oldest activity still waiting after a failed attempt: failing since then at most
        failing_since=Min("activity__created_at", filter=Q(state__in=WAITING, attempts__gt=0)))
    for row in grouped:
        health = by_host.setdefault(host_of(row["inbox"]), InstanceHealth(host_of(row["inbox"])))
        health.queued += row["queued"]
        health.failed += row["failed"]
        health.delivered += row["delivered"]
        health.last_success_at = _latest(health.last_success_at, row["last_success_at"])
        if row["failing_since"] is not None:
            health.failing_since = min(filter(None, (health.failing_since, row["failing_since"])))
    # what delivery recorded about each server (§5.5) wins over what the rows suggest
    known = Instance.objects.all() if host is None else Instance.objects.filter(host=host.lower())
    for instance in known.filter(host__in=list(by_host)):
        health = by_host[instance.host]
        health.failing_since = instance.failing_since
        health.last_success_at = _latest(health.last_success_at, instance.last_success_at)
        health.unreachable_since = instance.unreachable_since
    last_errors = (rows.filter(attempts__gt=0).exclude(last_error="", last_status__isnull=True)
                   .exclude(state=Delivery.State.DONE).order_by("-id").values("inbox", "last_status", "last_error"))
    for row in last_errors[:2000]:
        health = by_host.get(host_of(row["inbox"]))
        if health is not None and not health.last_error and health.last_status is None:
            health.last_status, health.last_error = row["last_status"], row["last_error"]
    return sorted(by_host.values(), key=lambda h: (-h.queued, h.host))


def _latest(a, b):
    return max(filter(None, (a, b)), default=None)


def instance(host: str) -> InstanceHealth | None:
    found = [health for health in instances(host) if health.host == host.lower()]
    return found[0] if found else None


def retry(host: str) -> int:
    """Send the instance's queue again now (the admin's force-retry, §5.5): it is no longer
    counted unreachable, and its failed, deferred and pending deliveries start over with
    fresh attempts (except those an instance policy refuses)."""
    from federation import tasks

    host = host.lower()
    with transaction.atomic():
        Instance.objects.filter(host=host).update(unreachable_since=None, failure_days=0)
        rows = Delivery.objects.select_for_update().filter(_of_host(host)).filter(
            state__in=(*WAITING, Delivery.State.FAILED))
        rows = rows.exclude(last_error="refused by an instance policy")
        pks = [str(pk) for pk in rows.values_list("pk", flat=True)]
        Delivery.objects.filter(pk__in=pks).update(state=Delivery.State.PENDING, attempts=0,
                                                   next_attempt_at=timezone.now())
        for pk in pks:
            transaction.on_commit(lambda pk=pk: tasks.deliver.delay(pk))
    return len(pks)


def drop(host: str) -> int:
    """Give up what is queued for the instance (the rows stay, failed, as a record)."""
    return Delivery.objects.filter(_of_host(host), state__in=WAITING).update(
        state=Delivery.State.FAILED, last_error=DROPPED)
