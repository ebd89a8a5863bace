"""The PostgreSQL mode run as README's "Worker pools per queue" says: gunicorn for the web,
and three Celery workers started with the Makefile's own targets, sharing the test's
PostgreSQL and Redis:

- `make worker WORKER_QUEUES=inbox WORKER_BEAT=` (received activities only),
- `make delivery-worker` (the `delivery` queue, a thread pool),
- `make worker WORKER_QUEUES=default,imports,backups,emoji,mail` (the rest, and the only beat).

A second running server (its own database and embedded worker) is the other side of a
follow / post / favourite round trip; each worker's log shows which tasks it ran, so the
test can tell that inbox work ran only in the inbox worker and deliveries only in the
delivery worker. Then the delivery worker is killed (SIGKILL) half-way through a post's
fan-out and started again: the periodic sweep, sent by the beat of the default worker,
has the new delivery worker send what the dead one had in hand, and every outbox row ends
delivered, each exactly once but for the few that were on the wire at the kill."""

from __future__ import annotations

import json
import os
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from accounts.models import User
from federation.models import Delivery, IncomingActivity, OutgoingActivity
from relationships.models import Follow
from tests.factories import UserFactory
from tests.federation.test_two_servers_scenarios import TIMEOUT, Side, eventually, follow, in_home
from tests.workers import WorkerProcess, _purge

pytestmark = pytest.mark.django_db(transaction=True)

DELIVERY_THREADS = 4
# The lease's floor (above the federation client's 10 s timeout) and a sweep every 2 s, so
# that what a killed worker held comes back within the test rather than in 7 minutes.
LEASE_SECONDS = 15
SWEEP_SECONDS = 2
REMOTE_FOLLOWERS = 120
TASK_LINE = re.compile(r"Task (?P<name>[\w.]+)\[(?P<id>[0-9a-f-]+)\] received")


class Pools:
    """The three workers, by role: `inbox`, `delivery`, `default` (with the beat)."""

    def __init__(self, server, broker_url: str):
        env = {**server.env, "PLEROMA_FEDERATION_DELIVERY_LEASE_SECONDS": str(LEASE_SECONDS),
               "PLEROMA_FEDERATION_SWEEP_SECONDS": str(SWEEP_SECONDS)}
        make = ["make", "--no-print-directory", "-o", "deps"]  # the venv is there already
        names = f"-n %s-{os.getpid()}@%%h"
        self.workers = {
            "inbox": WorkerProcess(env=env, log_path=server.data_dir / "pool-inbox.log", broker_url=broker_url,
                                   command=[*make, "worker", "WORKER_QUEUES=inbox", "WORKER_BEAT=",
                                            f"WORKER_ARGS={names % 'inbox'} --concurrency 1"]),
            "delivery": WorkerProcess(env=env, log_path=server.data_dir / "pool-delivery.log", broker_url=broker_url,
                                      command=[*make, "delivery-worker", f"DELIVERY_CONCURRENCY={DELIVERY_THREADS}",
                                               f"WORKER_ARGS={names % 'delivery'}"]),
            "default": WorkerProcess(env=env, log_path=server.data_dir / "pool-default.log", broker_url=broker_url,
                                     command=[*make, "worker", "WORKER_QUEUES=default,imports,backups,emoji,mail",
                                              f"WORKER_ARGS={names % 'default'} --concurrency 1"]),
        }
        for path in (w.log_path for w in self.workers.values()):
            path.unlink(missing_ok=True)

    def __getitem__(self, role: str) -> WorkerProcess:
        return self.workers[role]

    def tasks(self, role: str) -> dict[str, set[str]]:
        """{task name: ids} of the tasks the worker of `role` received (every run of it)."""
        found: dict[str, set[str]] = {}
        for match in TASK_LINE.finditer(self.workers[role].log()):
            found.setdefault(match["name"], set()).add(match["id"])
        return found

    def logs(self) -> str:
        return "\n".join(f"--- {role}\n{w.log()[-3000:]}" for role, w in self.workers.items())


