"""The channel events travel on from the processes that write to the streaming servers.

Any process may publish (web workers, Celery workers, management commands); every
streaming server listens. With REDIS_URL the channel is Redis pub/sub. Without it (the
embedded mode) it is a small SQLite table in the data dir, `streaming.sqlite3`: publishers
append a row, each streaming server polls for rows newer than the last it saw every
POLL_SECONDS, and rows older than KEEP_SECONDS are pruned. No server is needed either way.

An event is a small JSON object naming what happened (`{"event": "status", "id": ...}`);
the streaming server loads and renders it for each subscriber.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import sqlite3
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)

POLL_SECONDS = 0.1
KEEP_SECONDS = 60
PRUNE_CHANCE = 0.02  # a publisher prunes on about one publish in fifty
SCHEMA = ("CREATE TABLE IF NOT EXISTS streaming_event ("
          "id INTEGER PRIMARY KEY AUTOINCREMENT, created REAL NOT NULL, body TEXT NOT NULL)")

_local = threading.local()
_redis_lock = threading.Lock()
_redis_client = None


def channel() -> str:
    return f"{settings.CACHES['default'].get('KEY_PREFIX') or 'pleroma'}:streaming"


def events_path() -> Path:
    return Path(settings.STREAMING_EVENTS_DB)


def using_redis() -> bool:
    return bool(settings.REDIS_URL)


# -- publishing (sync: called from transaction.on_commit) ---------------------------------------

def publish(event: dict) -> None:
    """Hand one event to every streaming server; a failure is logged, never raised (the
    write it announces has already committed)."""
    body = json.dumps(event, separators=(",", ":"))
    try:
        if using_redis():
            _redis().publish(channel(), body)
        else:
            _publish_sqlite(body)
    except Exception:
        logger.exception("streaming: could not publish %s", event.get("event"))


def _redis():
    global _redis_client
    with _redis_lock:
        if _redis_client is None:
            import redis

            _redis_client = redis.Redis.from_url(settings.REDIS_URL)
        return _redis_client


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), timeout=10, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute(SCHEMA)
    return conn


def _sqlite() -> sqlite3.Connection:
    path = events_path()
    cached = getattr(_local, "conn", None)
    if cached is None or cached[0] != path:
        cached = (path, _connect(path))
        _local.conn = cached
    return cached[1]


def _publish_sqlite(body: str) -> None:
    conn = _sqlite()
    now = time.time()
    conn.execute("INSERT INTO streaming_event (created, body) VALUES (?, ?)", (now, body))
    if random.random() < PRUNE_CHANCE:
        prune(conn, now)


def prune(conn: sqlite3.Connection, now: float | None = None) -> None:
    conn.execute("DELETE FROM streaming_event WHERE created < ?", ((now or time.time()) - KEEP_SECONDS,))


# -- listening (async: the streaming server) ----------------------------------------------------

async def listen(ready: asyncio.Event | None = None) -> AsyncIterator[dict]:
    """Every event published from now on, in order; `ready` is set once listening."""
    source = _listen_redis if using_redis() else _listen_sqlite
    async for body in source(ready):
        try:
            yield json.loads(body)
        except ValueError:
            logger.warning("streaming: unreadable event %r", body[:200])


async def _listen_redis(ready: asyncio.Event | None) -> AsyncIterator[bytes]:
    import redis.asyncio as aioredis

    delay = 0.5
    while True:
        client = aioredis.Redis.from_url(settings.REDIS_URL)
        try:
            pubsub = client.pubsub(ignore_subscribe_messages=True)
            await pubsub.subscribe(channel())
            if ready is not None:
                ready.set()
            delay = 0.5
            while True:
                message = await pubsub.get_message(timeout=30)
                if message is not None and message["type"] == "message":
                    yield message["data"]
        except (OSError, aioredis.ConnectionError, aioredis.TimeoutError) as error:
            # Events published while we were away are lost, as with any pub/sub listener.
            logger.warning("streaming: Redis connection lost (%s); reconnecting", error)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 10)
        finally:
            await client.aclose()


def _newer(conn: sqlite3.Connection, last: int) -> list[tuple[int, str]]:
    return conn.execute("SELECT id, body FROM streaming_event WHERE id > ? ORDER BY id", (last,)).fetchall()


async def _listen_sqlite(ready: asyncio.Event | None) -> AsyncIterator[str]:
    conn = await asyncio.to_thread(_connect, events_path())
    try:
        row = await asyncio.to_thread(lambda: conn.execute("SELECT max(id) FROM streaming_event").fetchone())
        last = row[0] or 0
        if ready is not None:
            ready.set()
        pruned = time.monotonic()
        while True:
            rows = await asyncio.to_thread(_newer, conn, last)
            for row_id, body in rows:
                last = row_id
                yield body
            if time.monotonic() - pruned > KEEP_SECONDS / 6:
                await asyncio.to_thread(prune, conn)
                pruned = time.monotonic()
            await asyncio.sleep(POLL_SECONDS)
    finally:
        conn.close()
