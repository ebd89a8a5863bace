"""core.broker: the embedded mode's Celery broker (files in the data dir) through kombu."""

from __future__ import annotations

import multiprocessing
import os
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
