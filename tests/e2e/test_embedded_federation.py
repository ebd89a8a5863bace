"""Federation in the embedded mode: `make run` (SQLite, the embedded broker and worker of
scripts/run.py) delivers what its accounts do through its own job runner. The peer is
`second_server`, another running instance whose inbox verifies our signatures and stores
what it receives (reference/federation.md §5)."""

from __future__ import annotations

import time

import pytest
import requests

from tests.e2e.servers import _make_server, run_command
from tests.federation.test_publish_servers import received, wait_rows


@pytest.fixture(scope="module")
def embedded(tmp_path_factory):
    root = tmp_path_factory.mktemp("embedded-federation")
    server = _make_server(root, "sqlite", f"sqlite:///{root / 'pleroma.sqlite3'}", REDIS_URL="",
                          PLEROMA_INSTANCE_NAME="embedded")
    server.command = run_command(server.port)
    server.manage("migrate", "--noinput", "-v", "0")
    server.create_user("alice")
    server.start()
    yield server
    server.stop()


def ok(response: requests.Response, status: int = 200):
    assert response.status_code == status, (response.status_code, response.text[:500])
    return response.json()


def test_a_post_reaches_a_peer_inbox_through_the_embedded_worker(embedded, second_server):
    second_server.create_user("bob")
    alice, bob = embedded.token("alice"), second_server.token("bob")
    # bob, on the peer, follows alice: the embedded worker processes his Follow and sends
    # the Accept, which the peer verifies and applies
    alice_there = ok(second_server.get("/api/v1/accounts/lookup", bob, params={"acct": f"alice@{embedded.domain}"}))
    ok(second_server.post(f"/api/v1/accounts/{alice_there['id']}/follow", bob))
    assert wait_rows(second_server, "SELECT 1 FROM accounts_follow WHERE state = 'accept'", timeout=90), \
        embedded.log()[-3000:]
    deadline = time.monotonic() + 60
    while ok(embedded.get("/api/v1/accounts/lookup", params={"acct": "alice"}))["followers_count"] != 1:
        assert time.monotonic() < deadline, embedded.log()[-3000:]
        time.sleep(0.3)
    # alice posts; the request returns at once and the worker delivers it
    started = time.monotonic()
    status = ok(embedded.post("/api/v1/statuses", alice, data={"status": "from the embedded mode"}))
    answered = time.monotonic() - started
    (create,) = received(second_server, "Create", timeout=90)
    assert create["object"]["id"] == status["uri"]
    assert create["object"]["content"] == status["content"]
    assert create["actor"] == f"{embedded.url}/users/alice"
    assert answered < 5  # delivery is not part of the request
