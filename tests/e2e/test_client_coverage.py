"""Client coverage: every REST and streaming method of Mastodon.py, megalodon (Pleroma mode)
and masto.js that maps to an endpoint we serve, called once against a running instance, with its parsed
answer checked (tests/e2e/mastodon_py_coverage.py, tests/e2e/node/megalodon.mjs,
masto.mjs and streams.mjs; docs/client-coverage.md is their table, scripts/client_coverage.py writes it).

Two instances: `make run`'s processes on SQLite with the embedded worker and broker
(scripts/run.py), and gunicorn on the PostgreSQL test database with Redis
(tests/e2e/servers.py). The node packages are pinned in tests/e2e/node/package-lock.json
and installed with `npm ci` when missing (`make test-deps` installs them too).

Set PLEROMA_COVERAGE_OUT to a directory to keep each run's rows as JSON.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
import requests
from PIL import Image

from tests.e2e import mastodon_py_coverage
from tests.e2e.servers import Server, _make_server, run_command
from tests.e2e.test_streaming_clients import node_clients  # noqa: F401 (fixture)
from tests.factories import PASSWORD

CLIENTS = ("mastodon_py", "megalodon", "masto")
# (client, method) -> why that call may fail here; every other call must pass.
KNOWN_FAILING: dict[tuple[str, str], str] = {}
# Run by `manage.py shell` on the instance (one process start for the whole setup).
SETUP = f"""
from accounts import services
from announcements.models import Announcement
from core import ids
for nickname in ("alice", "bob", "carol"):
    services.register_user(nickname=nickname, email=nickname + "@example.com", password={PASSWORD!r}, confirmed=True)
print(ids.encode(Announcement.objects.create(content="Welcome to the coverage run").pk))
"""
FLUSH = "from django.core.management import call_command\ncall_command('flush', interactive=False)\n"


def _ok(response: requests.Response) -> dict:
    assert response.status_code == 200, (response.status_code, response.text[:500])
    return response.json()


def scenario(server: Server, tmp_path: Path, *, flush: bool = False) -> dict:
    """Accounts, tokens, an app, an image and an announcement the scripts need (`flush`:
    on an emptied database)."""
    server._apps.clear()
    announcement = server.manage("shell", "-c", (FLUSH if flush else "") + SETUP).stdout.strip().splitlines()[-1]
    app = server.register_app()
    grant = _ok(server.post("/oauth/token", data={
        "grant_type": "password", "client_id": app["client_id"], "client_secret": app["client_secret"],
        "username": "alice", "password": PASSWORD, "scope": "read write follow push"}))
    app_token = _ok(server.post("/oauth/token", data={
        "grant_type": "client_credentials", "client_id": app["client_id"],
        "client_secret": app["client_secret"], "scope": "read write"}))["access_token"]
    image = tmp_path / "square.png"
    Image.new("RGB", (32, 32), "red").save(image)
    return {"url": server.url, "password": PASSWORD, "alice": server.token("alice"), "bob": server.token("bob"),
            "carol": server.token("carol"), "spare_token": server.token("alice"),
            "refresh_token": grant["refresh_token"], "app": app, "app_token": app_token,
            "image": str(image), "announcement_id": announcement}


def _node(node_dir: Path, script: str, *args: str) -> dict:
    result = subprocess.run(["node", script, *args], cwd=node_dir, capture_output=True, text=True, timeout=300)
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    assert result.returncode == 0 and lines, f"{script} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
    return json.loads(lines[-1])


def run_client(request, client: str, config: dict) -> dict:
    """The REST methods, then the streaming ones (streams.mjs for the JavaScript clients)."""
    if client == "mastodon_py":
        return mastodon_py_coverage.run(config)
    node_dir = request.getfixturevalue("node_clients")
    report = _node(node_dir, f"{client}.mjs", json.dumps(config))
    streamed = _node(node_dir, "streams.mjs", client, json.dumps(config))
    return {"calls": report["calls"] + streamed["calls"], "not_covered": report["not_covered"] + streamed["not_covered"]}


def check(report: dict, client: str, mode: str, server: Server) -> None:
    """Every call passes but those KNOWN_FAILING names; every method not called says why."""
    out = os.environ.get("PLEROMA_COVERAGE_OUT")
    if out:
        Path(out).mkdir(parents=True, exist_ok=True)
        (Path(out) / f"{client}-{mode}.json").write_text(json.dumps(report, indent=1))
    failed = [row for row in report["calls"] if row["result"] != "pass"
              and (client, row["method"]) not in KNOWN_FAILING]
    assert not failed, "\n".join(f"{r['method']} ({r['route']}): {r.get('error')}" for r in failed) + \
        "\n" + server.log()[-3000:]
    assert len(report["calls"]) >= 80
    assert all(row["reason"] for row in report["not_covered"]), [
        row["method"] for row in report["not_covered"] if not row["reason"]]


@pytest.fixture(scope="module")
def embedded(tmp_path_factory):
    """`make run` on a fresh SQLite file: gunicorn, the streaming server, the embedded worker."""
    root = tmp_path_factory.mktemp("coverage")
    server = _make_server(root, "sqlite", f"sqlite:///{root / 'pleroma.sqlite3'}", REDIS_URL="")
    server.command = run_command(server.port, workers=1)
    server.manage("migrate", "--noinput", "-v", "0")
    server.start()
    server.wait_streaming()
    yield server
    server.stop()


@pytest.mark.parametrize("client", CLIENTS)
def test_every_method_against_make_run_on_sqlite(embedded, request, client, tmp_path):
    config = scenario(embedded, tmp_path, flush=True)  # one instance for the module, emptied per client
    check(run_client(request, client, config), client, "embedded", embedded)


@pytest.mark.parametrize("client", CLIENTS)
def test_every_method_against_postgresql_and_redis(streaming_server, request, client, tmp_path):
    config = scenario(streaming_server, tmp_path)
    check(run_client(request, client, config), client, "postgresql", streaming_server)
