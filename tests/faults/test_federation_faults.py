"""Federation under transport faults, with a running server, a real worker and real HTTP
peers on loopback: a peer that is down or failing gets the activity once it recovers; an
activity delivered to our inbox twice (even at the same moment) acts once; forged or
borrowed signatures and oversized bodies are refused with nothing stored
(reference/federation.md §0.2, §2.2, §5.4)."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import orjson
import pytest
import requests
from django.utils import timezone

from accounts.models import User
from federation import delivery, keys, reachability, signatures
from federation.models import Delivery, IncomingActivity, OutgoingActivity
from relationships.models import Follow
from tests.e2e.servers import free_port
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
RETRY_SECONDS = 1


@dataclass
class Received:
    at: float
    path: str
    activity: dict
    key_id: str


@dataclass
class Peer:
    """A remote instance on 127.0.0.1: its inbox answers `failures` requests with
    `failure_status`, then 202; it verifies every signature against `keys` (keyId -> PEM)
    and records what it accepted. `stop()`/`start()` take it off and back on the network."""

    port: int = field(default_factory=free_port)
    keys: dict = field(default_factory=dict)
    failures: int = 0
    failure_status: int = 503
    received: list = field(default_factory=list)
    attempts: list = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        peer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                peer.attempts.append(time.monotonic())
                if peer.failures > 0:
                    peer.failures -= 1
                    return self._answer(peer.failure_status)
                headers = {k.lower(): v for k, v in self.headers.items()}
                try:
                    verified = signatures.verify_request(
                        "POST", f"{peer.url}{self.path}", headers, body,
                        lambda key_id, refresh: keys.load_public_key(peer.keys[key_id]))
                except (signatures.SignatureError, KeyError):
                    return self._answer(401)
                peer.received.append(Received(time.monotonic(), self.path, orjson.loads(body), verified.key_id))
                return self._answer(202)

            def _answer(self, status: int) -> None:
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


@pytest.fixture
def peer():
    made = Peer()
    yield made
    made.stop()


@pytest.fixture
def delivery_worker(running_server, data_dir):
    """A real worker configured as `running_server` is, retrying after RETRY_SECONDS."""
    import os

    from pleroma_py.celery import app as celery_app
    from tests.workers import WorkerProcess, _purge

    broker_url = os.environ.get("REDIS_URL", "")
    if not broker_url:
        pytest.fail("delivery_worker needs REDIS_URL (a Redis server for the broker)")
    _purge(broker_url)
    worker = WorkerProcess(env={**running_server.env, "PLEROMA_DATA_DIR": str(data_dir),
                                "PLEROMA_FEDERATION_RETRY_SECONDS": str(RETRY_SECONDS)},
                           log_path=data_dir / "worker.log", broker_url=broker_url)
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    worker.start()
    try:
        yield worker
    finally:
        worker.stop()
        celery_app.conf.task_always_eager = eager
        _purge(broker_url)


def local_author(running_server, peer: Peer) -> tuple[User, str]:
    """alice, whose key the peer knows, and her actor id as the running server names it."""
    alice = UserFactory(nickname="alice")
    actor_id = f"{running_server.url}/users/alice"
    peer.keys[f"{actor_id}#main-key"] = keys.key_for_user(alice).public_key_pem
    return alice, actor_id


def note_activity(actor_id: str, n: int = 1) -> dict:
    return {"@context": "https://www.w3.org/ns/activitystreams", "id": f"{actor_id}/activities/fault-{n}",
            "type": "Create", "actor": actor_id, "to": ["https://www.w3.org/ns/activitystreams#Public"],
            "object": {"id": f"{actor_id}/notes/fault-{n}", "type": "Note", "content": "hello",
                       "attributedTo": actor_id}}


class TestDeliveryToAFailingPeer:
    """federation.delivery: Delivery rows sent by the worker's `deliver` task"""

    def test_a_peer_that_is_down_gets_the_activity_when_it_comes_back(self, running_server, delivery_worker, peer):
        alice, actor_id = local_author(running_server, peer)
        activity = note_activity(actor_id)
        delivery.enqueue(alice, activity, [f"{peer.url}/inbox"])  # nothing listens on the port yet

        row = delivery_worker.wait_for(
            lambda: Delivery.objects.filter(attempts__gte=1, state="pending").first(), timeout=30)
        assert row.last_status is None
        assert row.last_error.startswith("Remote fetch failed")
        peer.start()

        done = delivery_worker.wait_for(lambda: Delivery.objects.filter(state="done").first(), timeout=60)
        assert done.attempts >= 2
        assert done.last_status == 202
        assert done.delivered_at is not None
        assert [r.activity for r in peer.received] == [activity]
        assert peer.received[0].key_id == f"{actor_id}#main-key"
        assert peer.received[0].path == "/inbox"

    def test_a_peer_answering_503_gets_it_on_a_retry_after_the_backoff(self, settings, running_server,
                                                                        delivery_worker, peer):
        settings.FEDERATION_RETRY_SECONDS = RETRY_SECONDS  # as the worker has it
        peer.failures = 2
        peer.start()
        alice, actor_id = local_author(running_server, peer)
        activity = note_activity(actor_id)
        delivery.enqueue(alice, activity, [f"{peer.url}/inbox"])

        done = delivery_worker.wait_for(lambda: Delivery.objects.filter(state="done").first(), timeout=60)
        assert (done.attempts, done.last_status) == (3, 202)
        assert [r.activity for r in peer.received] == [activity]
        first, second, third = peer.attempts
        # the worker waited the backoff before each retry (a little slack for the clock)
        assert second - first >= delivery.backoff_seconds(1) * 0.9
        assert third - second >= delivery.backoff_seconds(2) * 0.9
        assert delivery.backoff_seconds(2) > delivery.backoff_seconds(1)

    def test_a_refusal_for_good_is_not_retried(self, running_server, delivery_worker, peer):
        peer.failures, peer.failure_status = 5, 403
        peer.start()
        alice, actor_id = local_author(running_server, peer)
        delivery.enqueue(alice, note_activity(actor_id), [f"{peer.url}/inbox"])

        failed = delivery_worker.wait_for(lambda: Delivery.objects.filter(state="failed").first(), timeout=30)
        assert (failed.attempts, failed.last_status) == (1, 403)
        time.sleep(RETRY_SECONDS * 3)
        assert len(peer.attempts) == 1
        assert peer.received == []


