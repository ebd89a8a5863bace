"""core.broker: the embedded mode's Celery broker (files in the data dir) through kombu."""

from __future__ import annotations

import multiprocessing
import os
import time
from pathlib import Path

from kombu import Connection

from core import broker


def options(root: Path) -> dict:
    return {"data_folder_in": str(root / "queue"), "data_folder_out": str(root / "queue"),
            "taken_folder": str(root / "taken"), "control_folder": str(root / "control"),
            "polling_interval": 0.05}


def connect(root: Path) -> Connection:
    broker.register()
    return Connection("embedded://localhost//", transport_options=options(root))


def files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def _take_and_crash(root: str, taken) -> None:
    """Take one message and end the process without acknowledging or closing anything."""
    with connect(Path(root)) as conn:
        message = conn.SimpleQueue("jobs").get(timeout=5)
        taken.append(message.payload)
        os._exit(0)


class TestEmbeddedBroker:
    """publish, consume, acknowledge, restore"""

    def test_a_message_is_delivered_once_and_removed_when_acked(self, tmp_path):
        with connect(tmp_path) as conn:
            queue = conn.SimpleQueue("jobs")
            queue.put({"n": 1})
            queue.put({"n": 2})
            assert queue.qsize() == 2
            first = queue.get(timeout=2)
            assert first.payload == {"n": 1}  # in the order they were sent
            assert len(files(tmp_path / "taken")) == 1
            first.ack()
            assert files(tmp_path / "taken") == []
            assert queue.get(timeout=2).payload == {"n": 2}

    def test_unacked_messages_go_back_on_a_clean_close(self, tmp_path):
        with connect(tmp_path) as conn:
            conn.SimpleQueue("jobs").put({"n": 1})
        with connect(tmp_path) as conn:
            assert conn.SimpleQueue("jobs").get(timeout=2).payload == {"n": 1}  # not acked
        assert files(tmp_path / "taken") == []
        with connect(tmp_path) as conn:
            again = conn.SimpleQueue("jobs").get(timeout=2)
            assert again.payload == {"n": 1}
            again.ack()
            assert conn.SimpleQueue("jobs").qsize() == 0

    def test_messages_a_crashed_consumer_held_are_requeued(self, tmp_path):
        with connect(tmp_path) as conn:
            conn.SimpleQueue("jobs").put({"n": 7})
        context = multiprocessing.get_context("spawn")
        with context.Manager() as manager:
            taken = manager.list()
            crashing = context.Process(target=_take_and_crash, args=(str(tmp_path), taken))
            crashing.start()
            crashing.join(30)
            assert list(taken) == [{"n": 7}]
        assert len(files(tmp_path / "taken")) == 1
        assert files(tmp_path / "queue") == []
        assert broker.requeue_taken(tmp_path) == 1
        with connect(tmp_path) as conn:
            message = conn.SimpleQueue("jobs").get(timeout=2)
            assert message.payload == {"n": 7}
            message.ack()
        assert files(tmp_path / "taken") == []

    def test_no_half_written_file_is_ever_in_the_queue(self, tmp_path):
        with connect(tmp_path) as conn:
            queue = conn.SimpleQueue("jobs")
            for n in range(20):
                queue.put({"n": n, "pad": "x" * 10_000})
            names = files(tmp_path / "queue")
            assert len(names) == 20 and all(name.endswith(".jobs.msg") for name in names)
            assert [queue.get(timeout=2).payload["n"] for _ in range(20)] == list(range(20))


class TestCeleryOnTheEmbeddedBroker:
    """a Celery worker consuming the embedded broker: countdown and retries"""

    def test_a_retried_task_runs_again_after_its_countdown(self, tmp_path):
        from celery import Celery, current_app
        from celery.contrib.testing.worker import start_worker

        broker.register()
        app = Celery("embedded-test", broker="embedded://localhost//", set_as_current=False)
        app.conf.update(broker_transport_options=options(tmp_path), task_acks_late=True,
                        worker_hijack_root_logger=False)
        attempts = tmp_path / "attempts"

        @app.task(bind=True, max_retries=3, name="flaky")
        def flaky(self):
            with attempts.open("a") as out:
                out.write(f"{time.monotonic()}\n")
            if self.request.retries < 2:
                raise self.retry(countdown=1)

        project_app = current_app._get_current_object()
        try:
            with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
                queued = time.monotonic()
                flaky.delay()
                deadline = time.monotonic() + 20
                while time.monotonic() < deadline and (
                        not attempts.exists() or len(attempts.read_text().split()) < 3):
                    time.sleep(0.1)
        finally:
            # start_worker makes its app the current one; the project's tasks must not follow it.
            project_app.set_current()
            project_app.set_default()
        runs = [float(line) for line in attempts.read_text().split()]
        assert len(runs) == 3
        assert runs[1] - runs[0] >= 0.9 and runs[2] - runs[1] >= 0.9  # each retry waited its countdown
        assert runs[0] - queued < 5
        assert files(tmp_path / "taken") == [] and files(tmp_path / "queue") == []
