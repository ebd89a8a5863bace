"""Status edits in-process: the cost of PUT /api/v1/statuses/:id and of the history.

    .venv/bin/python bench/edits.py --versions 1,10,50 -n 30

Starts its own PostgreSQL and Redis (scripts/services.sh), migrates an empty database,
posts a status with a mention and a hashtag (20 accounts reblogged others of the author's), edits it until it has each
of `--versions` versions, and for each reports the p50 and mean wall time of `-n` edits and
of `-n` history reads (Django's test client): p50 wall time, mean CPU time of the process,
and the SQL queries each ran. The reads follow edits closely, so the status's render cache
entry is still tombstoned (core.render_cache) and each read renders it from the database:
the worst case. `BENCH_PROFILE=1` prints a pyinstrument profile of one edit first,
`BENCH_SQL=1` the statements of one history read. Figures go into docs/performance.md by hand.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def timed(call, n: int) -> tuple[float, float]:
    """(p50 wall time, mean CPU time of this process) of `n` calls, in ms: the CPU time
    leaves out the database's share and is steadier on a shared machine."""
    samples, cpu = [], []
    for _ in range(n):
        started, started_cpu = time.perf_counter(), time.process_time()
        call()
        samples.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return statistics.median(samples), statistics.fmean(cpu)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--versions", default="1,10,50")
    parser.add_argument("-n", type=int, default=30)
    args = parser.parse_args()
    wanted = sorted(int(v) for v in args.versions.split(","))

    directory = tempfile.mkdtemp(prefix="pleroma-bench-edits.")
    subprocess.run([str(ROOT / "scripts" / "services.sh"), "start", directory], check=True)
    try:
        sys.path.insert(0, str(ROOT / "bench"))
        from run import read_env

        os.environ.update(read_env(directory))
        os.environ.update(DJANGO_SETTINGS_MODULE="pleroma_py.settings", ALLOWED_HOSTS="*",
                          PLEROMA_RATE_LIMIT_ENABLED="false", PLEROMA_DATA_DIR=f"{directory}/data")
        run(wanted, args.n)
    finally:
        subprocess.run([str(ROOT / "scripts" / "services.sh"), "stop", directory], check=False)


def run(wanted: list[int], n: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.core.signals import request_started
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from accounts.services import issue_token
    from core import ids
    from statuses import services
    from statuses.models import StatusEdit
    from tests.factories import AppFactory, UserFactory

    request_started.disconnect(reset_queries)  # count the queries of one request, not the last
    call_command("migrate", verbosity=0)
    author, friend = UserFactory(nickname="author"), UserFactory(nickname="friend")
    for i in range(20):  # accounts that reblogged: each edit tells them
        services.reblog(UserFactory(nickname=f"fan{i}"), services.create_status(author, text="warm"))
    token, _ = issue_token(AppFactory(), User.objects.get(pk=author.pk), ["read", "write"])
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token.token}")
    status = services.create_status(author, text=f"hello @{friend.nickname} #bench")
    url = f"/api/v1/statuses/{ids.encode(status.pk)}"
    counter = iter(range(10**9))

    def edit():
        response = client.put(url, {"status": f"edit {next(counter)} @{friend.nickname} #bench"},
                              content_type="application/json")
        assert response.status_code == 200, response.content[:300]

    def history():
        response = client.get(f"{url}/history")
        assert response.status_code == 200, response.content[:300]

    if os.environ.get("BENCH_PROFILE"):
        from pyinstrument import Profiler

        edit()
        profiler = Profiler()
        profiler.start()
        edit()
        profiler.stop()
        print(profiler.output_text(unicode=False, color=False))
    print("| versions | PUT p50 ms | PUT CPU ms | PUT queries | history p50 ms | history CPU ms | history queries |")
    print("|---|---|---|---|---|---|---|")
    for versions in wanted:
        while StatusEdit.objects.filter(status=status).count() + 1 < versions:
            edit()
        history()  # warm the rendered entry
        with CaptureQueriesContext(connection) as read:
            history()
        read_queries = len(read.captured_queries)
        if os.environ.get("BENCH_SQL"):
            print("\n".join(str(q["sql"])[:160] for q in read.captured_queries))
        history_p50, history_mean = timed(history, n)
        with CaptureQueriesContext(connection) as wrote:
            edit()
        write_queries = len(wrote.captured_queries)
        put_p50, put_mean = timed(edit, n)
        # the history grew by n + 1 while timing the edits: trim back for the next row
        extra = list(StatusEdit.objects.filter(status=status).order_by("-id").values_list("pk", flat=True)[:n + 1])
        StatusEdit.objects.filter(pk__in=extra).delete()
        print(f"| {versions} | {put_p50:.1f} | {put_mean:.1f} | {write_queries} "
              f"| {history_p50:.1f} | {history_mean:.1f} | {read_queries} |")


if __name__ == "__main__":
    main()