@pytest.fixture
def pools(running_server):
    from pleroma_py.celery import app as celery_app

    broker_url = os.environ.get("REDIS_URL", "")
    if not broker_url:
        pytest.fail("the worker pools need REDIS_URL (a Redis server for the broker)")
    _purge(broker_url)
    pools = Pools(running_server, broker_url)
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        for worker in pools.workers.values():
            worker.start()
        yield pools
    finally:
        for worker in pools.workers.values():
            worker.stop()
        celery_app.conf.task_always_eager = eager
        _purge(broker_url)


def only_in(pools: Pools, task: str, role: str) -> set[str]:
    """The ids of `task` the worker of `role` ran; fails if any other worker ran it."""
    for other in ("inbox", "delivery", "default"):
        if other != role:
            assert task not in pools.tasks(other), f"{task} ran in the {other} worker\n{pools.logs()}"
    return pools.tasks(role).get(task, set())


class TestQueuesOnTheirOwnWorkers:
    def test_a_follow_post_and_favourite_round_trip_runs_each_kind_of_work_on_its_pool(
            self, running_server, second_server, pools):
        here, there = Side(running_server, {}), Side(second_server, {})
        here.user("alice")
        there.user("bob")
        # bob follows alice (Follow in, Accept out) and alice bob (Follow out, Accept in)
        alice_there = follow(there, "bob", here, "alice")
        follow(here, "alice", there, "bob")
        post = here.post("alice", "/api/v1/statuses", data={"status": "from the pools"})
        copy = eventually(lambda: in_home(there, "bob", post["uri"]), "alice's post in bob's home",
                          TIMEOUT, here, there)
        assert copy["account"]["id"] == alice_there["id"]
        there.post("bob", f"/api/v1/statuses/{copy['id']}/favourite")
        favourite = eventually(
            lambda: next((n for n in here.notifications("alice") if n["type"] == "favourite"), None),
            "alice's favourite notification", TIMEOUT, here, there)
        assert favourite["account"]["acct"] == f"bob@{there.domain}"
        assert here.get("alice", f"/api/v1/statuses/{post['id']}")["favourites_count"] == 1
        reply = there.post("bob", "/api/v1/statuses", data={"status": "and back"})
        eventually(lambda: in_home(here, "alice", reply["uri"]), "bob's post in alice's home", TIMEOUT, here, there)

        received = IncomingActivity.objects.all()
        assert {"Follow", "Accept", "Create", "Like"} <= set(received.values_list("type", flat=True))
        assert set(received.values_list("state", flat=True)) == {"done"}, list(received.values("type", "state", "error"))
        processed = only_in(pools, "federation.tasks.process_activity", "inbox")
        assert len(processed) >= received.count()
        sent = Delivery.objects.all()
        assert sent.count() >= 3  # Accept, Follow, Create
        assert set(sent.values_list("state", flat=True)) == {"done"}
        assert len(only_in(pools, "federation.tasks.deliver", "delivery")) >= sent.count()
        # Only the default worker runs the beat; the other two never start one.
        assert "beat: Starting" in pools["default"].log()
        for role in ("inbox", "delivery"):
            assert "beat: Starting" not in pools[role].log(), pools.logs()
        for role, worker in pools.workers.items():
            assert worker.alive, f"{role} worker died\n{pools.logs()}"


class Inboxes:
    """REMOTE_FOLLOWERS inboxes on one loopback port (/inbox/<n>), each answering 202 after
    a short pause; records every activity id POSTed to each."""

    def __init__(self, pause: float = 0.15):
        self.received: dict[str, list[str]] = {}
        self.lock = threading.Lock()
        inboxes = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                signed = "Signature" in self.headers
                with inboxes.lock:
                    inboxes.received.setdefault(self.path, []).append(
                        json.loads(body).get("id", "") if signed else "unsigned")
                time.sleep(pause)
                self.send_response(202)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def inboxes():
    server = Inboxes()
    yield server
    server.close()


