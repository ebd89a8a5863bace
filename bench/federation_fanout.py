"""Fan-out benchmark: one post of a local account delivered to remote followers' instances.

    .venv/bin/python bench/federation_fanout.py --workers 1,2 --out docs/bench-federation-fanout.md

Starts PostgreSQL, Redis, gunicorn, `--workers` Celery workers on the `delivery` queue (and
one on the other queues, as README's scaling section runs them) and the simulated instances of
bench/federation_peers.py (one aiohttp process listening on one loopback port per
instance; every inbox checks the Digest and the RSA signature with the author's public
key, and records when each request arrived). Cases:

1. 1,000 followers on 100 instances, one post: time until every instance has the post,
   requests the instances received (shared inboxes: one per instance, not one per
   follower), worker CPU per delivery.
2. 10,000 followers on 500 instances, one post, all instances up; then the same with 10%
   of the instances taking the request and never answering: when do the healthy 90%
   have the post, with and without the dead ones? Then a second post while the same
   instances are still dead (they are marked unreachable by then). With `--workers 1,2`
   the all-up post is made once per count of delivery workers, the rest with the last.

Each row reports the followers, the requests the instances received (and duplicates), the
delivery workers' CPU per request received, and the report ends with what the dead
instances cost the healthy ones (the same post, all up against 10% never answering).

The post is made with POST /api/v1/statuses. When that path does not write deliveries (no
outgoing activity appears for the new status), the benchmark calls
federation.delivery.enqueue with the followers' inboxes itself, and says so.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.federation_stack import Stack, generate_pem_pair, run  # noqa: E402

SEED = r"""
import json, sys
from accounts import services
from accounts.models import App, User
from federation import keys
from relationships.models import Follow
nickname, followers, ports = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3])
author = User.objects.create_user(nickname, f"{nickname}@example.com", "bench-password")
keys.key_for_user(author)
app, _ = App.objects.get_or_create(client_id="fedbench", defaults=dict(
    name="fedbench", redirect_uris="urn:ietf:wg:oauth:2.0:oob", scopes="read write",
    client_type=App.CLIENT_CONFIDENTIAL, authorization_grant_type=App.GRANT_AUTHORIZATION_CODE,
    hash_client_secret=False, client_secret="fedbench"))
token, _ = services.issue_token(app, author, ["read", "write"])
remote = []
for i in range(followers):
    port = ports[i % len(ports)]
    base = f"http://127.0.0.1:{port}"
    actor = f"{base}/users/{nickname}-follower{i}"
    user = User(nickname=f"{nickname}-follower{i}@127.0.0.1:{port}", domain=f"127.0.0.1:{port}",
                remote_ap_id=actor, inbox=f"{actor}/inbox", shared_inbox=f"{base}/inbox",
                public_key_id=f"{actor}#main-key", email=None)
    user.set_unusable_password()
    remote.append(user)
User.objects.bulk_create(remote, batch_size=2000)
Follow.objects.bulk_create([Follow(follower=u, followed=author) for u in remote], batch_size=2000)
User.objects.filter(pk=author.pk).update(followers_count=followers)
print(json.dumps({"token": token.token, "public_pem": keys.key_for_user(author).public_key_pem,
                  "key_id": f"{author.ap_id}#main-key"}))
"""

# argv: nickname, status id (base62) -> enqueue the status's Create to its followers' inboxes.
ENQUEUE = r"""
import json, sys, time
from django.db import transaction
from accounts.models import User
from core import ids
from federation import delivery, documents
from statuses.models import Status
author = User.objects.get(nickname=sys.argv[1])
status = Status.objects.get(pk=ids.decode(sys.argv[2]))
followers = User.objects.filter(following_rel__followed=author, following_rel__state="accept")
started = time.time()
with transaction.atomic():
    inboxes = [delivery.inbox_of(u) for u in followers.only("inbox", "shared_inbox")]
    activity = delivery.enqueue(author, documents.create_activity(status), inboxes)
print(json.dumps({"started": started, "enqueued": time.time(), "followers": len(inboxes),
                  "deliveries": activity.deliveries.count()}))
