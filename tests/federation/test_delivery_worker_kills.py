"""A real worker killed in the middle of a delivery (reference/federation.md §5.4, DESIGN:
idempotent retryable tasks): the outbox row written with the action survives, and once the
attempt's lease is over the periodic sweep has a new worker send it; nothing is lost and
nothing is sent twice after success."""

from __future__ import annotations

import datetime
import time

from django.db import transaction
from django.utils import timezone

from federation import delivery, tasks
from federation.models import Delivery
from tests.factories import UserFactory
from tests.federation.test_delivery_retries import Receiver


def test_a_delivery_cut_off_by_a_worker_crash_is_sent_after_restart(federating_worker, settings):
    settings.ALLOW_PRIVATE_NETWORKS = True
    receiver = Receiver()
    try:
        receiver.hang = 20  # the worker is inside the POST when it dies
        alice = UserFactory(nickname="alice")
        with transaction.atomic():
            activity = delivery.enqueue(alice, {"id": f"{alice.ap_id}#crash", "type": "Create",
                                                "actor": alice.ap_id}, [receiver.inbox])
        federating_worker.wait_for(lambda: receiver.received, timeout=60)
        federating_worker.kill()
        row = Delivery.objects.get(activity=activity)
        assert (row.state, row.attempts) == ("pending", 0)
        assert row.next_attempt_at > timezone.now()  # leased to the attempt that died
        # The message the dead worker held is lost too (no redelivery): only the row is left.
        federating_worker.restart(restore_unacked=False)
        receiver.hang = 0
        assert tasks.sweep_deliveries() == 0  # still leased: nobody sends it twice meanwhile
        Delivery.objects.filter(pk=row.pk).update(
            next_attempt_at=timezone.now() - delivery.SWEEP_GRACE - datetime.timedelta(seconds=1))
        assert tasks.sweep_deliveries() == 1
        federating_worker.wait_for(lambda: Delivery.objects.filter(pk=row.pk, state="done").exists(), timeout=60)
        row.refresh_from_db()
        assert (row.attempts, row.last_status) == (1, 202)
        assert len(receiver.received) == 2
        # a later sweep finds nothing to do
        assert tasks.sweep_deliveries() == 0
        time.sleep(0.5)
        assert len(receiver.received) == 2
    finally:
        receiver.close()
