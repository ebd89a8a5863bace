"""Inbox benchmark: signed activities from simulated remote actors POSTed to a real server.

    .venv/bin/python bench/federation_inbox.py --out docs/bench-federation-inbox.md

Starts PostgreSQL, Redis, gunicorn (as bench/run.py does), a Celery worker on the inbox and
delivery queues and the simulated instances of bench/federation_peers.py, which serve the
remote actors' documents (so a cold key is a real signed HTTP fetch) and record the Accepts
sent back for Follows. Activities (Create{Note}, Like, Follow in turn) are signed before the
run, so the client spends no time signing, and sent over `--connections` keep-alive
connections; every request is verified by the server (signature, digest, the signer is the
actor) and stored. Phases, all in one run:

- ceilings: GET /bench/ceiling/plain, and an unsigned POST /inbox (refused before any
  cryptography): what this stack and this client reach at all;
- warm keys: actors whose keys the server already stored; the worker is stopped meanwhile,
  then started on the backlog: its processed-per-second, alone;
- cold keys: every activity from an actor the server has never seen (one actor fetch per
  request), with the worker running.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import statistics
import sys
import time
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.federation_stack import Stack, generate_pem_pair, run  # noqa: E402

PREPARE = r"""
import json, sys
from accounts.models import User
from federation import keys
alice = User.objects.create_user("alice", "alice@example.com", "bench-password")
keys.key_for_user(alice)
keys.instance_actor_key()
print(json.dumps({"ap_id": alice.ap_id}))
"""

# argv: spec file -> writes the signed requests next to it.
SIGN = r"""
import base64, json, sys
from pathlib import Path
import orjson
from django.conf import settings
from django.utils import timezone
from federation import signatures
spec = json.loads(Path(sys.argv[1]).read_text())
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
out = []
for actor, kind, n in spec["activities"]:
    if kind == "Create":
        activity = {"id": f"{actor}/activities/{n}", "type": "Create", "actor": actor, "to": [PUBLIC],
                    "cc": [f"{actor}/followers"],
                    "object": {"id": f"{actor}/notes/{n}", "type": "Note", "attributedTo": actor,
                               "content": f"<p>note {n} of a benchmark</p>", "to": [PUBLIC],
                               "cc": [f"{actor}/followers"], "published": timezone.now().isoformat()}}
    elif kind == "Like":
        activity = {"id": f"{actor}/likes/{n}", "type": "Like", "actor": actor,
                    "object": f"{spec['target']}/statuses/{n}"}
    else:
        activity = {"id": f"{actor}/follows/{n}", "type": "Follow", "actor": actor, "object": spec["target"]}
    activity["@context"] = "https://www.w3.org/ns/activitystreams"
    body = orjson.dumps(activity)
    headers = signatures.sign_headers("POST", f"{settings.PLEROMA_URL}/inbox", key_id=f"{actor}#main-key",
                                      private_key_pem=spec["private_pem"], body=body)
    headers["Content-Type"] = "application/activity+json"
    out.append({"headers": headers, "body": base64.b64encode(body).decode()})
Path(sys.argv[1] + ".signed").write_text(json.dumps(out))
print(json.dumps({"signed": len(out)}))
"""

PROCESSED = r"""
import json, sys
from django.db.models import Count, Max, Min
from federation.models import IncomingActivity
rows = IncomingActivity.objects.filter(ap_id__startswith=sys.argv[1])
summary = rows.aggregate(n=Count("id"), first=Min("received_at"), last=Max("processed_at"))
if len(sys.argv) > 2:  # the first processed after a moment (a worker started on a backlog)
    import datetime
    since = datetime.datetime.fromtimestamp(float(sys.argv[2]), datetime.UTC)
    summary["first_processed"] = rows.filter(processed_at__gte=since).aggregate(m=Min("processed_at"))["m"]
else:
    summary["first_processed"] = None
