"""Federation benchmark: what posting costs when the author has remote followers, and how
fast one worker process delivers.

    .venv/bin/python bench/federation.py [--followers 100,1000,10000] [--per-server 10]
                                         [--deliveries 300]

Starts its own PostgreSQL and Redis (scripts/services.sh). For each follower count, an
author with that many remote followers (`--per-server` of them on each server, so
followers / per-server shared inboxes) posts through statuses.services.create_status:
the figure is the median time and the SQL queries of that call with PLEROMA_FEDERATING off
and on (on, it also writes the Create and one Delivery row per shared inbox in the same
transaction: the difference is the request's share of federation). Then `--deliveries` pending deliveries to a local HTTP receiver (answering
202) are sent one after the other by federation.delivery.attempt in this process: the
figure is deliveries per second per worker process (JSON serialisation, RSA-SHA256
signature, HTTP POST on loopback, the row's updates).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import PY, read_env, sh  # noqa: E402


def receiver() -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(202)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def measure(args) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from federation import delivery, keys
    from federation.models import Delivery
    from relationships.models import Follow
    from statuses.services import create_status

    print("| remote followers | their servers | not federating: ms / queries | federating: ms / queries |"
          " delivery rows |")
    print("| --- | --- | --- | --- | --- |")
    for count in [int(n) for n in args.followers.split(",")]:
        author = User.objects.create(nickname=f"author{count}", email=f"a{count}@example.com")
        keys.key_for_user(author)
        servers = max(count // args.per_server, 1)
        followers = User.objects.bulk_create([
            User(nickname=f"f{count}_{n}@s{n % servers}.example", domain=f"s{n % servers}.example",
                 remote_ap_id=f"https://s{n % servers}.example/users/f{count}_{n}",
                 inbox=f"https://s{n % servers}.example/users/f{count}_{n}/inbox",
                 shared_inbox=f"https://s{n % servers}.example/inbox")
            for n in range(count)], batch_size=2000)
        Follow.objects.bulk_create([Follow(follower=f, followed=author) for f in followers], batch_size=2000)
        runs: dict[bool, tuple[float, int]] = {}
        for federating in (False, True, False, True):
            settings.FEDERATING = federating
            times, queries = [], 0
            for n in range(5):
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    with transaction.atomic():
                        status = create_status(author, text=f"hello {n}")
                    times.append((time.perf_counter() - started) * 1000)
                queries = len(captured)
            runs[federating] = (statistics.median(times), queries)  # the second round of each
        rows = Delivery.objects.filter(activity__payload__object__id=status.uri).count()
        (off, off_queries), (on, on_queries) = runs[False], runs[True]
        print(f"| {count} | {servers} | {off:.1f} / {off_queries} | {on:.1f} / {on_queries} | {rows} |")

    peer = receiver()
    inbox = f"http://127.0.0.1:{peer.server_address[1]}/inbox"
    author = User.objects.create(nickname="sender", email="sender@example.com")
    keys.key_for_user(author)
    activity = delivery.enqueue(author, {"id": f"{author.ap_id}#bench", "type": "Create", "actor": author.ap_id,
                                         "object": {"type": "Note", "content": "x" * 500}},
                                [f"{inbox}/{n}" for n in range(args.deliveries)])
    pks = [str(pk) for pk in activity.deliveries.values_list("pk", flat=True)]
    from core import http as outbound
    from federation import client, signatures

    started = time.perf_counter()
    for _ in range(20):
        outbound.post(inbox, b"{}", headers={"Content-Type": "application/activity+json"})
    bare = (time.perf_counter() - started) / 20 * 1000
    started = time.perf_counter()
    for _ in range(20):
        signatures.sign_headers("POST", inbox, key_id="k", private_key_pem=keys.key_for_user(author).private_key_pem,
                                body=b"{}")
    signing = (time.perf_counter() - started) / 20 * 1000
    started = time.perf_counter()
    for _ in range(20):
        client.signed_post(inbox, activity.payload, author)
    signed = (time.perf_counter() - started) / 20 * 1000
    print(f"unsigned POST {bare:.1f} ms, signature {signing:.1f} ms, signed POST {signed:.1f} ms")
    started = time.perf_counter()
    for pk in pks:
        delivery.attempt(pk)
    elapsed = time.perf_counter() - started
    done = Delivery.objects.filter(activity=activity, state="done").count()
    print()
    print(f"Deliveries: {done}/{len(pks)} done in {elapsed:.2f} s by one process: "
          f"{len(pks) / elapsed:.0f}/s, {elapsed / len(pks) * 1000:.1f} ms each")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--followers", default="100,1000,10000")
    parser.add_argument("--per-server", type=int, default=10)
    parser.add_argument("--deliveries", type=int, default=300)
    parser.add_argument("--inside", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inside:
        measure(args)
        return
    services = tempfile.mkdtemp(prefix="pleroma-bench-fed.")
    sh("scripts/services.sh", "start", services)
    try:
        env = {**os.environ, **read_env(services), "PLEROMA_DATA_DIR": f"{services}/data",
               "PLEROMA_URL": "http://127.0.0.1:8000", "PLEROMA_ALLOW_PRIVATE_NETWORKS": "true",
               "DJANGO_SETTINGS_MODULE": "pleroma_py.settings", "DJANGO_DEBUG": "false",
               "CELERY_TASK_ALWAYS_EAGER": "false"}
        sh(PY, "manage.py", "migrate", "-v0", env=env)
        # The worker is not running: deliver.delay only queues messages in Redis.
        subprocess.run([PY, __file__, "--inside", "--followers", args.followers, "--per-server",
                        str(args.per_server), "--deliveries", str(args.deliveries)], cwd=ROOT, env=env,
                       check=True)
    finally:
        sh("scripts/services.sh", "stop", services, check=False)


if __name__ == "__main__":
    main()
