"""Delivery robustness (reference/federation.md §5.4-5.5): one attempt per (activity,
inbox) against a small real HTTP receiver that answers what the test tells it (500 then
202, a refusal, a hang), retries with backoff over two days, unreachable servers deferred,
probed and resumed, and the sweep that re-queues what a dead worker left behind."""

from __future__ import annotations

import datetime
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from federation import delivery, tasks
from federation.models import Delivery, Instance
from tests.factories import UserFactory


class Receiver:
    """An inbox on 127.0.0.1 that answers POSTs with the queued statuses (then `default`),
    and GETs of /.well-known/nodeinfo with `probe_status`; `hang` seconds of silence first."""

    def __init__(self):
        self.statuses: list[int] = []
        self.default = 202
        self.probe_status = 200
        self.hang = 0.0
        self.received: list[dict] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                receiver.received.append({"headers": dict(self.headers), "body": body})
                if receiver.hang:
                    time.sleep(receiver.hang)
                status = receiver.statuses.pop(0) if receiver.statuses else receiver.default
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_GET(self):
                self.send_response(receiver.probe_status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.server.server_address[1]}"

    @property
    def inbox(self) -> str:
        return f"http://{self.host}/inbox"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(settings):
    settings.ALLOW_PRIVATE_NETWORKS = True
    peer = Receiver()
    yield peer
    peer.close()


@pytest.fixture
def queued(receiver):
    """queued(payload_suffix) -> the Delivery row of a new activity for the receiver's inbox."""
    alice = UserFactory(nickname="alice")

    def make(n: int = 1) -> Delivery:
        activity = delivery.enqueue(alice, {"id": f"{alice.ap_id}#activity-{n}", "type": "Create",
                                            "actor": alice.ap_id}, [receiver.inbox])
        return activity.deliveries.get()

    return make


def due_now(row: Delivery) -> None:
    Delivery.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())


class TestRetries:
    """tasks.deliver against a receiver that fails, then takes the activity"""

    def test_a_500_is_retried_with_backoff_and_then_delivered(self, receiver, queued):
        receiver.statuses = [500]
        row = queued()
        before = timezone.now()
        countdown = delivery.attempt(str(row.pk))
        row.refresh_from_db()
        assert (row.state, row.attempts, row.last_status) == ("pending", 1, 500)
        assert 60 <= countdown <= 66
        assert row.next_attempt_at >= before + datetime.timedelta(seconds=60)
        # not due yet: a second message for the same row does nothing
        assert delivery.attempt(str(row.pk)) is None
        assert len(receiver.received) == 1
        due_now(row)
        assert delivery.attempt(str(row.pk)) is None
        row.refresh_from_db()
        assert (row.state, row.attempts, row.last_status) == ("done", 2, 202)
        assert row.delivered_at is not None
        # the body was signed by alice's key each time
        assert all("keyId=" in r["headers"]["Signature"] for r in receiver.received)
        assert Instance.objects.get(host=receiver.host).last_success_at is not None

    @pytest.mark.parametrize("status", [401, 408, 429, 502, 503])
    def test_transient_statuses_are_retried(self, receiver, queued, status):
        receiver.statuses = [status]
        row = queued()
        assert delivery.attempt(str(row.pk)) is not None
        row.refresh_from_db()
        assert row.state == "pending"

    @pytest.mark.parametrize("status", [400, 403, 404, 410, 422, 501])
    def test_refusals_are_not_retried(self, receiver, queued, status):
        receiver.statuses = [status]
        row = queued()
        assert delivery.attempt(str(row.pk)) is None
        row.refresh_from_db()
        assert (row.state, row.attempts, row.last_status) == ("failed", 1, status)
        due_now(row)
        tasks.deliver(str(row.pk))
        assert len(receiver.received) == 1

    def test_a_timeout_is_retried(self, receiver, queued, monkeypatch):
        from federation import client

        monkeypatch.setattr(client, "TIMEOUT", 0.5)
        receiver.hang = 2
        row = queued()
        assert delivery.attempt(str(row.pk)) is not None
        row.refresh_from_db()
        assert row.state == "pending"
        assert "timed out" in row.last_error

    def test_a_refused_connection_is_retried(self, receiver, queued):
        row = queued()
        receiver.close()
        assert delivery.attempt(str(row.pk)) is not None
        row.refresh_from_db()
        assert (row.state, row.last_status) == ("pending", None)

    def test_attempts_span_more_than_two_days_then_stop(self, receiver, queued):
        assert delivery.retry_window_seconds() >= 2 * 24 * 3600
        receiver.default = 503
        row = queued()
        for _ in range(delivery.MAX_ATTEMPTS):
            due_now(row)
            delivery.attempt(str(row.pk))
        row.refresh_from_db()
        assert (row.state, row.attempts) == ("failed", delivery.MAX_ATTEMPTS)
        due_now(row)
        delivery.attempt(str(row.pk))
        assert len(receiver.received) == delivery.MAX_ATTEMPTS


