"""The streaming server's side: connections, and the one listener that feeds them.

One Hub per process listens to the broker; for each event it snapshots the connections
that have subscriptions, works out their messages in a worker thread (delivery, which
queries the database), and puts each message on its connection's queue. Events are
handled one at a time, so every connection sees them in the order they were published.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from concurrent.futures import ThreadPoolExecutor

from django.db import close_old_connections

from streaming import broker, delivery
from streaming.streams import Subscription

logger = logging.getLogger(__name__)

QUEUE_SIZE = 500  # a client this far behind is disconnected rather than buffered forever
THREADS = 4

_executor = ThreadPoolExecutor(max_workers=THREADS, thread_name_prefix="streaming")
_keys = itertools.count(1)


def _with_connections(fn, *args):
    close_old_connections()
    try:
        return fn(*args)
    finally:
        close_old_connections()


async def run_sync(fn, *args):
    """Run Django (database) work off the event loop."""
    return await asyncio.get_running_loop().run_in_executor(_executor, _with_connections, fn, *args)


class Connection:
    """One client: who it is, what it subscribed to, and what waits to be sent."""

    def __init__(self, user, scopes: list[str] | None) -> None:
        self.key = next(_keys)
        self.user = user
        self.scopes = scopes
        self.subscriptions: set[Subscription] = set()
        self.queue: asyncio.Queue = asyncio.Queue(maxsize=QUEUE_SIZE)
        self.overflowed = asyncio.Event()

    def deliver(self, message: delivery.Message) -> None:
        try:
            self.queue.put_nowait(message)
        except asyncio.QueueFull:
            self.overflowed.set()


class Hub:
    def __init__(self) -> None:
        self.connections: dict[int, Connection] = {}
        self.ready = asyncio.Event()
        self._task: asyncio.Task | None = None

    async def start(self) -> None:
        if self._task is None or self._task.done():
            self.ready = asyncio.Event()
            self._task = asyncio.create_task(self._run())
        await asyncio.wait_for(self.ready.wait(), timeout=30)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except (asyncio.CancelledError, Exception):
                pass
            self._task = None

    def add(self, connection: Connection) -> None:
        self.connections[connection.key] = connection

    def remove(self, connection: Connection) -> None:
        self.connections.pop(connection.key, None)

    async def _run(self) -> None:
        while True:
            try:
                async for event in broker.listen(self.ready):
                    await self.dispatch(event)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("streaming: listener failed; restarting")
                await asyncio.sleep(1)

    async def dispatch(self, event: dict) -> None:
        targets = [delivery.Target(c.key, c.user, c.scopes, frozenset(c.subscriptions))
                   for c in self.connections.values() if c.subscriptions]
        if not targets:
            return
        try:
            messages = await run_sync(delivery.messages_for, event, targets)
        except Exception:
            logger.exception("streaming: could not deliver %s", event.get("event"))
            return
        for message in messages:
            connection = self.connections.get(message.key)
            if connection is not None:
                connection.deliver(message)


hub = Hub()