class TestUnreachableHost:
    """federation.reachability: a host that stopped answering is spared its other deliveries"""

    def test_a_down_hosts_other_deliveries_wait_without_an_attempt(self, settings, peer):
        settings.ALLOW_PRIVATE_NETWORKS = True
        settings.FEDERATION_RETRY_SECONDS = RETRY_SECONDS
        alice = UserFactory(nickname="alice")
        peer.keys[f"{alice.ap_id}#main-key"] = keys.key_for_user(alice).public_key_pem
        payload = note_activity(alice.ap_id)
        activity = OutgoingActivity.objects.create(ap_id=payload["id"], actor=alice, payload=payload)
        first, second = (Delivery.objects.create(activity=activity, inbox=f"{peer.url}/users/{name}/inbox")
                         for name in ("a", "b"))

        with pytest.raises(delivery.TransientDeliveryError):
            delivery.deliver(first)  # connection refused: the host is marked
        with pytest.raises(delivery.Postponed) as postponed:
            delivery.deliver(second)
        assert 1 <= postponed.value.seconds <= RETRY_SECONDS
        second.refresh_from_db()
        assert (second.attempts, second.last_error, second.state) == (0, "", "pending")

        peer.start()
        time.sleep(RETRY_SECONDS + 0.2)  # the mark lapses: one delivery probes the host
        delivery.deliver(second)
        delivery.deliver(first)  # the probe's success cleared the marks
        assert set(Delivery.objects.values_list("state", "attempts")) == {("done", 1), ("done", 2)}
        assert sorted(r.path for r in peer.received) == ["/users/a/inbox", "/users/b/inbox"]

    def test_while_one_delivery_probes_a_suspect_host_the_others_wait(self, settings, peer):
        settings.ALLOW_PRIVATE_NETWORKS = True
        settings.FEDERATION_RETRY_SECONDS = RETRY_SECONDS
        alice = UserFactory(nickname="alice")
        inbox = f"{peer.url}/inbox"
        reachability.mark_unreachable(inbox, 1)
        time.sleep(1.1)
        assert reachability.check(inbox) == reachability.Reach(0, True)  # this one probes
        assert reachability.check(inbox) == reachability.Reach(RETRY_SECONDS, True)
        reachability.mark_reachable(inbox)
        assert reachability.check(inbox) == reachability.Reach(0, False)
        assert reachability.check(f"http://127.0.0.1:{peer.port + 1}/inbox") == reachability.Reach(0, False)
        assert alice.is_local


@pytest.fixture
def bob(peer):
    """A remote account on `peer`'s host this server already knows, with a key the test holds."""
    public_pem, private_pem = keys.generate_pem_pair()
    actor_id = f"{peer.url}/users/bob"
    user = UserFactory(nickname=f"bob@127.0.0.1:{peer.port}", domain=f"127.0.0.1:{peer.port}",
                       remote_ap_id=actor_id, inbox=f"{actor_id}/inbox", shared_inbox=f"{peer.url}/inbox",
                       public_key_id=f"{actor_id}#main-key", public_key_pem=public_pem,
                       last_fetched_at=timezone.now(), email=None)
    user.private_key_pem = private_pem
    return user


