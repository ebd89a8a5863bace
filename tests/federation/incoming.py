"""Helpers for the incoming-activity tests: activities signed as a known remote actor,
processing the stored ones as the worker does, and a real HTTP peer serving ActivityPub
documents (reply parents, boosted notes) to the signed fetcher."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import orjson
from django.utils import timezone

from federation import documents, keys, tasks
from federation.models import IncomingActivity
from tests.factories import UserFactory
from tests.federation.test_inbox import REMOTE, post_signed

PUBLIC = documents.PUBLIC
FOLLOWERS = f"{REMOTE}/followers"


def process_all() -> None:
    for row in IncomingActivity.objects.filter(state="pending").order_by("id"):
        tasks.process_activity(str(row.pk))


def send(client, actor, activity: dict, path: str = "/inbox"):
    return post_signed(client, path, activity, key_id=actor.public_key_id, private_key_pem=actor.private_key_pem)


def deliver(client, actor, activity: dict, path: str = "/inbox"):
    """POST signed, then process as the worker would; returns the activity's stored row."""
    response = send(client, actor, activity, path)
    assert response.status_code == 202, response.content
    process_all()
    return IncomingActivity.objects.filter(ap_id=activity["id"]).first()


def note(n: int | str = 1, *, actor: str = REMOTE, content: str = "<p>hello</p>", to=None, cc=None,
         **fields) -> dict:
    host_base = actor.rsplit("/users/", 1)[0]
    return {"id": f"{host_base}/objects/{n}", "type": "Note", "attributedTo": actor,
            "content": content, "published": "2026-01-07T12:00:00Z",
            "to": [PUBLIC] if to is None else to, "cc": [f"{actor}/followers"] if cc is None else cc,
            **fields}


def create(obj: dict, *, actor: str = REMOTE, n: int | str | None = None) -> dict:
    host_base = actor.rsplit("/users/", 1)[0]
    return {"@context": "https://www.w3.org/ns/activitystreams",
            "id": f"{host_base}/activities/create/{n if n is not None else obj['id'].rsplit('/', 1)[-1]}",
            "type": "Create", "actor": actor, "to": obj.get("to", []), "cc": obj.get("cc", []), "object": obj}


def remote_account(nickname: str, ap_id: str, **fields):
    """A remote account already known, with a key the test holds."""
    public_pem, private_pem = keys.generate_pem_pair()
    host = ap_id.split("/")[2]
    user = UserFactory(nickname=f"{nickname}@{host}", domain=host, remote_ap_id=ap_id, inbox=f"{ap_id}/inbox",
                       public_key_id=f"{ap_id}#main-key", public_key_pem=public_pem,
                       followers_address=f"{ap_id}/followers", last_fetched_at=timezone.now(), email=None,
                       **fields)
    user.private_key_pem = private_pem
    return user


class Peer:
    """A real HTTP server on the loopback answering GETs of the documents it is given."""

    def __init__(self) -> None:
        self.documents: dict[str, dict] = {}
        self.requests: list[tuple[str, dict]] = []
        peer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                peer.requests.append((self.path, dict(self.headers)))
                document = peer.documents.get(self.path)
                if document is None:
                    self.send_response(404)
                    self.end_headers()
                    return
                body = orjson.dumps(document)
                self.send_response(200)
                self.send_header("Content-Type", "application/activity+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def serve(self, document: dict) -> dict:
        self.documents[document["id"][len(self.base):]] = document
        return document

    def fetched(self, path_prefix: str = "/") -> list[str]:
        return [path for path, _ in self.requests if path.startswith(path_prefix)]

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

