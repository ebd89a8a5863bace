"""Load benchmark: seeds PostgreSQL, serves with gunicorn, drives it with wrk.

    .venv/bin/python bench/run.py --statuses 1000000 --duration 10 --out docs/bench-results.md

Starts its own PostgreSQL and Redis (scripts/services.sh), so it needs nothing running.
For each endpoint and each connection count it reports requests/s, p50 and p99 latency,
SQL queries per request (measured in-process with Django's query capture), and the ratio
to the matching ceiling view served by the same gunicorn (bench/views.py).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sh(*args, env=None, check=True, capture=False):
    return subprocess.run(args, cwd=ROOT, env=env, check=check, text=True,
                          capture_output=capture)


def wait_for(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"server at {url} did not come up")


def post(url: str, data: dict, token: str | None = None) -> dict:
    body = json.dumps(data).encode()
    request = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    return json.loads(urllib.request.urlopen(request, timeout=30).read())


def get(url: str, token: str | None = None):
    request = urllib.request.Request(url)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    return json.loads(urllib.request.urlopen(request, timeout=30).read())


LAT = re.compile(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.M)
RPS = re.compile(r"Requests/sec:\s+([\d.]+)")
ERR = re.compile(r"Non-2xx or 3xx responses: (\d+)|Socket errors: (.*)")


def to_ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def run_wrk(url: str, connections: int, duration: int, token: str | None, method: str = "GET",
            body: str | None = None) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(f'wrk.method = "{method}"\n')
        if token:
            script.write(f'wrk.headers["Authorization"] = "Bearer {token}"\n')
        if body:
            script.write('wrk.headers["Content-Type"] = "application/json"\n')
            script.write(f"wrk.body = {json.dumps(body)}\n")
    threads = min(connections, 2)
    out = sh("wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", "-s",
             script.name, url, capture=True).stdout
    os.unlink(script.name)
    lat = {m.group(1): to_ms(m.group(2), m.group(3)) for m in LAT.finditer(out)}
    errors = sum(int(m.group(1)) for m in ERR.finditer(out) if m.group(1))
    return {"rps": float(RPS.search(out).group(1)), "p50": lat.get("50"), "p99": lat.get("99"),
            "errors": errors}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--statuses", type=int, default=10_000)
    parser.add_argument("--follows", type=int, default=100)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", default="1,8,32")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", 4)))
    parser.add_argument("--server", choices=["gunicorn", "granian"], default="gunicorn")
    parser.add_argument("--keep", help="reuse a services dir from an earlier run (skips seeding)")
    parser.add_argument("--out", default="-")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sh("bash", "-c", "apt-get install -y -qq wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk >/dev/null)")

    services = args.keep or tempfile.mkdtemp(prefix="pleroma-bench.")
    if not args.keep:
        sh("scripts/services.sh", "start", services)
    env = dict(os.environ)
    for line in Path(services, "env").read_text().splitlines():
        key, _, value = line.removeprefix("export ").partition("=")
        env[key] = value
    port = free_port()
    env.update(PLEROMA_URL=f"http://127.0.0.1:{port}", PLEROMA_DATA_DIR=f"{services}/data",
               PLEROMA_RATE_LIMIT_ENABLED="false", PLEROMA_BENCH_ENDPOINTS="true",
               DJANGO_SETTINGS_MODULE="pleroma_py.settings")
    if not args.keep:
        sh(PY, "manage.py", "migrate", "-v0", env=env)
        sh(PY, "manage.py", "bench_seed", "--users", str(args.users), "--statuses", str(args.statuses),
           "--follows", str(args.follows), env=env)
    if args.server == "gunicorn":
        cmd = [str(ROOT / ".venv/bin/gunicorn"), "pleroma_py.wsgi:application", "--bind",
               f"127.0.0.1:{port}", "--workers", str(args.workers), "--log-level", "warning"]
    else:
        cmd = [str(ROOT / ".venv/bin/granian"), "--interface", "wsgi", "--host", "127.0.0.1",
               "--port", str(port), "--workers", str(args.workers), "pleroma_py.wsgi:application"]
    server = subprocess.Popen(cmd, cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{base}/api/v1/instance")
        token = post(f"{base}/oauth/token", {"grant_type": "password", "client_id": "bench",
                                             "client_secret": "bench", "username": "bench0",
                                             "password": "bench", "scope": "read write follow"})["access_token"]
        timeline = get(f"{base}/api/v1/timelines/public?limit=20", token)
        sid = timeline[len(timeline) // 2]["id"] if timeline else "0"
        me = get(f"{base}/api/v1/accounts/verify_credentials", token)["id"]
        endpoints = [
            ("home timeline", "/api/v1/timelines/home", True, "auth"),
            ("public timeline", "/api/v1/timelines/public", False, "public"),
            ("account statuses", f"/api/v1/accounts/{me}/statuses", True, "auth"),
            ("status context", f"/api/v1/statuses/{sid}/context", True, "auth"),
            ("notifications", "/api/v1/notifications", True, "auth"),
            ("reactions", f"/api/v1/pleroma/statuses/{sid}/reactions", True, "auth"),
            ("emoji", "/api/v1/pleroma/emoji", False, "public"),
            ("post status", "/api/v1/statuses", True, "auth"),
            ("ceiling: plain Django", "/bench/ceiling/plain", False, None),
            ("ceiling: DRF public", "/bench/ceiling/public", False, None),
            ("ceiling: DRF + token", "/bench/ceiling/auth", True, None),
        ]
        queries = count_queries(env, endpoints, token)
        results = []
        for name, path, auth, ceiling in endpoints:
            for conns in [int(c) for c in args.connections.split(",")]:
                method, body = ("POST", json.dumps({"status": "bench post"})) if name == "post status" else ("GET", None)
                r = run_wrk(base + path, conns, args.duration, token if auth else None, method, body)
                results.append({"endpoint": name, "path": path, "connections": conns,
                                "queries": queries.get(path), "ceiling": ceiling, **r})
                print(f"{name:24} c={conns:<3} {r['rps']:8.1f} req/s  p50 {r['p50']}ms  p99 {r['p99']}ms  "
                      f"errors {r['errors']}  queries {queries.get(path)}", flush=True)
        report(results, args)
    finally:
        server.terminate()
        server.wait(10)
        if not args.keep:
            sh("scripts/services.sh", "stop", services, check=False)


def count_queries(env: dict, endpoints: list, token: str) -> dict:
    """SQL queries per request, measured in-process against the same database."""
    code = r"""