class TestUnreachable:
    """Instance rows: a server failing on several days is skipped, probed, resumed"""

    def test_a_server_failing_on_enough_days_is_marked_unreachable_and_deferred(
            self, receiver, queued, settings):
        settings.FEDERATION_UNREACHABLE_AFTER_DAYS = 2
        receiver.default = 503
        row = queued()
        delivery.attempt(str(row.pk))
        instance = Instance.objects.get(host=receiver.host)
        assert (instance.failure_days, instance.unreachable_since) == (1, None)
        assert instance.failing_since is not None
        # a failure on another day
        Instance.objects.filter(pk=instance.pk).update(
            last_failure_at=timezone.now() - datetime.timedelta(days=1))
        due_now(row)
        delivery.attempt(str(row.pk))
        instance.refresh_from_db()
        assert instance.failure_days == 2
        assert instance.unreachable_since is not None
        row.refresh_from_db()
        assert row.state == "deferred"
        # new activities for that server wait too, without an attempt
        sent = len(receiver.received)
        later = queued(2)
        assert later.state == "deferred"
        tasks.deliver(str(later.pk))
        assert len(receiver.received) == sent

    def test_a_probe_that_gets_an_answer_resumes_the_deferred_deliveries(
            self, receiver, queued, settings):
        settings.FEDERATION_UNREACHABLE_AFTER_DAYS = 1
        receiver.statuses = [503]
        row = queued()
        delivery.attempt(str(row.pk))
        row.refresh_from_db()
        assert row.state == "deferred"
        # still down: the probe fails and nothing moves
        receiver.probe_status = 502
        assert tasks.probe_unreachable_instances() == 0
        assert Delivery.objects.get(pk=row.pk).state == "deferred"
        # probed again only after PROBE_EVERY; then it answers
        Instance.objects.update(last_probe_at=timezone.now() - delivery.PROBE_EVERY)
        receiver.probe_status = 200
        assert tasks.probe_unreachable_instances() == 1  # eager: the resumed delivery is sent
        row.refresh_from_db()
        assert row.state == "done"
        instance = Instance.objects.get(host=receiver.host)
        assert (instance.unreachable_since, instance.failure_days) == (None, 0)

    def test_a_success_clears_the_failures(self, receiver, queued):
        receiver.statuses = [500]
        row = queued()
        delivery.attempt(str(row.pk))
        assert Instance.objects.get(host=receiver.host).failure_days == 1
        due_now(row)
        delivery.attempt(str(row.pk))
        instance = Instance.objects.get(host=receiver.host)
        assert (instance.failure_days, instance.failing_since) == (0, None)


class TestSweep:
    """tasks.sweep_deliveries: pending rows nobody is working on are sent"""

    def test_an_overdue_pending_row_is_sent_by_the_sweep(self, receiver, queued):
        row = queued()  # committed, but its message never reached a worker
        Delivery.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now() - datetime.timedelta(minutes=10))
        assert tasks.sweep_deliveries() == 1
        row.refresh_from_db()
        assert row.state == "done"
        assert len(receiver.received) == 1
        assert tasks.sweep_deliveries() == 0

    def test_an_attempt_in_flight_is_left_alone_until_its_lease_ends(self, receiver, queued):
        row = queued()
        claimed = delivery._claim(str(row.pk))  # a worker took it, then died before sending
        assert claimed is not None
        assert tasks.sweep_deliveries() == 0
        assert delivery.attempt(str(row.pk)) is None  # a duplicate message does not double-send
        assert receiver.received == []
        Delivery.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now() - delivery.LEASE)
        assert tasks.sweep_deliveries() == 1
        assert Delivery.objects.get(pk=row.pk).state == "done"
        assert len(receiver.received) == 1

    def test_nothing_is_sent_when_federation_is_off(self, receiver, queued, settings):
        row = queued()
        settings.FEDERATING = False
        due_now(row)
        tasks.deliver(str(row.pk))
        assert receiver.received == []
        assert Delivery.objects.get(pk=row.pk).state == "pending"


class TestFanOut:
    """delivery.enqueue for many inboxes"""

    def test_many_inboxes_are_written_in_constant_queries_and_queued_by_one_task(
            self, receiver, django_capture_on_commit_callbacks, django_assert_max_num_queries):
        alice = UserFactory(nickname="alice")
        inboxes = [f"{receiver.inbox}/{n}" for n in range(60)]
        with django_capture_on_commit_callbacks() as callbacks:
            with django_assert_max_num_queries(9):  # savepoints, the activity, two reads, one INSERT
                delivery.enqueue(alice, {"id": f"{alice.ap_id}#many", "type": "Create", "actor": alice.ap_id},
                                 inboxes)
        assert Delivery.objects.filter(state="pending").count() == 60
        assert len(callbacks) == 1  # one fan-out task, not 60 messages from the request
        callbacks[0]()  # eager: the fan-out queues (runs) every delivery
        assert Delivery.objects.filter(state="done").count() == 60
        assert len(receiver.received) == 60

    def test_a_few_inboxes_are_queued_directly(self, receiver, django_capture_on_commit_callbacks):
        alice = UserFactory(nickname="alice")
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            delivery.enqueue(alice, {"id": f"{alice.ap_id}#few", "type": "Create", "actor": alice.ap_id},
                             [f"{receiver.inbox}/{n}" for n in range(3)])
        assert len(callbacks) == 3
        assert Delivery.objects.filter(state="done").count() == 3
