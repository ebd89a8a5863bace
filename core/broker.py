"""The embedded mode's Celery broker: kombu's filesystem transport, made safe for several
processes and for a worker that dies.

Messages are files under `<data dir>/broker/`: `queue/` holds what waits, `taken/` what a
worker holds (running, or waiting for its eta), `control/` the exchange bindings. Compared
with kombu's own filesystem transport:

- a message is written to a temporary name and renamed into `queue/`, so a consumer never
  reads a half-written file (kombu writes in place while the consumer may already move it);
- a consumer renames the file into `taken/` (atomic, same file system) and deletes it only
  when the message is acknowledged or rejected. A warm shutdown puts held messages back
  through kombu's restore; after a crash `requeue_taken()` (run by scripts/run.py before it
  starts the worker) moves them back, so a countdown task survives any worker restart;
- files are named by wall-clock time, so the queue keeps its order across reboots.

Used as `CELERY_BROKER_URL = "embedded://localhost//"` with the folders in the transport options
(pleroma_py/settings.py); `register()` makes kombu know the name.
"""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path
from queue import Empty

from kombu.exceptions import ChannelError
from kombu.transport import TRANSPORT_ALIASES, filesystem, virtual
from kombu.utils.encoding import bytes_to_str, str_to_bytes
from kombu.utils.json import dumps, loads

NAME = "embedded"


def requeue_taken(root: Path) -> int:
    """Put back every message a dead worker held; call only while no worker runs."""
    taken, queue = root / "taken", root / "queue"
    if not taken.is_dir():
        return 0
    queue.mkdir(parents=True, exist_ok=True)
    moved = 0
    for path in taken.iterdir():
        # `<tag>.<queue>.msg` (or a `claim-` name): a time prefix sorts it with the others.
        os.replace(path, queue / f"{time.time_ns()}_{path.name}")
        moved += 1
    return moved


class Channel(filesystem.Channel):
    """Filesystem channel with atomic puts and messages held in `taken/` until acked."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for option in ("data_folder_in", "taken_folder", "control_folder"):
            Path(self.transport_options[option]).mkdir(parents=True, exist_ok=True)

    @property
    def taken_folder(self) -> Path:
        return Path(self.transport_options["taken_folder"])

    @property
    def _held(self) -> dict[str, Path]:
        """{delivery tag: its file in taken/} for the messages this channel took."""
        if not hasattr(self, "_held_files"):
            self._held_files = {}
        return self._held_files

    def _put(self, queue, payload, **kwargs):
        folder = Path(self.data_folder_out)
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{time.time_ns()}_{uuid.uuid4()}.{queue}.msg"
        temporary = folder / f".{name}.tmp"
        try:
            temporary.write_bytes(str_to_bytes(dumps(payload)))
            os.replace(temporary, folder / name)
        except OSError as exc:
            raise ChannelError(f"Cannot add {name!r} to the broker") from exc

    def _get(self, queue):
        folder = Path(self.data_folder_in)
        suffix = f".{queue}.msg"
        try:
            names = sorted(n for n in os.listdir(folder) if n.endswith(suffix) and not n.startswith("."))
        except FileNotFoundError:
            raise Empty() from None
        self.taken_folder.mkdir(parents=True, exist_ok=True)
        for name in names:
            claimed = self.taken_folder / f"claim-{uuid.uuid4()}.{queue}.msg"
            try:
                os.rename(folder / name, claimed)  # only one consumer wins the rename
            except OSError:
                continue
            payload = loads(bytes_to_str(claimed.read_bytes()))
            tag = payload.get("properties", {}).get("delivery_tag")
            if tag:
                held = self.taken_folder / f"{tag}.{queue}.msg"
                os.replace(claimed, held)
                self._held[tag] = held
            else:
                claimed.unlink(missing_ok=True)
            return payload
        raise Empty()

    def _release(self, delivery_tag) -> None:
        held = self._held.pop(delivery_tag, None)
        if held is not None:
            held.unlink(missing_ok=True)

    def basic_ack(self, delivery_tag, multiple=False):
        super().basic_ack(delivery_tag, multiple=multiple)
        self._release(delivery_tag)

    def basic_reject(self, delivery_tag, requeue=False):
        super().basic_reject(delivery_tag, requeue=requeue)
        self._release(delivery_tag)

    def _restore(self, message):
        super()._restore(message)  # a new file in queue/
        self._release(message.delivery_tag)

    def _purge(self, queue):
        folder, count = Path(self.data_folder_in), 0
        for path in folder.glob(f"*.{queue}.msg"):
            path.unlink(missing_ok=True)
            count += 1
        return count

    def _size(self, queue):
        try:
            return sum(1 for n in os.listdir(self.data_folder_in) if n.endswith(f".{queue}.msg")
                       and not n.startswith("."))
        except FileNotFoundError:
            return 0


class Transport(filesystem.Transport):
    Channel = Channel
    driver_type = driver_name = NAME
    # kombu keeps the bindings it has written in one process-wide state and skips writing
    # them again; one state per broker folder, so a second broker in a process (tests) works.
    _states: dict[str, virtual.BrokerState] = {}

    def __init__(self, client, **kwargs):
        super().__init__(client, **kwargs)
        folder = client.transport_options.get("control_folder", "")
        self.state = self._states.setdefault(folder, virtual.BrokerState())


def register() -> None:
    TRANSPORT_ALIASES.setdefault(NAME, "core.broker:Transport")
