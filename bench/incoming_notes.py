"""Cost of processing received activities (federation/incoming), what the inbox worker does
per activity once the request has verified and stored it:

    .venv/bin/python bench/incoming_notes.py --notes 2000

Starts its own PostgreSQL and Redis (scripts/services.sh) unless DATABASE_URL is set,
migrates a fresh database, then, in-process (no Celery, no HTTP: the worker's task body):
Create{Note} with a mention, a hashtag, an emoji and an attachment; Like of a local status;
Delete of a note; and a reply whose 20 missing ancestors are fetched from a loopback peer.
Reports activities per second (wall time, one process) and SQL queries per activity.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _with_services(argv: list[str]) -> int:
    services = tempfile.mkdtemp(prefix="pleroma-bench-incoming.")
    subprocess.run(["scripts/services.sh", "start", services], cwd=ROOT, check=True)
    try:
        env = dict(os.environ)
        for line in Path(services, "env").read_text().splitlines():
            key, _, value = line.removeprefix("export ").partition("=")
            env[key] = value
        env.update(DJANGO_SETTINGS_MODULE="pleroma_py.settings", DJANGO_DEBUG="false",
                   PLEROMA_DATA_DIR=str(Path(services) / "data"), PLEROMA_ALLOW_PRIVATE_NETWORKS="true")
        subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        return subprocess.run([sys.executable, __file__, *argv], cwd=ROOT, env=env).returncode
    finally:
        subprocess.run(["scripts/services.sh", "stop", services], cwd=ROOT, check=False)


def _measure(label: str, rows: list, process) -> tuple[str, float, float]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        process(rows[0])
    start = time.perf_counter()
    for row in rows[1:]:
        process(row)
    elapsed = time.perf_counter() - start
    return label, (len(rows) - 1) / elapsed, len(captured)


def run(notes: int) -> list[tuple[str, float, float]]:
    import django

    django.setup()
    from django.conf import settings
    from django.utils import timezone

    from accounts.models import User
    from federation import documents, incoming, keys
    from federation.models import IncomingActivity
    from relationships import follows
    from statuses.services import create_status
    from tests.federation.incoming import Peer, create, note

    public_pem, _ = keys.generate_pem_pair()

    def remote(ap_id: str) -> User:
        host = ap_id.split("/")[2]
        return User.objects.create(nickname=f"{ap_id.rsplit('/', 1)[1]}@{host}", domain=host, remote_ap_id=ap_id,
                                   inbox=f"{ap_id}/inbox", public_key_id=f"{ap_id}#main-key",
                                   public_key_pem=public_pem, followers_address=f"{ap_id}/followers",
                                   last_fetched_at=timezone.now())

    actor = "https://remote.example/users/bob"
    bob = remote(actor)
    alice = User.objects.create(nickname="alice", email="alice@example.com")
    for n in range(50):
        follows.follow(User.objects.create(nickname=f"reader{n}", email=f"r{n}@example.com"), bob)

    def stored(activities: list[dict]) -> list:
        return [IncomingActivity.objects.create(ap_id=a["id"], actor=a["actor"], type=a["type"], payload=a)
                for a in activities]

    tags = [{"type": "Mention", "href": alice.ap_id}, {"type": "Hashtag", "name": "#bench"},
            {"type": "Emoji", "name": ":blob:", "icon": {"url": "https://remote.example/blob.png"}}]
    media = [{"type": "Document", "mediaType": "image/png", "url": "https://remote.example/a.png", "name": "alt"}]
    creates = stored([create(note(n, content=f"<p>@alice note {n} :blob: #bench</p>", tag=tags, attachment=media))
                      for n in range(notes)])
    results = [_measure("Create{Note} (mention, tag, emoji, media)", creates, incoming.process)]

    liked = create_status(alice, text="like me")
    likers = [remote(f"https://likers.example/users/l{n}") for n in range(notes)]
    likes = stored([{"id": f"{u.remote_ap_id}#like", "type": "Like", "actor": u.remote_ap_id, "object": liked.uri}
                    for u in likers])
    results.append(_measure("Like of a local status", likes, incoming.process))

    deletes = stored([{"id": f"{actor}#delete/{n}", "type": "Delete", "actor": actor,
                       "object": {"id": note(n)["id"], "type": "Tombstone"}} for n in range(notes)])
    results.append(_measure("Delete of a note", deletes, incoming.process))

    peer = Peer()
    try:
        carol = remote(f"{peer.base}/users/carol")
        depth, threads = 20, max(notes // 100, 3)
        replies = []
        for t in range(threads):
            parent = None
            for n in range(depth):
                parent = peer.serve(note(f"t{t}-{n}", actor=carol.remote_ap_id, inReplyTo=parent))["id"]
            replies.append(create(note(f"reply{t}", inReplyTo=parent)))
        results.append(_measure(f"Create of a reply, {depth} missing ancestors fetched", stored(replies),
                                incoming.process))
    finally:
        peer.stop()
    assert IncomingActivity.objects.exclude(state="done").count() == 0, "some activities were not processed"
    assert documents.PUBLIC and settings.FEDERATION_MAX_REPLY_DEPTH >= 20
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=2000)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        return _with_services(sys.argv[1:])
    print("| activity | per second | SQL queries each |")
    print("| --- | ---: | ---: |")
    for label, rate, queries in run(args.notes):
        print(f"| {label} | {rate:,.0f} | {queries} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
