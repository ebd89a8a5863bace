"""The healthcheck's numbers: database connections, memory, and the job queues.

`job_queue_stats` keeps Pleroma's three levels (pleroma-accounts.md 18): running totals
of processed jobs, per queue (with the messages waiting) and per task, counted in the
cache every process shares (Redis, or the embedded SQLite cache) by Celery signals
wherever tasks run.
"""

from __future__ import annotations

import os
import resource

from celery import signals
from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection

STATS_KEY = "instance:jobs"
QUEUES = ("default", "imports", "backups", "emoji", "mail")


def memory_used() -> float:
    """Resident memory of this process in MiB, two decimals."""
    try:
        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[1])
        return round(pages * os.sysconf("SC_PAGE_SIZE") / 1048576, 2)
    except (OSError, ValueError, IndexError):
        return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 2)


def database_stats() -> dict:
    """pool_size, active, idle for this database; raises DatabaseError when unreachable."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return {"pool_size": 1, "active": 0, "idle": 1}
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_connections")
        pool_size = int(cursor.fetchone()[0])
        # Our own query counts as one active connection, as in Pleroma's check.
        cursor.execute(
            "SELECT count(*) FILTER (WHERE state = 'active'), count(*) FILTER (WHERE state <> 'active') "
            "FROM pg_stat_activity WHERE datname = current_database()")
        active, idle = cursor.fetchone()
    return {"pool_size": pool_size, "active": active, "idle": idle}


def _incr(key: str) -> None:
    cache.add(key, 0, timeout=None)
    try:
        cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=None)


def count_job(queue: str, task: str, outcome: str) -> None:
    """Add one finished job (`outcome` success or failure) to the running totals."""
    for key in (f"{STATS_KEY}:processed", f"{STATS_KEY}:q:{queue}:{outcome}",
                f"{STATS_KEY}:w:{task}:{outcome}"):
        _incr(key)
    names = cache.get(f"{STATS_KEY}:names") or set()
    if (queue, task) not in names:
        cache.set(f"{STATS_KEY}:names", names | {(queue, task)}, timeout=None)


def _queue_of(task) -> str:
    info = getattr(task.request, "delivery_info", None) or {}
    return info.get("routing_key") or getattr(task, "queue", None) or settings.CELERY_TASK_DEFAULT_QUEUE


@signals.task_success.connect
def _on_success(sender=None, **_):
    count_job(_queue_of(sender), sender.name, "success")


@signals.task_failure.connect
def _on_failure(sender=None, **_):
    count_job(_queue_of(sender), sender.name, "failure")


def pending_messages() -> dict[str, int]:
    """Messages waiting in each queue of the broker (Redis, or the embedded broker's files)."""
    from kombu import Connection
    from kombu.exceptions import ChannelError

    options = {"socket_timeout": 2, "socket_connect_timeout": 2} if settings.REDIS_URL else {}
    sizes = {}
    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=2, transport_options={
                **settings.CELERY_BROKER_TRANSPORT_OPTIONS, **options}) as conn:
            channel = conn.default_channel
            for queue in QUEUES:
                try:
                    sizes[queue] = channel.queue_declare(queue=queue, passive=True).message_count
                except ChannelError:
                    sizes[queue] = 0
    except Exception:  # broker down: report what we know, the check itself must answer
        return {}
    return sizes


def job_queue_stats() -> dict:
    names = cache.get(f"{STATS_KEY}:names") or set()
    keys = [f"{STATS_KEY}:processed"]
    for queue, task in names:
        for outcome in ("success", "failure"):
            keys += [f"{STATS_KEY}:q:{queue}:{outcome}", f"{STATS_KEY}:w:{task}:{outcome}"]
    values = cache.get_many(keys)
    queues: dict[str, dict] = {}
    workers: dict[str, dict] = {}
    for queue, task in sorted(names):
        for target, name, prefix in ((queues, queue, "q"), (workers, task, "w")):
            success = values.get(f"{STATS_KEY}:{prefix}:{name}:success", 0)
            failure = values.get(f"{STATS_KEY}:{prefix}:{name}:failure", 0)
            target[name] = {"processed_jobs": success + failure, "success": success, "failure": failure}
    for queue, size in pending_messages().items():
        queues.setdefault(queue, {"processed_jobs": 0, "success": 0, "failure": 0})["pending"] = size
    return {"processed_jobs": values.get(f"{STATS_KEY}:processed", 0), "queues": queues,
            "workers": workers}


def healthcheck() -> tuple[bool, dict]:
    """(healthy, body): unhealthy when the database is unreachable or every connection is busy."""
    try:
        db = database_stats()
        healthy = db["active"] < db["pool_size"]
    except DatabaseError:
        db = {"pool_size": 0, "active": 0, "idle": 0}
        healthy = False
    return healthy, {**db, "memory_used": memory_used(), "healthy": healthy,
                     "job_queue_stats": job_queue_stats()}