def post_inbox(server, activity: dict | None, *, key_id: str, private_key_pem: str,
               body: bytes | None = None) -> requests.Response:
    """POST a signed body to the running server's shared inbox over real HTTP."""
    body = orjson.dumps(activity) if body is None else body
    url = f"{server.url}/inbox"
    headers = signatures.sign_headers("POST", url, key_id=key_id, private_key_pem=private_key_pem, body=body)
    headers["Content-Type"] = "application/activity+json"
    return requests.post(url, data=body, headers=headers, timeout=30)


def follow_of_alice(server, bob: User, n: int = 1) -> dict:
    return {"@context": "https://www.w3.org/ns/activitystreams", "id": f"{bob.remote_ap_id}/follows/{n}",
            "type": "Follow", "actor": bob.remote_ap_id, "object": f"{server.url}/users/alice"}


def nothing_stored() -> bool:
    return not IncomingActivity.objects.exists() and not Follow.objects.exists() \
        and not OutgoingActivity.objects.exists()


class TestInboxUnderFaults:
    """POST /inbox over real HTTP"""

    def test_the_same_activity_delivered_twice_at_once_acts_once(self, running_server, delivery_worker, peer, bob):
        peer.start()
        alice, _ = local_author(running_server, peer)
        activity = follow_of_alice(running_server, bob)
        sign = {"key_id": bob.public_key_id, "private_key_pem": bob.private_key_pem}
        answers: list[int] = []
        barrier = threading.Barrier(3)

        def send():
            barrier.wait()
            answers.append(post_inbox(running_server, activity, **sign).status_code)

        threads = [threading.Thread(target=send) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert answers == [202, 202, 202]

        delivery_worker.wait_for(lambda: peer.received, timeout=30)
        assert post_inbox(running_server, activity, **sign).status_code == 202  # a late redelivery
        time.sleep(1)
        assert IncomingActivity.objects.get().state == "done"
        follow = Follow.objects.get()
        assert (follow.follower_id, follow.followed_id, follow.state) == (bob.pk, alice.pk, "accept")
        alice.refresh_from_db()
        assert alice.followers_count == 1
        assert Delivery.objects.count() == 1
        assert [(r.path, r.activity["type"], r.activity["object"]["id"]) for r in peer.received] == [
            ("/users/bob/inbox", "Accept", activity["id"])]

    def test_a_forged_signature_is_a_401_and_stores_nothing(self, running_server, peer, bob):
        UserFactory(nickname="alice")
        _, forged_pem = keys.generate_pem_pair()
        response = post_inbox(running_server, follow_of_alice(running_server, bob), key_id=bob.public_key_id,
                              private_key_pem=forged_pem)
        assert response.status_code == 401
        assert response.json() == {"error": f"Verification failed for {bob.public_key_id}"}
        assert nothing_stored()

    def test_a_signature_by_another_actors_key_is_a_401_and_stores_nothing(self, running_server, peer, bob):
        UserFactory(nickname="alice")
        carol_public, carol_private = keys.generate_pem_pair()
        carol_id = f"{peer.url}/users/carol"
        UserFactory(nickname=f"carol@127.0.0.1:{peer.port}", domain=f"127.0.0.1:{peer.port}",
                    remote_ap_id=carol_id, inbox=f"{carol_id}/inbox", public_key_id=f"{carol_id}#main-key",
                    public_key_pem=carol_public, last_fetched_at=timezone.now(), email=None)
        response = post_inbox(running_server, follow_of_alice(running_server, bob), key_id=f"{carol_id}#main-key",
                              private_key_pem=carol_private)
        assert response.status_code == 401
        assert response.json() == {"error": "The signature's key does not belong to the activity's actor"}
        assert nothing_stored()

    def test_a_10_mb_body_is_a_413_and_stores_nothing(self, running_server, peer, bob):
        UserFactory(nickname="alice")
        activity = follow_of_alice(running_server, bob)
        activity["padding"] = "x" * 10_000_000
        response = post_inbox(running_server, activity, key_id=bob.public_key_id,
                              private_key_pem=bob.private_key_pem)
        assert response.status_code == 413
        assert response.json() == {"error": "Activity too large"}
        assert nothing_stored()
        # the server is still serving
        assert requests.get(f"{running_server.url}/api/v1/instance", timeout=10).status_code == 200
