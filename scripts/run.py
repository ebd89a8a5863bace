"""`make run`: gunicorn and, in the embedded mode, the Celery worker (with beat) beside it.

One instance is these processes together: they share the SQLite database, the cache file
and the broker folders in the data dir. SIGINT (Ctrl-C) or SIGTERM stops them all; when
one of them exits on its own the others are stopped too and the exit status is passed on,
so a supervisor above (systemd, a container runtime) sees the instance as down.

The worker runs when there is no REDIS_URL (or when PLEROMA_EMBEDDED_WORKER=true); with
Redis, `make worker` runs it on its own host instead. Before the worker starts, messages a
killed worker held are put back on their queues (core.broker.requeue_taken).

    python scripts/run.py --bind 127.0.0.1:8000 --workers 2
"""

from __future__ import annotations

import argparse
import ctypes
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUEUES = "default,imports,backups,emoji,mail"
STOP_SECONDS = 30
PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """Children get SIGTERM if this supervisor dies without stopping them (Linux)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass


def _settings():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pleroma_py.settings")
    from django.conf import settings

    return settings


def commands(args: argparse.Namespace) -> dict[str, list[str]]:
    """{name: argv} of the processes of this instance."""
    settings = _settings()
    python = sys.executable
    children = {"web": [python, "-m", "gunicorn", "pleroma_py.wsgi:application", "--bind", args.bind,
                        "--workers", str(args.workers), "--access-logfile", "-", "--timeout", "60"]}
    run_worker = os.environ.get("PLEROMA_EMBEDDED_WORKER", "").lower()
    if run_worker in ("1", "true", "yes") or (not run_worker and not settings.REDIS_URL):
        from core import broker

        if not settings.REDIS_URL:
            broker.requeue_taken(settings.BROKER_DIR)
        children["worker"] = [
            python, "-m", "celery", "-A", "pleroma_py", "worker", "-B", "-Q", QUEUES,
            "--concurrency", str(args.worker_concurrency), "-l", "info",
            "-s", str(settings.DATA_DIR / "celerybeat-schedule"), "--without-gossip", "--without-mingle"]
    return children


def stop(processes: dict[str, subprocess.Popen]) -> None:
    """SIGTERM each child (a warm shutdown for the worker: running tasks finish, held
    messages go back to the broker), then end whatever is left in its process group
    (pool processes and beat of a worker that was killed)."""
    for process in processes.values():
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_SECONDS
    for process in processes.values():
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    for process in processes.values():
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def supervise(children: dict[str, list[str]]) -> int:
    stopping: list[int] = []

    def on_signal(signum, _frame):
        stopping.append(signum)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    # Own process groups: Ctrl-C reaches only this script, which stops the children in order.
    processes = {name: subprocess.Popen(argv, cwd=ROOT, process_group=0, preexec_fn=_die_with_parent)
                 for name, argv in children.items()}
    status = 0
    try:
        while not stopping:
            ended = [(name, p.returncode) for name, p in processes.items() if p.poll() is not None]
            if ended:
                name, status = ended[0]
                print(f"run.py: {name} exited with {status}; stopping the others", file=sys.stderr, flush=True)
                status = status if status and status > 0 else 1
                break
            time.sleep(0.2)
    finally:
        stop(processes)
    return status


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bind", default=f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))
    parser.add_argument("--worker-concurrency", type=int,
                        default=int(os.environ.get("WORKER_CONCURRENCY", "2")))
    return supervise(commands(parser.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