import json, os, sys
import django
django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
token, endpoints = sys.argv[1], json.loads(sys.argv[2])
client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
out = {}
for path, method in endpoints:
    client.get(path) if method == "GET" else None
    with CaptureQueriesContext(connection) as ctx:
        if method == "GET":
            client.get(path)
        else:
            client.post(path, {"status": "count"}, content_type="application/json")
    out[path] = len(ctx.captured_queries)
print(json.dumps(out))
"""
    pairs = [(p, "POST" if n == "post status" else "GET") for n, p, _, _ in endpoints]
    env = {**env, "ALLOWED_HOSTS": "*"}
    done = sh(PY, "-c", code, token, json.dumps(pairs), env=env, capture=True, check=False)
    try:
        return json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        print(done.stderr, file=sys.stderr)
        return {}


def report(results: list, args) -> None:
    ceilings = {(r["endpoint"], r["connections"]): r["rps"] for r in results if r["endpoint"].startswith("ceiling")}
    lines = [f"Seed: {args.users} users, {args.statuses} statuses, {args.follows} follows each; "
             f"{args.server} with {args.workers} workers; wrk {args.duration}s per cell.", "",
             "| endpoint | conns | req/s | p50 ms | p99 ms | errors | SQL/request | vs ceiling |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in results:
        ceiling_name = {"auth": "ceiling: DRF + token", "public": "ceiling: DRF public"}.get(r["ceiling"])
        ratio = ""
        if ceiling_name and ceilings.get((ceiling_name, r["connections"])):
            ratio = f"{r['rps'] / ceilings[(ceiling_name, r['connections'])]:.0%}"
        lines.append(f"| {r['endpoint']} | {r['connections']} | {r['rps']:.0f} | {r['p50']} | {r['p99']} | "
                     f"{r['errors']} | {r['queries']} | {ratio} |")
    text = "\n".join(lines) + "\n"
    if args.out == "-":
        print(text)
    else:
        Path(args.out).write_text(text)


if __name__ == "__main__":
    main()
