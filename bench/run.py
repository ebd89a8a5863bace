"""Load benchmark: seeds PostgreSQL, serves with gunicorn (or granian), drives it with wrk.

    .venv/bin/python bench/run.py --statuses 1000000 --duration 10 --out docs/bench-results.md

Starts its own PostgreSQL and Redis (scripts/services.sh), so it needs nothing running;
`--keep DIR` keeps them (and the seeded data) in DIR for the next run, which then skips
seeding. For each endpoint and each connection count it reports requests/s, p50 and p99
latency, SQL queries per request (measured in-process with Django's query capture, at
page sizes 1 and 40 for lists), the application's CPU time per request (in-process, the
database's share excluded: steadier than wall time on a shared machine), and the ratio to
the matching ceiling view served by the same server with the same settings (bench/views.py).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
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
    return subprocess.run(args, cwd=ROOT, env=env, check=check, text=True, capture_output=capture)


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


def read_env(services: str) -> dict:
    env = {}
    for line in Path(services, "env").read_text().splitlines():
        key, _, value = line.removeprefix("export ").partition("=")
        env[key] = value
    return env


def as_pg(*args) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.getuid() == 0 else list(args)


def start_existing(services: str) -> None:
    """Start the PostgreSQL and Redis of a kept services dir if they are not running."""
    env = read_env(services)
    pg_ctl = f"{env['PG_BIN']}/pg_ctl"
    if subprocess.run(as_pg(pg_ctl, "-D", env["PG_DATA"], "status"), capture_output=True).returncode:
        subprocess.run(as_pg(pg_ctl, "-D", env["PG_DATA"], "-l", f"{services}/pg.log", "-w", "-o",
                             f"-p {env['PG_PORT']} -k {services} -c listen_addresses=127.0.0.1 "
                             "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                             "-c max_connections=200", "start"), check=True, capture_output=True)
    redis_port = env["REDIS_URL"].rsplit(":", 1)[1].split("/")[0]
    if subprocess.run(["redis-cli", "-p", redis_port, "ping"], capture_output=True).returncode:
        subprocess.run(["redis-server", "--port", redis_port, "--bind", "127.0.0.1", "--save", "",
                        "--appendonly", "no", "--daemonize", "yes", "--dir", services,
                        "--pidfile", f"{services}/redis.pid", "--logfile", f"{services}/redis.log"],
                       check=True)
        time.sleep(0.5)


LAT = re.compile(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.M)
RPS = re.compile(r"Requests/sec:\s+([\d.]+)")
NON2XX = re.compile(r"Non-2xx or 3xx responses: (\d+)")
SOCKET = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")


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
    out = sh("wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "10s",
             "--latency", "-s", script.name, url, capture=True).stdout
    os.unlink(script.name)
    lat = {m.group(1): to_ms(m.group(2), m.group(3)) for m in LAT.finditer(out)}
    errors = sum(int(m.group(1)) for m in NON2XX.finditer(out))
    errors += sum(sum(int(g) for g in m.groups()) for m in SOCKET.finditer(out))
    return {"rps": float(RPS.search(out).group(1)), "p50": lat.get("50"), "p99": lat.get("99"),
            "errors": errors}


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem_kb = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal")))
    pg = sh("bash", "-c", "ls -d /usr/lib/postgresql/*/bin | tail -1", capture=True).stdout.strip()
    return (f"{os.cpu_count()} CPUs ({cpu}), {mem_kb / 1048576:.0f} GiB RAM, {platform.system()} "
            f"{platform.release()}, Python {platform.python_version()}, PostgreSQL "
            f"{pg.split('/')[-2] if pg else '?'}")


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


PICK_IDS = r"""
import json, django
django.setup()
from core import ids
from statuses.models import EmojiReaction, Status
from accounts.models import User
me = User.objects.get(nickname="bench0")
# A thread with replies (for /context) and a status with several reactions.
threaded = (Status.objects.filter(visibility="public", replies_count__gt=2, reblog_of__isnull=True)
            .order_by("-id").values_list("pk", flat=True).first())
reacted = (EmojiReaction.objects.order_by("-id").values_list("status_id", flat=True).first())
print(json.dumps({"me": ids.encode(me.pk), "thread": ids.encode(threaded) if threaded else "0",
                  "reacted": ids.encode(reacted) if reacted else "0"}))
