"""Inbox benchmark: signed activities from simulated remote actors POSTed to a real server.

    .venv/bin/python bench/federation_inbox.py --workers 1,2 --out docs/bench-federation-inbox.md

Starts PostgreSQL, Redis, gunicorn (as bench/run.py does), the worker pools of README's
scaling section (inbox workers on `inbox`, a delivery worker on `delivery`, one on the other
queues) and the simulated instances of bench/federation_peers.py, which serve the remote
actors' documents (so a cold key is a real signed HTTP fetch) and record the Accepts sent
back for Follows. Activities (Create{Note}, Like, Follow in turn) are signed before the
run, so the client spends no time signing, and sent over `--connections` keep-alive
connections; every request is verified by the server (signature, digest, the signer is the
actor) and stored. Phases, all in one run:

- ceilings: GET /bench/ceiling/plain, and an unsigned POST /inbox (refused before any
  cryptography): what this stack and this client reach at all;
- warm keys, one round per count of `--workers`: the intake (sustained signed activities/s)
  with no inbox worker running, then that many inbox worker processes switched onto the
  backlog at one moment: processed per second and worker CPU per activity;
- cold keys: every activity from an actor the server has never seen (one actor fetch per
  request), with the last round's inbox workers running.
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

# argv: ap_id prefix[, since (epoch s): only rows received from then on]
PROCESSED = r"""
import datetime, json, sys
from django.db.models import Count, Max, Min
from federation.models import IncomingActivity
rows = IncomingActivity.objects.filter(ap_id__startswith=sys.argv[1])
if len(sys.argv) > 2:
    rows = rows.filter(received_at__gte=datetime.datetime.fromtimestamp(float(sys.argv[2]), datetime.UTC))
summary = rows.aggregate(n=Count("id"), first=Min("received_at"), first_processed=Min("processed_at"),
                         last=Max("processed_at"))
states = dict(rows.values_list("state").annotate(c=Count("id")))
stamp = lambda value: value.timestamp() if value else None
print(json.dumps({"n": summary["n"], "pending": states.get("pending", 0), "states": states,
                  "first": stamp(summary["first"]), "last": stamp(summary["last"]),
                  "first_processed": stamp(summary["first_processed"])}))
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


def wait_processed(stack: Stack, prefix: str, expected: int, since: float | None = None,
                   timeout: float = 600) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        done = stack.python(PROCESSED, prefix, *([] if since is None else [str(since)]))
        if (done["n"] >= expected and done["pending"] == 0) or time.monotonic() > deadline:
            return done
        time.sleep(1)


def activities_of(actors: list[str], count: int, start: int = 0) -> list:
    kinds = ("Create", "Like", "Follow")
    return [(actors[i % len(actors)], kinds[i % 3], start + i) for i in range(count)]


