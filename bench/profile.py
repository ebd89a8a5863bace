"""Profile one endpoint in-process with pyinstrument against a kept benchmark database.

    .venv/bin/python bench/profile.py --keep /tmp/bench/s1m /api/v1/timelines/home -n 50

Uses the services dir that `bench/run.py --keep DIR` seeded, logs in as bench0, issues the
request `-n` times through Django's test client (after one warm-up) and prints
pyinstrument's call tree (or, with --time, the p50 and mean wall time of the requests), plus the SQL each request ran with --sql (and EXPLAIN ANALYZE of
each statement with --explain).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("--keep", required=True, help="services dir seeded by bench/run.py --keep")
    parser.add_argument("-n", type=int, default=30)
    parser.add_argument("--anonymous", action="store_true")
    parser.add_argument("--sql", action="store_true", help="print the SQL of one request")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE each statement")
    parser.add_argument("--time", action="store_true", help="time -n requests (p50, mean), no profile")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT / "bench"))
    from run import read_env, start_existing

    start_existing(args.keep)
    os.environ.update(read_env(args.keep))
    os.environ.update(DJANGO_SETTINGS_MODULE="pleroma_py.settings", ALLOWED_HOSTS="*", PLEROMA_BENCH_ENDPOINTS="true",
                      PLEROMA_RATE_LIMIT_ENABLED="false", PLEROMA_DATA_DIR=f"{args.keep}/data")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from pyinstrument import Profiler

    from accounts.models import App, User
    from accounts.services import issue_token

    client = Client()
    if not args.anonymous:
        token, _ = issue_token(App.objects.get(client_id="bench"), User.objects.get(nickname="bench0"),
                               ["read", "write", "follow"])
        client = Client(HTTP_AUTHORIZATION=f"Bearer {token.token}")
    response = client.get(args.path)
    assert response.status_code == 200, (response.status_code, response.content[:300])
    with CaptureQueriesContext(connection) as ctx:
        client.get(args.path)
    print(f"{len(ctx.captured_queries)} queries, {len(response.content)} bytes")
    if args.sql or args.explain:
        for query in ctx.captured_queries:
            print(f"-- {query['time']}s\n{query['sql']}\n")
            if args.explain and query["sql"].lstrip().upper().startswith("SELECT"):
                with connection.cursor() as cursor:
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                    print("\n".join(row[0] for row in cursor.fetchall()), "\n")
    if args.time:
        import statistics
        import time

        walls = []
        for _ in range(args.n):
            started = time.perf_counter()
            client.get(args.path)
            walls.append((time.perf_counter() - started) * 1000)
        print(f"{args.path}: p50 {statistics.median(walls):.1f} ms, mean {statistics.mean(walls):.1f} ms "
              f"over {args.n} requests (in-process, database included)")
        return
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(args.n):
        client.get(args.path)
    profiler.stop()
    print(profiler.output_text(unicode=True, color=False, show_all=False))


if __name__ == "__main__":
    main()
