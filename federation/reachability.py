"""Instances that stopped answering (issue #15): after a delivery to a host times out or
cannot connect, the host is marked unreachable for the delivery's backoff. Its other
deliveries wait out the mark without a network attempt, instead of each holding a worker
slot for a whole timeout while the healthy instances' deliveries queue behind them. Once a
mark lapses one delivery at a time probes the host; a success clears everything.

The marks live in the shared cache (Redis in production), so every worker process sees them.
"""

from __future__ import annotations

import math
import time
from typing import NamedTuple
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache

# A host that failed stays suspect this long (unless a delivery succeeds): its deliveries go
# one at a time; the others look again after PLEROMA_FEDERATION_RETRY_SECONDS.
SUSPECT_SECONDS = 6 * 3600
PROBE_LOCK_SECONDS = 60  # longer than one attempt; released as soon as the probe ends


def _host(inbox: str) -> str:
    return (urlsplit(inbox).netloc or inbox).lower()


def _keys(inbox: str) -> tuple[str, str, str]:
    host = _host(inbox)
    return f"federation:unreachable:{host}", f"federation:suspect:{host}", f"federation:probe:{host}"


class Reach(NamedTuple):
    wait: int  # seconds a delivery should wait before trying; 0: try now
    suspect: bool  # the host failed lately: a success must clear its marks


def check(inbox: str) -> Reach:
    """Whether a delivery to `inbox` may try now (one cache round trip for a healthy host).

    A suspect host (failed, not marked any more, no success since) takes one probe at a
    time: the delivery that takes the probe tries, the others wait for its outcome."""
    unreachable, suspect, probe = _keys(inbox)
    found = cache.get_many([unreachable, suspect])
    until = found.get(unreachable)
    if until is not None and until > time.time():
        return Reach(max(1, math.ceil(until - time.time())), True)
    if suspect not in found:
        return Reach(0, False)
    if cache.add(probe, 1, timeout=PROBE_LOCK_SECONDS):
        return Reach(0, True)
    return Reach(settings.FEDERATION_RETRY_SECONDS, True)


def mark_unreachable(inbox: str, seconds: int) -> None:
    """The host of `inbox` did not answer: leave it alone for `seconds`."""
    unreachable, suspect, probe = _keys(inbox)
    cache.set(unreachable, time.time() + seconds, timeout=seconds)
    cache.set(suspect, 1, timeout=SUSPECT_SECONDS)
    cache.delete(probe)


def mark_reachable(inbox: str) -> None:
    """A delivery to the host of `inbox` went through: no mark any more."""
    cache.delete_many(list(_keys(inbox)))
