"""A real Celery worker for tests: tasks go through Redis to a `celery worker` process.

`celery_worker_process` starts `celery -A pleroma_py worker` on every queue against the
test database and REDIS_URL, and turns the in-process Celery app non-eager for the test,
so `.delay()` (and `transaction.on_commit` enqueues) really travel through the broker.
The test needs `transactional_db`: the worker only sees committed rows.

`.kill()` ends the worker at once (SIGKILL, as a crash mid-task would); `.restart()`
puts the messages it had taken but not acknowledged back on their queues and starts a
new worker, so tests can check that tasks are safe to run again.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from kombu import Connection

from tests.e2e.servers import ROOT, base_env, database_url, stop_process

QUEUES = ("default", "imports", "backups", "emoji", "mail", "inbox", "delivery")
START_TIMEOUT = 60


@dataclass
class WorkerProcess:
    """A `celery worker` child process; `.log()` shows what it printed."""

    env: dict[str, str]
    log_path: Path
    broker_url: str
    process: subprocess.Popen | None = None
    # argv of the worker; None: one solo worker on every queue (see start)
    command: list[str] | None = None

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            self.command or [
                sys.executable, "-m", "celery", "-A", "pleroma_py", "worker", "-Q", ",".join(QUEUES),
                "--concurrency", "1", "--pool", "solo", "--loglevel", "info", "--without-gossip",
                "--without-mingle", "--without-heartbeat", "-n", f"test-{uuid.uuid4().hex[:8]}@%h"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"worker exited with {self.process.returncode}:\n{self.log()[-4000:]}")
            if " ready." in self.log()[offset:]:
                return
            time.sleep(0.1)
        raise RuntimeError(f"worker not ready in {START_TIMEOUT}s:\n{self.log()[-4000:]}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        """A warm shutdown: the current task finishes, unacknowledged messages go back."""
        if self.process is not None:
            stop_process(self.process, timeout=30)
            self.process = None

    def kill(self) -> None:
        """End the worker at once, whatever it is doing."""
        if self.process is not None:
            stop_process(self.process, hard=True)
            self.process = None

    def restore_unacked(self) -> int:
        """Put back every message a killed worker had taken and not acknowledged."""
        with Connection(self.broker_url, transport_options={"visibility_timeout": 0}) as conn:
            channel = conn.default_channel
            client = channel.client
            before = client.zcard(channel.unacked_index_key)
            channel.qos.restore_visible(num=10_000)
            return before - client.zcard(channel.unacked_index_key)

    def restart(self, *, restore_unacked: bool = True) -> None:
        """Kill if still running, requeue what it held, start a fresh worker."""
        self.kill()
        if restore_unacked:
            self.restore_unacked()
        self.start()

    def wait_for(self, predicate, timeout: float = 30, interval: float = 0.1):
        """Poll `predicate()` until it returns something truthy (the worker runs meanwhile)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            result = predicate()
            if result:
                return result
            if not self.alive:
                raise RuntimeError(f"worker died:\n{self.log()[-4000:]}")
            time.sleep(interval)
        raise AssertionError(f"condition not met in {timeout}s; worker log:\n{self.log()[-4000:]}")


def _purge(broker_url: str) -> None:
    with Connection(broker_url) as conn:
        channel = conn.default_channel
        for queue in QUEUES:
            channel.queue_purge(queue)
        channel.client.delete(channel.unacked_key, channel.unacked_index_key)


@pytest.fixture
def celery_worker_env() -> dict[str, str]:
    """Extra environment of `celery_worker_process` (a test module overrides this fixture)."""
    return {}


@pytest.fixture
def celery_worker_process(transactional_db, data_dir, celery_worker_env):
    """A real worker on every queue; the in-process app sends tasks through Redis meanwhile."""
    from django.conf import settings
    from django.db import connection

    from pleroma_py.celery import app as celery_app

    broker_url = os.environ.get("REDIS_URL", "")
    if not broker_url:
        pytest.fail("celery_worker_process needs REDIS_URL (a Redis server for the broker)")
    _purge(broker_url)
    # The worker's data dir is the test's `data_dir`: files it writes are where the test looks.
    worker = WorkerProcess(
        env=base_env(DATABASE_URL=database_url(connection.settings_dict), REDIS_URL=broker_url,
                     PLEROMA_DATA_DIR=str(data_dir), PLEROMA_RATE_LIMIT_ENABLED="false",
                     SECRET_KEY=settings.SECRET_KEY, **celery_worker_env),
        log_path=data_dir / "worker.log", broker_url=broker_url,
    )
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    worker.start()
    try:
        yield worker
    finally:
        worker.stop()
        celery_app.conf.task_always_eager = eager
        _purge(broker_url)
