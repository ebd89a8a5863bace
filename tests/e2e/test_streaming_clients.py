"""Real clients of the streaming API against the running servers: Mastodon.py's
`stream_user` (SSE), and megalodon's and masto.js's user streams (WebSocket) through the
node script in tests/e2e/node (its packages pinned in package.json/package-lock.json and
installed with `npm ci` when missing).

Each test: the subscriber follows bob, blocks carol, mutes dave; carol and dave post,
mallory (not followed) posts followers-only, bob sends erin a direct message, and then bob
posts publicly. Only bob's public post may arrive, within a second of being posted.
"""

from __future__ import annotations

import json
import queue
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest
from mastodon import CallbackStreamListener, Mastodon

from core import ids
from tests.e2e.servers import stop_process
from tests.factories import PASSWORD, UserFactory

NODE_DIR = Path(__file__).resolve().parent / "node"


def ok(response):
    assert response.status_code == 200, (response.status_code, response.text[:500])
    return response.json()


def _scenario(server) -> dict:
    """Accounts and relationships of the scenario; returns tokens and ids."""
    people = {}
    for nickname in ("alice", "bob", "carol", "dave", "mallory", "erin"):
        user = UserFactory(nickname=nickname)
        people[nickname] = {"id": ids.encode(user.pk), "token": server.token(nickname)}
    alice = people["alice"]["token"]
    for nickname in ("bob", "carol", "dave"):
        ok(server.post(f"/api/v1/accounts/{people[nickname]['id']}/follow", alice))
    ok(server.post(f"/api/v1/accounts/{people['carol']['id']}/block", alice))
    ok(server.post(f"/api/v1/accounts/{people['dave']['id']}/mute", alice))
    return people


def _post(server, people, nickname: str, text: str, **fields) -> str:
    return ok(server.post("/api/v1/statuses", people[nickname]["token"], data={"status": text, **fields}))["id"]


def _play(server, people) -> tuple[set[str], str, float]:
    """Post what must not arrive, then bob's public post; (hidden ids, bob's id, when posted)."""
    hidden = {
        _post(server, people, "carol", "blocked"),
        _post(server, people, "dave", "muted"),
        _post(server, people, "mallory", "not followed", visibility="private"),
        _post(server, people, "bob", "@erin between us", visibility="direct"),
    }
    started = time.monotonic()
    return hidden, _post(server, people, "bob", "hello, followers"), started


def _wait_for(events: queue.Queue, wanted: str, timeout: float = 5) -> tuple[list, float]:
    """(ids of the updates received up to `wanted`, when `wanted` arrived)."""
    seen = []
    deadline = time.monotonic() + timeout
    while True:
        try:
            item = events.get(timeout=max(deadline - time.monotonic(), 0.01))
        except queue.Empty:
            raise AssertionError(f"{wanted} did not arrive; got {seen}") from None
        seen.append(item)
        if item == wanted:
            return seen, time.monotonic()


class TestMastodonPy:
    """GET /api/v1/streaming/user with Mastodon.py's stream_user"""

    def test_stream_user_gets_the_followed_post_and_nothing_hidden(self, streaming_server):
        s = streaming_server
        people = _scenario(s)
        client_id, client_secret = Mastodon.create_app("e2e streaming", api_base_url=s.url)
        client = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=s.url,
                          version_check_mode="none")
        client.log_in("alice", PASSWORD, scopes=["read", "write", "follow"])
        updates: queue.Queue = queue.Queue()
        listener = CallbackStreamListener(update_handler=lambda status: updates.put(status["id"]))
        handle = client.stream_user(listener, run_async=True)
        try:
            time.sleep(0.5)
            hidden, wanted, started = _play(s, people)
            seen, arrived = _wait_for(updates, wanted)
        finally:
            handle.close()
        assert arrived - started < 1
        assert not hidden & set(seen)


