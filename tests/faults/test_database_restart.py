"""PostgreSQL restarted under load: the running server answers 503 from its healthcheck while
the database is down, 200 after, and serves reads and writes again without being restarted."""

from __future__ import annotations

import os
import shlex
import subprocess
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
import requests
from django.db import connection

from statuses.models import Status
from tests.factories import UserFactory

HEALTH = "/api/v1/pleroma/healthcheck"
pytestmark = pytest.mark.django_db(transaction=True)


def pg_ctl(*args: str) -> None:
    """Run pg_ctl on the suite's PostgreSQL (as the postgres account when we are root)."""
    command = [f"{os.environ['PG_BIN']}/pg_ctl", "-D", os.environ["PG_DATA"], *args]
    if os.getuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    subprocess.run(command, check=True, capture_output=True, timeout=60)


def start_options() -> str:
    """The options PostgreSQL was started with (port, socket dir, settings), from postmaster.opts."""
    words = shlex.split(Path(os.environ["PG_DATA"], "postmaster.opts").read_text())[1:]
    kept, skip = [], False
    for word in words:
        if skip or word == "-D":
            skip = not skip
            continue
        kept.append(word)
    return shlex.join(kept)


def wait_for_status(server, path: str, status: int, timeout: float = 30) -> float:
    """Seconds until `path` answers `status`."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            if server.get(path, timeout=5).status_code == status:
                return time.monotonic() - started
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise AssertionError(f"{path} never answered {status} in {timeout}s:\n{server.log()[-3000:]}")


class Load(threading.Thread):
    """Light steady load: the public timeline and a post, four times a second."""

    def __init__(self, server, token: str):
        super().__init__(daemon=True)
        self.server, self.token, self.stop, self.codes = server, token, threading.Event(), Counter()

    def run(self) -> None:
        n = 0
        while not self.stop.is_set():
            n += 1
            try:
                if n % 2:
                    code = self.server.get("/api/v1/timelines/public", timeout=5).status_code
                else:
                    code = self.server.post("/api/v1/statuses", self.token, timeout=5,
                                            json={"status": f"under load {n}"}).status_code
            except requests.RequestException as error:
                code = type(error).__name__
            self.codes[code] += 1
            time.sleep(0.25)


@pytest.mark.skipif(not os.environ.get("PG_DATA"), reason="needs the PostgreSQL that scripts/services.sh "
                    "started (PG_BIN, PG_DATA in the environment) to restart it")
class TestDatabaseRestart:
    """GET /api/v1/pleroma/healthcheck while PostgreSQL stops and starts under load"""

    def test_healthcheck_reports_the_outage_and_the_server_recovers_by_itself(self, running_server):
        UserFactory(nickname="steady")
        token = running_server.token("steady")
        pid = running_server.process.pid
        options = start_options()
        assert running_server.get(HEALTH).status_code == 200
        load = Load(running_server, token)
        load.start()
        time.sleep(1)
        try:
            pg_ctl("stop", "-m", "fast", "-w")
            down = running_server.get(HEALTH, timeout=10)
            assert down.status_code == 503
            assert down.json()["healthy"] is False
            time.sleep(1)
        finally:
            pg_ctl("start", "-w", "-o", options, "-l", f"{os.environ['PG_DATA']}.restart.log")
            connection.close()  # this process's connection died with the server
        recovered_in = wait_for_status(running_server, HEALTH, 200)
        time.sleep(1)
        load.stop.set()
        load.join(10)

        assert running_server.process.pid == pid and running_server.process.poll() is None
        assert recovered_in < 10
        after = running_server.post("/api/v1/statuses", token, json={"status": "after the restart"})
        assert after.status_code == 200
        assert Status.objects.filter(content_source="after the restart").exists()
        assert running_server.get("/api/v1/timelines/public").status_code == 200
        assert load.codes[200] > 0, load.codes
