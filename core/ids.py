"""Pleroma-compatible FlakeIds: 128-bit, time-ordered, base62 in the API.

Layout (most significant first): 64-bit Unix milliseconds, 48-bit worker id, 16-bit
sequence. Stored in a UUID column, whose byte order is numeric order on PostgreSQL and
SQLite, so ``ORDER BY id`` is creation order and keyset pagination compares ids.
"""

from __future__ import annotations

import os
import secrets
import threading
import time
import uuid

from django.db import models

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_INDEX = {c: i for i, c in enumerate(ALPHABET)}
WIDTH = 18  # every id minted between ~1976 and the 2200s is 18 characters long
_MAX = (1 << 128) - 1


class _Generator:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.worker = int.from_bytes(secrets.token_bytes(6), "big")
        self.pid = os.getpid()
        self.last_ms = 0
        self.seq = 0

    def next(self) -> int:
        with self.lock:
            if os.getpid() != self.pid:  # forked worker: take a new worker id
                self.pid = os.getpid()
                self.worker = int.from_bytes(secrets.token_bytes(6), "big")
            now = time.time_ns() // 1_000_000
            if now <= self.last_ms:
                # Same millisecond (or clock stepped back): keep order by counting on.
                self.seq += 1
                if self.seq > 0xFFFF:
                    self.last_ms += 1
                    self.seq = 0
                now = self.last_ms
            else:
                self.last_ms = now
                self.seq = 0
            return (now << 64) | (self.worker << 16) | self.seq


_generator = _Generator()


def new_id() -> uuid.UUID:
    """A new FlakeId as a UUID."""
    return uuid.UUID(int=_generator.next())


def id_for_time(ms: int) -> uuid.UUID:
    """The smallest FlakeId of a millisecond (for time-based cursors and seeding)."""
    return uuid.UUID(int=ms << 64)


def encode(value: uuid.UUID | int) -> str:
    """Base62 string of a FlakeId, zero-padded to 18 characters."""
    n = value.int if isinstance(value, uuid.UUID) else int(value)
    chars = []
    while n:
        n, r = divmod(n, 62)
        chars.append(ALPHABET[r])
    return "".join(reversed(chars)).rjust(WIDTH, "0")


def decode(text: str) -> uuid.UUID | None:
    """Parse an id from a client: base62 FlakeId, legacy decimal id or UUID; None if junk."""
    if not isinstance(text, str):
        text = str(text)
    text = text.strip()
    if not text or len(text) > 36:
        return None
    if len(text) < WIDTH and text.isascii() and text.isdigit():  # not "¹¹": int() refuses it
        return uuid.UUID(int=int(text))  # legacy integer id: below every FlakeId
    if len(text) == 36 and text.count("-") == 4:
        try:
            return uuid.UUID(text)
        except ValueError:
            return None
    n = 0
    for c in text:
        i = _INDEX.get(c)
        if i is None:
            return None
        n = n * 62 + i
    if n > _MAX:
        return None
    return uuid.UUID(int=n)


def timestamp_ms(value: uuid.UUID) -> int:
    return value.int >> 64


class FlakeIdField(models.UUIDField):
    """Primary key column holding a FlakeId; new rows get one automatically."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", new_id)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        path = "core.ids.FlakeIdField"
        return name, path, args, kwargs