@pytest.fixture(scope="session")
def node_clients() -> Path:
    """tests/e2e/node with its packages installed (npm ci from the lock file)."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("node and npm are needed for the JavaScript clients (node 20 is on the machines)")
    if not (NODE_DIR / "node_modules" / "megalodon").exists() or not (NODE_DIR / "node_modules" / "masto").exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=NODE_DIR, check=True, timeout=600,
                       capture_output=True)
    return NODE_DIR


def _run_node(node_dir: Path, client: str, server, token: str):
    process = subprocess.Popen(["node", "stream.mjs", client, server.url, token], cwd=node_dir,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               start_new_session=True)
    lines: queue.Queue = queue.Queue()

    def read():
        for line in process.stdout:
            try:
                lines.put(json.loads(line))
            except ValueError:
                lines.put({"output": line})

    threading.Thread(target=read, daemon=True).start()
    return process, lines


@pytest.mark.parametrize("client", ["megalodon", "masto"])
class TestJavaScriptClients:
    """GET /api/v1/streaming?stream=user with megalodon and masto.js"""

    def test_the_user_stream_gets_the_followed_post_and_nothing_hidden(self, streaming_server, node_clients, client):
        s = streaming_server
        people = _scenario(s)
        process, lines = _run_node(node_clients, client, s, people["alice"]["token"])
        try:
            first = lines.get(timeout=30)
            assert first == {"ready": True}, first
            updates: queue.Queue = queue.Queue()
            hidden, wanted, started = _play(s, people)

            def forward():
                while True:
                    line = lines.get()
                    if line.get("event") == "update":
                        updates.put(line["id"])
                    elif "error" in line:
                        updates.put(line)

            threading.Thread(target=forward, daemon=True).start()
            seen, arrived = _wait_for(updates, wanted)
        finally:
            stop_process(process)
        assert arrived - started < 1
        assert not hidden & set(seen)


def _edit_scenario(server) -> tuple[dict, str]:
    """alice follows bob, bob posts; (people, the post's id)."""
    people = {}
    for nickname in ("alice", "bob"):
        user = UserFactory(nickname=nickname)
        people[nickname] = {"id": ids.encode(user.pk), "token": server.token(nickname)}
    ok(server.post(f"/api/v1/accounts/{people['bob']['id']}/follow", people["alice"]["token"]))
    return people, _post(server, people, "bob", "first version")


def _edit(server, people, status_id: str) -> None:
    ok(server.request("PUT", f"/api/v1/statuses/{status_id}", people["bob"]["token"],
                      data={"status": "edited version"}))


class TestEditsStreamed:
    """`status.update` on the user stream, as Mastodon.py, megalodon and masto.js read it"""

    def test_mastodon_py_gets_the_edited_status(self, streaming_server):
        s = streaming_server
        people, status_id = _edit_scenario(s)
        client_id, client_secret = Mastodon.create_app("e2e edits", api_base_url=s.url)
        client = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=s.url,
                          version_check_mode="none")
        client.log_in("alice", PASSWORD, scopes=["read"])
        edits: queue.Queue = queue.Queue()
        listener = CallbackStreamListener(status_update_handler=lambda status: edits.put(status))
        handle = client.stream_user(listener, run_async=True)
        try:
            time.sleep(0.5)
            _edit(s, people, status_id)
            edited = edits.get(timeout=5)
        finally:
            handle.close()
        assert edited["id"] == status_id
        assert "edited version" in edited["content"] and edited["edited_at"] is not None

    @pytest.mark.parametrize("client", ["megalodon", "masto"])
    def test_javascript_clients_get_the_edited_status(self, streaming_server, node_clients, client):
        s = streaming_server
        people, status_id = _edit_scenario(s)
        process, lines = _run_node(node_clients, client, s, people["alice"]["token"])
        try:
            first = lines.get(timeout=30)
            assert first == {"ready": True}, first
            _edit(s, people, status_id)
            deadline = time.monotonic() + 5
            while True:
                line = lines.get(timeout=max(deadline - time.monotonic(), 0.01))
                assert "error" not in line, line
                if line.get("event") == "status.update":
                    break
        finally:
            stop_process(process)
        assert line["id"] == status_id and "edited version" in line["content"]