"""

OUTGOING = r"""
import json, sys
from core import ids
from federation.models import OutgoingActivity
from statuses.models import Status
status = Status.objects.get(pk=ids.decode(sys.argv[1]))
activity = OutgoingActivity.objects.filter(payload__object__id=status.uri).first()
print(json.dumps({"deliveries": activity.deliveries.count() if activity else 0}))
"""

STATES = r"""
import json, sys
from django.db.models import Count
from federation.models import Delivery
rows = Delivery.objects.filter(activity__payload__object__content__icontains=sys.argv[1])
print(json.dumps(dict(rows.values_list("state").annotate(c=Count("id")))))
"""


def post_status(stack: Stack, token: str, nickname: str, text: str) -> dict:
    """POST /api/v1/statuses; the deliveries it wrote, or those enqueued by hand."""
    started = time.time()
    status = run.post(f"{stack.base}/api/v1/statuses", {"status": text, "visibility": "public"}, token)
    posted = time.time()
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        count = stack.python(OUTGOING, status["id"])["deliveries"]
        if count:
            return {"started": started, "request_seconds": posted - started, "deliveries": count, "path": "api"}
        time.sleep(0.5)
    done = stack.python(ENQUEUE, nickname, status["id"])
    return {"started": done["started"], "request_seconds": done["enqueued"] - done["started"],
            "deliveries": done["deliveries"], "path": "enqueue"}


def wait_received(stack: Stack, ports: list[int], timeout: float) -> dict:
    """Poll the peers until every port in `ports` received one request (or the timeout)."""
    wanted = {str(p) for p in ports}
    deadline = time.monotonic() + timeout
    while True:
        stats = stack.peers_stats()
        got = wanted & set(stats["per_port_last"])
        if len(got) == len(wanted) or time.monotonic() > deadline:
            stats["complete"] = len(got) == len(wanted)
            stats["last_wanted"] = max((stats["per_port_last"][p] for p in got), default=None)
            return stats
        time.sleep(0.2)


def fan_out(stack: Stack, token: str, nickname: str, ports: list[int], dead: list[int], label: str,
            timeout: float, verify_keys: dict, workers: list[str], followers: int) -> dict:
    stack.peers_reset(dead, verify_keys)
    healthy = [p for p in ports if p not in set(dead)]
    cpu_before = stack.cpu(*workers)
    text = f"{label} {time.time_ns()}"
    posted = post_status(stack, token, nickname, text)
    stats = wait_received(stack, healthy, timeout)
    cpu = stack.cpu(*workers) - cpu_before
    seconds = (stats["last_wanted"] - posted["started"]) if stats["last_wanted"] else None
    states = stack.python(STATES, text)
    result = {"label": label, "instances": len(ports), "dead": len(dead), **posted,
              "followers": followers, "delivery_workers": len(workers),
              "healthy_seconds": seconds, "complete": stats["complete"], "requests": stats["requests"],
              "bad_signatures": stats["bad_signatures"], "duplicates": stats["requests"] - stats["instances"],
              "worker_cpu_ms_per_delivery": cpu / max(stats["requests"], 1) * 1000, "states": states}
    print(json.dumps(result), flush=True)
    return result


REST_QUEUES = "default,imports,backups,emoji,mail,inbox"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", default="1000/100", help="followers/instances of case 1")
    parser.add_argument("--large", default="10000/500", help="followers/instances of case 2")
    parser.add_argument("--dead-share", type=float, default=0.10)
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--worker", default="--pool prefork --concurrency 2",
                        help="arguments of each delivery worker (pool, concurrency)")
    parser.add_argument("--workers", default="1",
                        help="delivery worker processes; with a list (1,2) the all-up large post is "
                             "measured with each count, the other cases with the last")
    parser.add_argument("--timeout", type=float, default=900, help="longest wait for one case")
    parser.add_argument("--out", default="-")
    args = parser.parse_args()
    small_followers, small_instances = (int(x) for x in args.small.split("/"))
    large_followers, large_instances = (int(x) for x in args.large.split("/"))
    rounds = [int(n) for n in args.workers.split(",")]

    actor_public, _ = generate_pem_pair()
    stack = Stack(web_workers=args.web_workers, worker_args=args.worker.split())
    results = []
    try:
        stack.start_services()
        ports = stack.start_peers({"count": large_instances, "actor_key_pem": actor_public})
        small_ports = ports[:small_instances]
        small = stack.python(SEED, "alice", str(small_followers), json.dumps(small_ports))
        large = stack.python(SEED, "bob", str(large_followers), json.dumps(ports))
        verify_keys = {small["key_id"]: small["public_pem"], large["key_id"]: large["public_pem"]}
        stack.start_web()
        # The pools of README's scaling section: deliveries on their own worker(s), the rest apart.
        stack.start_worker(REST_QUEUES, "rest", ["--pool", "prefork", "--concurrency", "1"])
        load_before = run.load_average()
        names: list[str] = []
        for index, count in enumerate(rounds):
            stack.stop_workers(names)
            names = stack.start_workers("delivery", count, "delivery")
            if index == 0:
                results.append(fan_out(stack, small["token"], "alice", small_ports, [],
                                       f"{small_followers} followers on {small_instances} instances", args.timeout,
                                       verify_keys, names, small_followers))
            results.append(fan_out(stack, large["token"], "bob", ports, [],
                                   f"{large_followers} followers on {large_instances} instances, all up",
                                   args.timeout, verify_keys, names, large_followers))
        dead = sorted(random.Random(15).sample(ports, int(large_instances * args.dead_share)))
        results.append(fan_out(stack, large["token"], "bob", ports, dead,
                               f"{large_followers} followers on {large_instances} instances, "
                               f"{len(dead)} never answer", args.timeout, verify_keys, names, large_followers))
        # The dead instances are marked unreachable now (federation.reachability): the next
        # post's deliveries to them wait without taking a worker slot.
        results.append(fan_out(stack, large["token"], "bob", ports, dead,
                               f"the next post, the same {len(dead)} still dead", args.timeout, verify_keys,
                               names, large_followers))
        report(results, args, load_before)
    finally:
        stack.stop()


def report(results: list, args, load_before: str) -> None:
    paths = {r["path"] for r in results}
    how = ("POST /api/v1/statuses wrote the deliveries" if paths == {"api"} else
           "POST /api/v1/statuses made the status; its Create was enqueued with federation.delivery.enqueue "
           "to the followers' inboxes (the posting path does not deliver yet)")
    lines = [f"Delivery workers: celery {args.worker} on the `delivery` queue each (count per row); one "
             f"worker on `{REST_QUEUES}`; gunicorn {args.web_workers} workers. {how}.",
             f"Machine: {run.machine()}. Load average before/after: {load_before} / {run.load_average()}.", "",
             "| case | delivery workers | followers | deliveries written | post s | healthy instances done after s "
             "| requests received | duplicates | bad signatures | delivery worker CPU ms/delivery "
             "| delivery states after |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in results:
        done = f"{r['healthy_seconds']:.1f}" if r["healthy_seconds"] is not None else "-"
        if not r["complete"]:
            done += " (not all)"
        lines.append(f"| {r['label']} | {r['delivery_workers']} | {r['followers']} | {r['deliveries']} "
                     f"| {r['request_seconds']:.2f} | {done} | {r['requests']} "
                     f"| {r['duplicates']} | {r['bad_signatures']} | {r['worker_cpu_ms_per_delivery']:.1f} "
                     f"| {r['states']} |")
    # What the dead instances cost the healthy ones: the same post size, all up against 10% dead,
    # on the same delivery workers.
    up = next((r for r in reversed(results) if r["dead"] == 0 and r["instances"] == results[-1]["instances"]
               and r["delivery_workers"] == results[-1]["delivery_workers"]), None)
    dead = next((r for r in results if r["dead"]), None)
    if up and dead and up["healthy_seconds"] and dead["healthy_seconds"]:
        lines += ["", f"Healthy instances with {dead['dead']} of {dead['instances']} never answering: done after "
                  f"{dead['healthy_seconds']:.1f} s against {up['healthy_seconds']:.1f} s with all up "
                  f"({dead['healthy_seconds'] - up['healthy_seconds']:+.1f} s, "
                  f"x{dead['healthy_seconds'] / up['healthy_seconds']:.2f})."]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out != "-":
        Path(args.out).write_text(text)


if __name__ == "__main__":
    main()
