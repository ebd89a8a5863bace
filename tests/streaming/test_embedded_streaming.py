"""Streaming in the embedded mode, started as `make run` starts it (scripts/run.py: gunicorn
with two workers, the streaming server, the Celery worker; SQLite, no Redis): events
written by several processes (both web workers, a management command) reach the streaming
server through the SQLite event table in the data dir. Also measures the latency of that path."""

from __future__ import annotations

import statistics
import time

import pytest

from tests.e2e.servers import _make_server, run_command
from tests.streaming.clients import WebSocketStream

POSTS = 20


@pytest.fixture(scope="module")
def embedded(tmp_path_factory):
    root = tmp_path_factory.mktemp("embedded-streaming")
    server = _make_server(root, "sqlite", f"sqlite:///{root / 'pleroma.sqlite3'}", REDIS_URL="")
    server.command = run_command(server.port, workers=2)
    server.manage("migrate", "--noinput", "-v", "0")
    for nickname in ("alice", "bob"):
        server.create_user(nickname)
    server.start()
    server.wait_streaming()
    yield server
    server.stop()


def ok(response):
    assert response.status_code == 200, (response.status_code, response.text[:500])
    return response.json()


def test_posts_from_every_process_arrive_within_a_second(embedded):
    s = embedded
    alice, bob = s.token("alice"), s.token("bob")
    bob_id = ok(s.get("/api/v1/accounts/lookup", params={"acct": "bob"}))["id"]
    ok(s.post(f"/api/v1/accounts/{bob_id}/follow", alice))
    assert (s.data_dir / "streaming.sqlite3").exists()
    latencies, after_response = [], []
    with WebSocketStream(s, alice, stream="user") as stream:
        for n in range(POSTS):  # gunicorn's two workers take these in turn
            started = time.monotonic()
            status = ok(s.post("/api/v1/statuses", bob, data={"status": f"post {n}"}))
            answered = time.monotonic()
            stream.until(lambda m, sid=status["id"]: m["event"] == "update" and m["payload"]["id"] == sid,
                         timeout=2)
            latencies.append(time.monotonic() - started)
            after_response.append(time.monotonic() - answered)
        # A process that is no web worker at all (as a Celery worker is) publishes too.
        s.manage("shell", "-c", "from accounts.models import User; from statuses.services import create_status; "
                 "create_status(User.objects.get(nickname='bob'), text='from a command')")
        message = stream.until(lambda m: m["event"] == "update", timeout=5)[-1]
    assert "from a command" in message["payload"]["content"]
    median, worst = statistics.median(latencies), max(latencies)
    print(f"\nembedded streaming over {POSTS} posts: POST sent -> update received median"
          f" {median * 1000:.0f} ms, max {worst * 1000:.0f} ms; POST answered -> update received median"
          f" {statistics.median(after_response) * 1000:.0f} ms, max {max(after_response) * 1000:.0f} ms")
    assert worst < 1, latencies


def test_the_list_stream_works_on_sqlite_and_spares_the_other_subscribers(embedded):
    """A list subscriber used to fail the whole event on SQLite (a UUID bound as a raw query
    parameter): neither the list stream nor anyone else's got it."""
    s = embedded
    alice, bob = s.token("alice"), s.token("bob")
    bob_id = ok(s.get("/api/v1/accounts/lookup", params={"acct": "bob"}))["id"]
    ok(s.post(f"/api/v1/accounts/{bob_id}/follow", alice))
    lst = ok(s.post("/api/v1/lists", alice, data={"title": "friends"}))
    ok(s.post(f"/api/v1/lists/{lst['id']}/accounts", alice, data={"account_ids[]": [bob_id]}))
    with WebSocketStream(s, alice, stream="list", list=lst["id"]) as listed, \
            WebSocketStream(s, alice, stream="user") as home:
        status = ok(s.post("/api/v1/statuses", bob, data={"status": "for the list"}))

        def is_it(m):
            return m["event"] == "update" and m["payload"]["id"] == status["id"]

        assert listed.until(is_it)[-1]["stream"] == ["list", lst["id"]]
        assert home.until(is_it)[-1]["stream"] == ["user"]
