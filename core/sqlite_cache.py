"""The embedded mode's cache: one SQLite file in the data dir that every process of the
instance (gunicorn workers, the Celery worker, management commands) reads and writes.

Django's own backends do not fit: LocMemCache is per process, and DatabaseCache and
FileBasedCache implement `incr` as read-then-write, so two workers counting one rate limit
lose hits. Here each operation is one SQL statement in autocommit on a WAL database, so
SQLite serialises the writers and every write is atomic:

- `add` is `INSERT ... ON CONFLICT DO UPDATE ... WHERE <expired> RETURNING`: a row comes
  back only to the one caller that stored the value;
- `incr` is `UPDATE ... SET value = value + ? ... RETURNING value`;
- `delete` says whether it removed a live entry (`DELETE ... RETURNING`), which is what
  single-use tokens need.

Integers are stored as SQLite integers (so `incr` works in SQL), everything else pickled.
Expired rows are ignored on read and pruned every `PRUNE_EVERY` writes of a process.
"""

from __future__ import annotations

import os
import pickle
import sqlite3
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache

BUSY_TIMEOUT_MS = 10_000
PRUNE_EVERY = 500
SCHEMA = """
CREATE TABLE IF NOT EXISTS cache_entry (
    key TEXT PRIMARY KEY,
    value BLOB NOT NULL,
    expires REAL
) WITHOUT ROWID
"""
LIVE = "(expires IS NULL OR expires > ?)"


def _encode(value: Any) -> int | bytes:
    # bool is an int subclass: keep it pickled so it reads back as a bool.
    if type(value) is int and -(2**63) <= value < 2**63:
        return value
    return pickle.dumps(value, pickle.HIGHEST_PROTOCOL)


def _decode(stored: int | bytes) -> Any:
    return stored if isinstance(stored, int) else pickle.loads(stored)


class SQLiteCache(BaseCache):
    """A Django cache backend on one SQLite file shared by every process (LOCATION: its path)."""

    def __init__(self, location: str, params: dict) -> None:
        super().__init__(params)
        self.path = Path(location)
        self._local = threading.local()
        self._writes = 0

    # --- connection ----------------------------------------------------------------------
    def _db(self) -> sqlite3.Connection:
        """This thread's connection; a forked child (Celery prefork) opens its own."""
        conn = getattr(self._local, "conn", None)
        if conn is not None and self._local.pid == os.getpid():
            return conn
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                               check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute(SCHEMA)
        self._local.conn, self._local.pid = conn, os.getpid()
        return conn

    def _wrote(self) -> None:
        self._writes += 1
        if self._writes % PRUNE_EVERY == 0:
            self._db().execute("DELETE FROM cache_entry WHERE expires <= ?", (time.time(),))

    def _expiry(self, timeout) -> float | None:
        return self.get_backend_timeout(timeout)

    # --- the cache API -------------------------------------------------------------------
    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        now = time.time()
        row = self._db().execute(
            "INSERT INTO cache_entry (key, value, expires) VALUES (?, ?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires = excluded.expires "
            "WHERE cache_entry.expires IS NOT NULL AND cache_entry.expires <= ? RETURNING 1",
            (key, _encode(value), self._expiry(timeout), now)).fetchone()
        self._wrote()
        return row is not None

    def get(self, key, default=None, version=None):
        key = self.make_and_validate_key(key, version=version)
        row = self._db().execute(
            f"SELECT value FROM cache_entry WHERE key = ? AND {LIVE}", (key, time.time())).fetchone()
        return default if row is None else _decode(row[0])

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> None:
        key = self.make_and_validate_key(key, version=version)
        self._db().execute(
            "INSERT INTO cache_entry (key, value, expires) VALUES (?, ?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires = excluded.expires",
            (key, _encode(value), self._expiry(timeout)))
        self._wrote()

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        row = self._db().execute(
            f"UPDATE cache_entry SET expires = ? WHERE key = ? AND {LIVE} RETURNING 1",
            (self._expiry(timeout), key, time.time())).fetchone()
        return row is not None

    def delete(self, key, version=None) -> bool:
        """Remove the entry; True only for the caller that removed a live one."""
        key = self.make_and_validate_key(key, version=version)
        row = self._db().execute(
            "DELETE FROM cache_entry WHERE key = ? RETURNING expires", (key,)).fetchone()
        return row is not None and (row[0] is None or row[0] > time.time())

    def has_key(self, key, version=None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        return self._db().execute(
            f"SELECT 1 FROM cache_entry WHERE key = ? AND {LIVE}", (key, time.time())).fetchone() is not None

    def incr(self, key, delta=1, version=None) -> int:
        """Add `delta` in one statement; ValueError when the key is missing or not an integer."""
        key = self.make_and_validate_key(key, version=version)
        row = self._db().execute(
            f"UPDATE cache_entry SET value = value + ? WHERE key = ? AND typeof(value) = 'integer' "
            f"AND {LIVE} RETURNING value", (delta, key, time.time())).fetchone()
        if row is None:
            raise ValueError(f"Key '{key}' not found or not an integer")
        return row[0]

    def decr(self, key, delta=1, version=None) -> int:
        return self.incr(key, -delta, version=version)

    def get_many(self, keys: Iterable, version=None) -> dict:
        by_stored = {self.make_and_validate_key(key, version=version): key for key in keys}
        if not by_stored:
            return {}
        marks = ", ".join("?" * len(by_stored))
        rows = self._db().execute(
            f"SELECT key, value FROM cache_entry WHERE key IN ({marks}) AND {LIVE}",
            (*by_stored, time.time())).fetchall()
        return {by_stored[stored]: _decode(value) for stored, value in rows}

    def set_many(self, data: dict, timeout=DEFAULT_TIMEOUT, version=None) -> list:
        for key, value in data.items():
            self.set(key, value, timeout, version=version)
        return []

    def delete_many(self, keys: Iterable, version=None) -> None:
        stored = [self.make_and_validate_key(key, version=version) for key in keys]
        if stored:
            marks = ", ".join("?" * len(stored))
            self._db().execute(f"DELETE FROM cache_entry WHERE key IN ({marks})", stored)

    def clear(self) -> None:
        self._db().execute("DELETE FROM cache_entry")

    def close(self, **kwargs) -> None:
        # Django calls close() after every request; the connection is kept for the next one.
        pass