pending = rows.filter(state="pending").count()
states = dict(rows.values_list("state").annotate(c=Count("id")))
print(json.dumps({"n": summary["n"], "pending": pending, "states": states,
                  "first": summary["first"].timestamp() if summary["first"] else None,
                  "last": summary["last"].timestamp() if summary["last"] else None,
                  "first_processed": summary["first_processed"].timestamp() if summary["first_processed"] else None}))
"""


async def drive(url: str, requests: list[dict], connections: int, method: str = "POST") -> dict:
    """Send every request over `connections` keep-alive connections; latency of each."""
    queue: asyncio.Queue = asyncio.Queue()
    for request in requests:
        queue.put_nowait(request)
    latencies: list[float] = []
    statuses: dict[int, int] = {}

    async def worker(session: aiohttp.ClientSession) -> None:
        while not queue.empty():
            request = queue.get_nowait()
            started = time.perf_counter()
            async with session.request(method, url, data=request.get("data"), headers=request.get("headers")) as answer:
                await answer.read()
            latencies.append((time.perf_counter() - started) * 1000)
            statuses[answer.status] = statuses.get(answer.status, 0) + 1

    connector = aiohttp.TCPConnector(limit=connections, force_close=False)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=60),
                                     skip_auto_headers=("User-Agent",)) as session:
        started = time.perf_counter()
        await asyncio.gather(*(worker(session) for _ in range(connections)))
        elapsed = time.perf_counter() - started
    latencies.sort()
    return {"requests": len(latencies), "seconds": elapsed, "rps": len(latencies) / elapsed,
            "p50": statistics.quantiles(latencies, n=100)[49], "p99": statistics.quantiles(latencies, n=100)[98],
            "statuses": statuses}


def signed_requests(stack: Stack, activities: list, target: str, private_pem: str) -> list[dict]:
    spec = Path(stack.dir, f"spec-{time.monotonic_ns()}.json")
    spec.write_text(json.dumps({"activities": activities, "target": target, "private_pem": private_pem}))
    stack.python(SIGN, str(spec))
    signed = json.loads(Path(f"{spec}.signed").read_text())
    return [{"headers": s["headers"], "data": base64.b64decode(s["body"])} for s in signed]


def wait_processed(stack: Stack, prefix: str, expected: int, timeout: float = 600) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        done = stack.python(PROCESSED, prefix)
        if (done["n"] >= expected and done["pending"] == 0) or time.monotonic() > deadline:
            return done
        time.sleep(1)


def activities_of(actors: list[str], count: int, start: int = 0) -> list:
    kinds = ("Create", "Like", "Follow")
    return [(actors[i % len(actors)], kinds[i % 3], start + i) for i in range(count)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--actors", type=int, default=50, help="actors of the warm phase")
    parser.add_argument("--warm", type=int, default=3000, help="activities with warm keys")
    parser.add_argument("--cold", type=int, default=600, help="activities, each from a new actor")
    parser.add_argument("--ceiling", type=int, default=3000, help="requests per ceiling")
    parser.add_argument("--web-workers", type=int, default=4)
    parser.add_argument("--worker-concurrency", type=int, default=2)
    parser.add_argument("--out", default="-")
    args = parser.parse_args()

    public_pem, private_pem = generate_pem_pair()
    stack = Stack(web_workers=args.web_workers,
                  worker_args=["--pool", "prefork", "--concurrency", str(args.worker_concurrency)])
    results: list[tuple[str, dict]] = []
    try:
        stack.start_services()
        peer_port = stack.start_peers({"count": 1, "actor_key_pem": public_pem})[0]
        peer = f"http://127.0.0.1:{peer_port}"
        target = stack.python(PREPARE)["ap_id"]
        stack.start_web()
        inbox = f"{stack.base}/inbox"
        load_before = run.load_average()

        ceiling_plain = [{}] * args.ceiling
        results.append(("ceiling: GET /bench/ceiling/plain", asyncio.run(
            drive(f"{stack.base}/bench/ceiling/plain", ceiling_plain, args.connections, "GET"))))
        unsigned = [{"headers": {"Content-Type": "application/activity+json"}, "data": b'{"type":"Follow"}'}]
        results.append(("ceiling: unsigned POST /inbox (401)", asyncio.run(
            drive(inbox, unsigned * args.ceiling, args.connections))))

        # Warm keys: one activity per actor stores each actor (and its key) first.
        warm_actors = [f"{peer}/users/warm{i}" for i in range(args.actors)]
        prime = signed_requests(stack, [(a, "Follow", 0) for a in warm_actors], target, private_pem)
        asyncio.run(drive(inbox, prime, args.connections))
        stack.start_worker("default,inbox,delivery")
        wait_processed(stack, f"{peer}/users/warm", len(prime))
        stack.stop_worker()
        stopped = time.time()
        warm = signed_requests(stack, activities_of(warm_actors, args.warm, start=1), target, private_pem)
        results.append((f"signed activities, warm keys ({args.actors} actors), worker stopped",
                        asyncio.run(drive(inbox, warm, args.connections))))
        worker_cpu = stack.start_worker("default,inbox,delivery") and stack.cpu("worker")
        drained = wait_processed(stack, f"{peer}/users/warm", len(prime) + args.warm)
        backlog = stack.python(PROCESSED, f"{peer}/users/warm", str(stopped))
        worker_rate = args.warm / (drained["last"] - backlog["first_processed"])
        worker_cpu = (stack.cpu("worker") - worker_cpu) / args.warm * 1000

        cold_actors = [f"{peer}/users/cold{i}" for i in range(args.cold)]
        cold = signed_requests(stack, activities_of(cold_actors, args.cold), target, private_pem)
        cold_result = asyncio.run(drive(inbox, cold, args.connections))
        cold_result["actor_fetches"] = stack.peers_stats()["actor_fetches"]
        results.append(("signed activities, cold keys (a new actor each), worker running", cold_result))
        cold_done = wait_processed(stack, f"{peer}/users/cold", args.cold)
        cold_rate = cold_done["n"] / (cold_done["last"] - cold_done["first"])
        accepts = stack.peers_stats()["requests"]

        report(results, args, (worker_rate, worker_cpu), drained, cold_rate, cold_done, accepts, load_before)
    finally:
        stack.stop()


def report(results, args, worker_rate, drained, cold_rate, cold_done, accepts, load_before) -> None:
    lines = [f"gunicorn {args.web_workers} sync workers, Celery worker prefork x{args.worker_concurrency}, "
             f"{args.connections} client connections (aiohttp, requests signed beforehand).",
             f"Machine: {run.machine()}. Load average before/after: {load_before} / {run.load_average()}.", "",
             "| phase | requests | req/s | p50 ms | p99 ms | answers |", "| --- | --- | --- | --- | --- | --- |"]
    for name, r in results:
        answers = ", ".join(f"{k}: {v}" for k, v in sorted(r["statuses"].items()))
        if "actor_fetches" in r:
            answers += f"; actor fetches: {r['actor_fetches']}"
        lines.append(f"| {name} | {r['requests']} | {r['rps']:.0f} | {r['p50']:.1f} | {r['p99']:.1f} | {answers} |")
    rate, cpu_ms = worker_rate
    lines += ["", f"Worker alone on the warm backlog ({args.warm} activities): {rate:.0f} processed/s, "
              f"{cpu_ms:.1f} ms worker CPU per activity (Accept deliveries of the Follows included; "
              f"states {drained['states']}).",
              f"Cold phase, worker running beside the intake: {cold_rate:.0f} processed/s "
              f"(states {cold_done['states']}). Accepts delivered back to the follower's instance: {accepts}."]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out != "-":
        Path(args.out).write_text(text)


if __name__ == "__main__":
    main()