def remote_followers(author: User, inboxes: Inboxes, count: int) -> list[str]:
    """`count` remote accounts following `author`, each with an inbox of its own."""
    host = inboxes.base.removeprefix("http://")
    users = []
    for n in range(count):
        actor = f"{inboxes.base}/users/f{n}"
        user = User(nickname=f"f{n}@{host}", domain=host, remote_ap_id=actor, inbox=f"{inboxes.base}/inbox/{n}",
                    shared_inbox=f"{inboxes.base}/inbox/{n}", public_key_id=f"{actor}#main-key", email=None)
        user.set_unusable_password()
        users.append(user)
    User.objects.bulk_create(users)
    Follow.objects.bulk_create([Follow(follower=u, followed=author) for u in users])
    User.objects.filter(pk=author.pk).update(followers_count=count)
    return [u.inbox.removeprefix(inboxes.base) for u in users]


class TestDeliveryWorkerKilledMidFanOut:
    def test_every_outbox_row_is_delivered_after_a_restart(self, running_server, pools, inboxes):
        alice = UserFactory(nickname="alice")
        paths = remote_followers(alice, inboxes, REMOTE_FOLLOWERS)
        token = running_server.token("alice")
        answer = running_server.post("/api/v1/statuses", token, data={"status": "to a hundred and twenty"})
        assert answer.status_code == 200, answer.text
        activity = OutgoingActivity.objects.get(payload__object__id=answer.json()["uri"])
        rows = Delivery.objects.filter(activity=activity)
        assert rows.count() == REMOTE_FOLLOWERS

        delivery = pools["delivery"]
        delivery.wait_for(lambda: rows.filter(state="done").count() >= 20, timeout=60, interval=0.02)
        delivery.kill()  # SIGKILL to its process group: threads cut off mid-request
        killed_at = timezone.now()
        done_before = set(rows.filter(state="done").values_list("inbox", flat=True))
        in_flight = set(rows.filter(state="pending", next_attempt_at__gt=killed_at).values_list("inbox", flat=True))
        assert len(done_before) < REMOTE_FOLLOWERS, "the fan-out was over before the kill"
        assert len(in_flight) <= DELIVERY_THREADS

        delivery.start()
        # What the dead worker held (leased rows, its unacknowledged messages) is re-queued by
        # the sweep once overdue: lease + grace + a sweep period.
        pools["default"].wait_for(lambda: rows.filter(state="done").count() == REMOTE_FOLLOWERS,
                                  timeout=LEASE_SECONDS + 60, interval=0.5)
        assert delivery.alive, pools.logs()
        assert set(rows.values_list("state", flat=True)) == {"done"}
        time.sleep(SWEEP_SECONDS * 2)  # a few more sweeps: nothing is sent again

        counts = {path: inboxes.received.get(path, []) for path in paths}
        assert all(ids and set(ids) == {activity.ap_id} for ids in counts.values()), counts
        twice = {path for path, ids in counts.items() if len(ids) > 1}
        # Exactly once, but for rows on the wire at the kill: the inbox may have got those
        # before the worker died (receiving servers drop the repeat by its activity id).
        assert all(len(ids) <= 2 for ids in counts.values())
        assert {inboxes.base + path for path in twice} <= in_flight
        assert not {inboxes.base + path for path in twice} & done_before
        # The recovery went the way production's does: the beat (default worker only) sent
        # the sweep, the delivery worker ran it and the deliveries; no other worker did.
        assert "sweep-deliveries" in pools["default"].log()
        assert only_in(pools, "federation.tasks.sweep_deliveries", "delivery")
        assert len(only_in(pools, "federation.tasks.deliver", "delivery")) >= REMOTE_FOLLOWERS
        assert only_in(pools, "federation.tasks.fan_out", "delivery")