REST_QUEUES = "default,imports,backups,emoji,mail"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--actors", type=int, default=50, help="actors of the warm phase")
    parser.add_argument("--warm", type=int, default=3000, help="activities with warm keys, per backlog round")
    parser.add_argument("--cold", type=int, default=600, help="activities, each from a new actor")
    parser.add_argument("--ceiling", type=int, default=3000, help="requests per ceiling")
    parser.add_argument("--web-workers", type=int, default=4)
    parser.add_argument("--workers", default="1",
                        help="inbox worker processes draining the warm backlog, one round per count: 1,2")
    parser.add_argument("--worker-concurrency", type=int, default=2, help="prefork processes per inbox worker")
    parser.add_argument("--delivery-concurrency", type=int, default=16, help="threads of the delivery worker")
    parser.add_argument("--out", default="-")
    args = parser.parse_args()
    rounds = [int(n) for n in args.workers.split(",")]

    public_pem, private_pem = generate_pem_pair()
    inbox_args = ["--pool", "prefork", "--concurrency", str(args.worker_concurrency)]
    stack = Stack(web_workers=args.web_workers, worker_args=inbox_args)
    results: list[tuple[str, dict]] = []
    backlogs: list[dict] = []
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

        # The pools of README's scaling section: the rest, deliveries (the Accepts), inbox.
        stack.start_worker(REST_QUEUES, "rest", ["--pool", "prefork", "--concurrency", "1"])
        stack.start_worker("delivery", "delivery", ["--pool", "threads", "--concurrency",
                                                    str(args.delivery_concurrency)])
        # Warm keys: one activity per actor stores each actor (and its key) first.
        warm_actors = [f"{peer}/users/warm{i}" for i in range(args.actors)]
        prime = signed_requests(stack, [(a, "Follow", 0) for a in warm_actors], target, private_pem)
        asyncio.run(drive(inbox, prime, args.connections))
        names = stack.start_workers("inbox", 1, "inbox")
        wait_processed(stack, f"{peer}/users/warm", len(prime))
        stack.stop_workers(names)

        for index, count in enumerate(rounds):
            # Intake with no inbox worker running, then `count` workers on the backlog alone.
            since = time.time()
            warm = signed_requests(stack, activities_of(warm_actors, args.warm, start=1 + index * 1_000_000),
                                   target, private_pem)
            results.append((f"signed activities, warm keys ({args.actors} actors), no inbox worker running",
                            asyncio.run(drive(inbox, warm, args.connections))))
            # Started on a queue nobody sends to, then all switched to the backlog at once,
            # so that neither their start-up nor a head start of the first counts.
            names = stack.start_workers("fedbench-idle", count, "inbox")
            cpu_before = stack.cpu(*names), stack.cpu("delivery")
            stack.consume(names, "inbox")
            drained = wait_processed(stack, f"{peer}/users/warm", args.warm, since)
            inbox_cpu, delivery_cpu = stack.cpu(*names) - cpu_before[0], stack.cpu("delivery") - cpu_before[1]
            backlogs.append({"workers": count, "n": drained["n"], "states": drained["states"],
                             "rate": drained["n"] / (drained["last"] - drained["first_processed"]),
                             "inbox_cpu_ms": inbox_cpu / drained["n"] * 1000,
                             "delivery_cpu_ms": delivery_cpu / drained["n"] * 1000})
            if index < len(rounds) - 1:
                stack.stop_workers(names)

        cold_actors = [f"{peer}/users/cold{i}" for i in range(args.cold)]
        cold = signed_requests(stack, activities_of(cold_actors, args.cold), target, private_pem)
        cold_result = asyncio.run(drive(inbox, cold, args.connections))
        cold_result["actor_fetches"] = stack.peers_stats()["actor_fetches"]
        results.append((f"signed activities, cold keys (a new actor each), {rounds[-1]} inbox worker(s) running",
                        cold_result))
        cold_done = wait_processed(stack, f"{peer}/users/cold", args.cold)
        cold_rate = cold_done["n"] / (cold_done["last"] - cold_done["first"])
        accepts = stack.peers_stats()["requests"]

        report(results, args, backlogs, cold_rate, cold_done, accepts, load_before)
    finally:
        stack.stop()


def report(results, args, backlogs, cold_rate, cold_done, accepts, load_before) -> None:
    lines = [f"gunicorn {args.web_workers} sync workers; Celery: inbox worker(s) prefork x{args.worker_concurrency} "
             f"each on `inbox`, one delivery worker (threads x{args.delivery_concurrency}) on `delivery`, one on "
             f"`{REST_QUEUES}`; {args.connections} client connections (aiohttp, requests signed beforehand).",
             f"Machine: {run.machine()}. Load average before/after: {load_before} / {run.load_average()}.", "",
             "| phase | requests | req/s | p50 ms | p99 ms | answers |", "| --- | --- | --- | --- | --- | --- |"]
    for name, r in results:
        answers = ", ".join(f"{k}: {v}" for k, v in sorted(r["statuses"].items()))
        if "actor_fetches" in r:
            answers += f"; actor fetches: {r['actor_fetches']}"
        lines.append(f"| {name} | {r['requests']} | {r['rps']:.0f} | {r['p50']:.1f} | {r['p99']:.1f} | {answers} |")
    lines += ["", f"The warm backlog ({args.warm} activities each round) drained by inbox workers started on it "
              "(Accepts of the Follows signed and sent by the delivery worker meanwhile):", "",
              "| inbox workers | processed | processed/s | inbox worker CPU ms/activity "
              "| delivery worker CPU ms/activity | states |", "| --- | --- | --- | --- | --- | --- |"]
    for b in backlogs:
        lines.append(f"| {b['workers']} | {b['n']} | {b['rate']:.1f} | {b['inbox_cpu_ms']:.1f} "
                     f"| {b['delivery_cpu_ms']:.1f} | {b['states']} |")
    lines += ["", f"Cold phase, inbox worker(s) running beside the intake: {cold_rate:.0f} processed/s "
              f"(states {cold_done['states']}). Accepts delivered back to the follower's instance: {accepts}."]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out != "-":
        Path(args.out).write_text(text)


if __name__ == "__main__":
    main()
