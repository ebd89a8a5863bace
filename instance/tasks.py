"""Instance jobs: the worker probe."""

from __future__ import annotations

import time

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

WORKER_SEEN_KEY = "instance:worker_seen_at"


@shared_task(queue="default", acks_late=True)
def ping(token: str = "", hold_seconds: float = 0) -> str:
    """Record that a worker consumed the default queue (`token` names the probe).

    `hold_seconds` keeps the worker busy that long first, for crash and load drills.
    """
    if hold_seconds:
        time.sleep(min(hold_seconds, 60))
    cache.set(WORKER_SEEN_KEY, {"at": timezone.now().isoformat(), "token": token}, timeout=None)
    return token
