"""Soak test: mixed reads and writes at a fixed concurrency for a bounded time.

    .venv/bin/python bench/soak.py --keep /tmp/bench/s1m --duration 300 --connections 32

Serves the benchmark database (a `bench/run.py --keep DIR` services dir; a fresh one with
10,000 statuses is seeded when DIR is missing) with gunicorn (or granian) and runs
`--connections` client threads for `--duration` seconds (capped at 30 minutes). Each
thread logs in as its own user and loops over a weighted mix: home, public and account
timelines, a thread's context, notifications, reactions, posting a status, favouriting
and reacting. Afterwards every status whose POST was acknowledged (200 with an id) is
looked up in the database. Exit status 0 only with no errors and no lost writes.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import (  # noqa: E402
    PY,
    free_port,
    in_process,
    read_env,
    server_command,
    sh,
    start_existing,
    wait_for,
)

MAX_DURATION = 1800
MIX = [  # (operation, weight)
    ("home", 25), ("public", 15), ("account", 10), ("context", 5), ("notifications", 10),
    ("reactions", 5), ("post", 15), ("favourite", 10), ("react", 5),
]
REACTIONS = ["👍", "❤️", "😂", "🎉"]

FIND_MISSING = r"""
import json, sys, django
django.setup()
from core import ids
from statuses.models import Status
wanted = json.load(open(sys.argv[1]))
found = set()
for start in range(0, len(wanted), 5000):
    chunk = [ids.decode(i) for i in wanted[start:start + 5000]]
    found |= {ids.encode(pk) for pk in Status.objects.filter(pk__in=chunk).values_list("pk", flat=True)}