"""

COUNT_QUERIES = r"""
import json, sys, time
import django
django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
token, endpoints = sys.argv[1], json.loads(sys.argv[2])
out = {}
for path, method, is_list, auth in endpoints:
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}") if auth else Client()
    counts = []
    for limit in ((1, 40) if is_list else (None,)):
        url = f"{path}?limit={limit}" if limit else path
        if method == "GET":
            client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            if method == "GET":
                response = client.get(url)
            else:
                response = client.post(path, {"status": "count"}, content_type="application/json")
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        counts.append(len(ctx.captured_queries))
    cpu = time.process_time()
    for _ in range(20):
        if method == "GET":
            client.get(path)
    cpu_ms = (time.process_time() - cpu) / 20 * 1000 if method == "GET" else None
    out[path] = ["/".join(str(c) for c in counts), cpu_ms]
print(json.dumps(out))
"""


def in_process(env: dict, code: str, *args: str) -> dict:
    done = sh(PY, "-c", code, *args, env={**env, "ALLOWED_HOSTS": "*"}, capture=True, check=False)
    try:
        return json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        print(done.stderr, file=sys.stderr)
        return {}


def server_command(server: str, port: int, workers: int) -> list[str]:
    if server == "gunicorn":
        return [str(ROOT / ".venv/bin/gunicorn"), "pleroma_py.wsgi:application", "--bind",
                f"127.0.0.1:{port}", "--workers", str(workers), "--log-level", "warning",
                "--backlog", "2048"]
    return [str(ROOT / ".venv/bin/granian"), "--interface", "wsgi", "--host", "127.0.0.1",
            "--port", str(port), "--workers", str(workers), "--log-level", "warning",
            "--blocking-threads", "1", "--backlog", "2048", "pleroma_py.wsgi:application"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--statuses", type=int, default=10_000)
    parser.add_argument("--follows", type=int, default=100)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", default="1,8,32")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", 4)))
    parser.add_argument("--server", choices=["gunicorn", "granian"], default="gunicorn")
    parser.add_argument("--only", help="comma-separated endpoint names (substring match)")
    parser.add_argument("--keep", help="services dir kept between runs: created and seeded when "
                        "missing, reused (no seeding) when it exists")
    parser.add_argument("--seed-only", action="store_true", help="seed (with --keep) and stop")
    parser.add_argument("--out", default="-")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sh("bash", "-c", "apt-get install -y -qq wrk >/dev/null || "
           "(apt-get update -qq && apt-get install -y -qq wrk >/dev/null)")

    services = args.keep or tempfile.mkdtemp(prefix="pleroma-bench.")
    seeded = bool(args.keep) and Path(services, "seeded").exists()
    if seeded:
        start_existing(services)
    else:
        sh("scripts/services.sh", "stop", services, check=False)  # a half-seeded leftover
        sh("scripts/services.sh", "start", services)
    env = {**os.environ, **read_env(services)}
    port = free_port()
    env.update(PLEROMA_URL=f"http://127.0.0.1:{port}", PLEROMA_DATA_DIR=f"{services}/data",
               PLEROMA_RATE_LIMIT_ENABLED="false", PLEROMA_BENCH_ENDPOINTS="true",
               DJANGO_SETTINGS_MODULE="pleroma_py.settings", DJANGO_DEBUG="false")
    sh(PY, "manage.py", "migrate", "-v0", env=env)
    if not seeded:
        started = time.monotonic()
        sh(PY, "manage.py", "bench_seed", "--users", str(args.users), "--statuses", str(args.statuses),
           "--follows", str(args.follows), env=env)
        print(f"seeded in {time.monotonic() - started:.0f}s", flush=True)
        Path(services, "seeded").write_text(f"{args.users} {args.statuses} {args.follows}\n")
    if args.seed_only:
        return
    statuses = in_process(env, "import django; django.setup(); from statuses.models import Status; "
                          "import json; print(json.dumps({'n': Status.objects.count()}))")["n"]
    server = subprocess.Popen(server_command(args.server, port, args.workers), cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{base}/api/v1/instance")
        token = post(f"{base}/oauth/token", {"grant_type": "password", "client_id": "bench",
                                             "client_secret": "bench", "username": "bench0",
                                             "password": "bench", "scope": "read write follow"})["access_token"]
        picked = in_process(env, PICK_IDS)
        # (name, path, authenticated, ceiling, is a list)
        endpoints = [
            ("home timeline", "/api/v1/timelines/home", True, "auth", True),
            ("public timeline", "/api/v1/timelines/public", False, "public", True),
            ("account statuses", f"/api/v1/accounts/{picked['me']}/statuses", True, "auth", True),
            ("status context", f"/api/v1/statuses/{picked['thread']}/context", True, "auth", False),
            ("notifications", "/api/v1/notifications", True, "auth", True),
            ("reactions", f"/api/v1/pleroma/statuses/{picked['reacted']}/reactions", True, "auth", False),
            ("emoji", "/api/v1/pleroma/emoji", False, "public", False),
            ("post status", "/api/v1/statuses", True, "auth", False),
            ("ceiling: plain Django", "/bench/ceiling/plain", False, None, False),
            ("ceiling: DRF public", "/bench/ceiling/public", False, None, False),
            ("ceiling: DRF + token", "/bench/ceiling/auth", True, None, False),
        ]
        if args.only:
            wanted = args.only.split(",")
            endpoints = [e for e in endpoints if e[0].startswith("ceiling") or any(w in e[0] for w in wanted)]
        queries = in_process(env, COUNT_QUERIES, token, json.dumps(
            [(p, "POST" if n == "post status" else "GET", is_list, auth)
             for n, p, auth, _, is_list in endpoints]))
        load_before = load_average()
        ceilings = [e for e in endpoints if e[3] is None]
        measured = [e for e in endpoints if e[3] is not None]
        # The machine may be shared: measure the ceilings before and after the endpoints
        # and use the mean of the two passes.
        before = measure(ceilings, base, token, args, queries)
        results = measure(measured, base, token, args, queries)
        after = measure(ceilings, base, token, args, queries)
        for first, second in zip(before, after, strict=True):
            merged = dict(first)
            for key in ("rps", "p50", "p99"):
                merged[key] = (first[key] + second[key]) / 2
            merged["errors"] = first["errors"] + second["errors"]
            merged["passes"] = (first["rps"], second["rps"])
            results.append(merged)
        report(results, args, statuses, load_before, load_average())
    finally:
        server.terminate()
        server.wait(10)
        if not args.keep:
            sh("scripts/services.sh", "stop", services, check=False)


def measure(endpoints: list, base: str, token: str, args, queries: dict) -> list:
    """wrk against each endpoint at each connection count."""
    results = []
    for name, path, auth, ceiling, _ in endpoints:
        for conns in [int(c) for c in args.connections.split(",")]:
            method, body = ("POST", json.dumps({"status": "bench post"})) if name == "post status" else ("GET", None)
            r = run_wrk(base + path, conns, args.duration, token if auth else None, method, body)
            count, cpu_ms = queries.get(path, (None, None))
            results.append({"endpoint": name, "path": path, "connections": conns, "queries": count,
                            "cpu_ms": cpu_ms, "ceiling": ceiling, **r})
            print(f"{name:24} c={conns:<3} {r['rps']:8.1f} req/s  p50 {r['p50']}ms  p99 {r['p99']}ms  "
                  f"errors {r['errors']}  queries {count}  app CPU {cpu_ms} ms", flush=True)
    return results


def report(results: list, args, statuses: int, load_before: str, load_after: str) -> None:
    ceilings = {(r["endpoint"], r["connections"]): r["rps"] for r in results
                if r["endpoint"].startswith("ceiling")}
    lines = [f"Seed: {args.users} users, {statuses} statuses, {args.follows} follows each; "
             f"{args.server} with {args.workers} workers; wrk {args.duration}s per cell; ceilings "
             "measured before and after the endpoints (mean; both passes shown).",
             f"Machine: {machine()}. Load average before/after: {load_before} / {load_after}.", "",
             "| endpoint | conns | req/s | p50 ms | p99 ms | errors | SQL/request (limit 1/40) "
             "| app CPU ms/request | vs ceiling |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in results:
        ceiling_name = {"auth": "ceiling: DRF + token", "public": "ceiling: DRF public"}.get(r["ceiling"])
        ratio = ""
        if ceiling_name and ceilings.get((ceiling_name, r["connections"])):
            ratio = f"{r['rps'] / ceilings[(ceiling_name, r['connections'])]:.0%}"
        cpu = f"{r['cpu_ms']:.1f}" if r["cpu_ms"] is not None else ""
        if "passes" in r:
            ratio = "passes: " + " / ".join(f"{p:.0f}" for p in r["passes"])
        lines.append(f"| {r['endpoint']} | {r['connections']} | {r['rps']:.0f} | {r['p50']:.1f} | "
                     f"{r['p99']:.1f} | {r['errors']} | {r['queries']} | {cpu} | {ratio} |")
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out != "-":
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(text)


if __name__ == "__main__":
    main()