print(json.dumps({"checked": len(wanted), "missing": sorted(set(wanted) - found)}))
"""


class Client(threading.Thread):
    """One simulated user: loops over the mix until the deadline."""

    def __init__(self, base: str, token: str, account_id: str, sample: list[str], deadline: float,
                 seed: int):
        super().__init__(daemon=True)
        self.base, self.account_id, self.sample, self.deadline = base, account_id, sample, deadline
        self.rng = random.Random(seed)
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors: Counter = Counter()
        self.acknowledged: list[str] = []
        self.unconfirmed = 0  # POSTs that failed or timed out (may or may not exist)

    def request(self, op: str, method: str, path: str, **kwargs):
        started = time.monotonic()
        try:
            response = self.session.request(method, self.base + path, timeout=30, **kwargs)
        except requests.RequestException as error:
            self.errors[f"{op}: {type(error).__name__}"] += 1
            return None
        self.latencies[op].append((time.monotonic() - started) * 1000)
        if response.status_code != 200:
            self.errors[f"{op}: HTTP {response.status_code}"] += 1
            return None
        return response

    def run(self) -> None:
        ops, weights = zip(*MIX, strict=True)
        n = 0
        while time.monotonic() < self.deadline:
            op = self.rng.choices(ops, weights)[0]
            sid = self.rng.choice(self.sample)
            n += 1
            if op == "home":
                self.request(op, "GET", "/api/v1/timelines/home")
            elif op == "public":
                self.request(op, "GET", "/api/v1/timelines/public")
            elif op == "account":
                self.request(op, "GET", f"/api/v1/accounts/{self.account_id}/statuses")
            elif op == "context":
                self.request(op, "GET", f"/api/v1/statuses/{sid}/context")
            elif op == "notifications":
                self.request(op, "GET", "/api/v1/notifications")
            elif op == "reactions":
                self.request(op, "GET", f"/api/v1/pleroma/statuses/{sid}/reactions")
            elif op == "post":
                reply = {"in_reply_to_id": sid} if n % 4 == 0 else {}
                response = self.request(op, "POST", "/api/v1/statuses",
                                        json={"status": f"soak {self.name} {n}", **reply})
                if response is not None:
                    self.acknowledged.append(response.json()["id"])
                else:
                    self.unconfirmed += 1
            elif op == "favourite":
                self.request(op, "POST", f"/api/v1/statuses/{sid}/favourite")
            elif op == "react":
                self.request(op, "PUT", f"/api/v1/pleroma/statuses/{sid}/reactions/"
                             f"{self.rng.choice(REACTIONS)}")


def login(base: str, username: str) -> str:
    response = requests.post(f"{base}/oauth/token", json={
        "grant_type": "password", "client_id": "bench", "client_secret": "bench",
        "username": username, "password": "bench", "scope": "read write follow"}, timeout=30)
    response.raise_for_status()
    return response.json()["access_token"]


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--keep", help="benchmark services dir (seeded with 10,000 statuses if missing)")
    parser.add_argument("--duration", type=int, default=300)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", 4)))
    parser.add_argument("--server", choices=["gunicorn", "granian"], default="gunicorn")
    parser.add_argument("--out", default="-")
    args = parser.parse_args()
    duration = min(args.duration, MAX_DURATION)

    services = args.keep or tempfile.mkdtemp(prefix="pleroma-soak.")
    if not Path(services, "seeded").exists():
        sh(PY, "bench/run.py", "--keep", services, "--statuses", "10000", "--seed-only")
    start_existing(services)
    env = {**os.environ, **read_env(services)}
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env.update(PLEROMA_URL=base, PLEROMA_DATA_DIR=f"{services}/data", DJANGO_DEBUG="false",
               PLEROMA_RATE_LIMIT_ENABLED="false", DJANGO_SETTINGS_MODULE="pleroma_py.settings")
    server = subprocess.Popen(server_command(args.server, port, args.workers), cwd=ROOT, env=env)
    try:
        wait_for(f"{base}/api/v1/instance")
        sample = [s["id"] for s in requests.get(f"{base}/api/v1/timelines/public?limit=40",
                                                timeout=30).json()]
        clients = []
        for i in range(args.connections):
            token = login(base, f"bench{i}")
            me = requests.get(f"{base}/api/v1/accounts/verify_credentials", timeout=30,
                              headers={"Authorization": f"Bearer {token}"}).json()["id"]
            clients.append(Client(base, token, me, sample, 0, seed=i))
        started = time.monotonic()
        for client in clients:
            client.deadline = started + duration
            client.start()
        for client in clients:
            client.join(duration + 60)
        elapsed = time.monotonic() - started
        alive = server.poll() is None
    finally:
        server.terminate()
        server.wait(10)

    latencies: dict[str, list[float]] = defaultdict(list)
    errors: Counter = Counter()
    acknowledged: list[str] = []
    unconfirmed = 0
    for client in clients:
        for op, values in client.latencies.items():
            latencies[op].extend(values)
        errors.update(client.errors)
        acknowledged.extend(client.acknowledged)
        unconfirmed += client.unconfirmed
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(acknowledged, f)
    check = in_process(env, FIND_MISSING, f.name)
    os.unlink(f.name)
    missing = check.get("missing", acknowledged)
    total = sum(len(v) for v in latencies.values()) + sum(errors.values())

    lines = [f"Soak: {args.connections} connections for {elapsed:.0f}s against {args.server} "
             f"({args.workers} workers); {total} requests ({total / elapsed:.0f}/s).", "",
             "| operation | requests | p50 ms | p99 ms | max ms |", "| --- | --- | --- | --- | --- |"]
    for op, _ in MIX:
        values = latencies.get(op, [])
        lines.append(f"| {op} | {len(values)} | {statistics.median(values) if values else 0:.0f} | "
                     f"{percentile(values, 0.99):.0f} | {max(values, default=0):.0f} |")
    lines += ["", f"Errors: {sum(errors.values())}" + (f" ({dict(errors)})" if errors else ""),
              f"Acknowledged posts: {len(acknowledged)}; missing afterwards: {len(missing)}; "
              f"unacknowledged attempts: {unconfirmed}.",
              f"Server still running at the end: {'yes' if alive else 'NO'}."]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out != "-":
        Path(args.out).write_text(text)
    return 0 if not errors and not missing and alive else 1


if __name__ == "__main__":
    sys.exit(main())
