"""POST /inbox and /users/:nickname/inbox: verified in the request, stored once, processed by
a task (reference/federation.md §0.2, §3.4, §3.7, §3.8)."""

from __future__ import annotations

import orjson
import pytest
from django.conf import settings
from django.utils import timezone

from federation import delivery, documents, keys, signatures, tasks
from federation.models import Delivery, IncomingActivity, OutgoingActivity
from relationships import follows
from relationships.models import Follow
from tests.factories import UserFactory

REMOTE = "https://remote.example/users/bob"


@pytest.fixture
def remote_actor():
    """A remote account this server already knows, with a key the test holds."""
    public_pem, private_pem = keys.generate_pem_pair()
    user = UserFactory(nickname="bob@remote.example", domain="remote.example", remote_ap_id=REMOTE,
                       inbox=f"{REMOTE}/inbox", shared_inbox="https://remote.example/inbox",
                       public_key_id=f"{REMOTE}#main-key", public_key_pem=public_pem,
                       last_fetched_at=timezone.now(), email=None)
    user.private_key_pem = private_pem
    return user


def post_signed(client, path: str, activity: dict, *, key_id: str, private_key_pem: str, body: bytes | None = None):
    body = orjson.dumps(activity) if body is None else body
    headers = signatures.sign_headers("POST", f"{settings.PLEROMA_URL}{path}", key_id=key_id,
                                      private_key_pem=private_key_pem, body=body)
    return client.post(path, data=body, content_type="application/activity+json", HTTP_HOST=headers["Host"],
                       HTTP_DATE=headers["Date"], HTTP_DIGEST=headers["Digest"],
                       HTTP_SIGNATURE=headers["Signature"])


def follow_activity(target, n: int = 1) -> dict:
    return {"@context": "https://www.w3.org/ns/activitystreams", "id": f"{REMOTE}#follows/{n}",
            "type": "Follow", "actor": REMOTE, "object": target.ap_id}


def send_as_bob(client, remote_actor, activity, path="/inbox"):
    return post_signed(client, path, activity, key_id=remote_actor.public_key_id,
                       private_key_pem=remote_actor.private_key_pem)


class TestReceive:
    """POST /inbox"""

    def test_a_signed_follow_is_stored_and_answered_202(self, anon, remote_actor, django_capture_on_commit_callbacks):
        alice = UserFactory(nickname="alice")
        with django_capture_on_commit_callbacks() as queued:
            response = send_as_bob(anon, remote_actor, follow_activity(alice))
        assert response.status_code == 202
        row = IncomingActivity.objects.get()
        assert (row.ap_id, row.type, row.actor, row.state) == (f"{REMOTE}#follows/1", "Follow", REMOTE, "pending")
        assert len(queued) == 1

    def test_the_same_activity_twice_is_stored_once(self, anon, remote_actor, django_capture_on_commit_callbacks):
        alice = UserFactory(nickname="alice")
        with django_capture_on_commit_callbacks() as queued:
            assert send_as_bob(anon, remote_actor, follow_activity(alice)).status_code == 202
            assert send_as_bob(anon, remote_actor, follow_activity(alice), path="/users/alice/inbox").status_code == 202
        assert IncomingActivity.objects.count() == 1
        assert len(queued) == 1

    def test_unsigned_is_a_401_and_stores_nothing(self, anon):
        response = anon.post("/inbox", data=orjson.dumps({"id": "x", "type": "Follow", "actor": REMOTE}),
                             content_type="application/activity+json")
        assert response.status_code == 401
        assert response.json() == {"error": "Request not signed"}
        assert not IncomingActivity.objects.exists()

    def test_a_bad_signature_is_a_401(self, anon, remote_actor):
        alice = UserFactory(nickname="alice")
        _, other_pem = keys.generate_pem_pair()
        response = post_signed(anon, "/inbox", follow_activity(alice), key_id=remote_actor.public_key_id,
                               private_key_pem=other_pem)
        assert response.status_code == 401
        assert response.json() == {"error": f"Verification failed for {remote_actor.public_key_id}"}
        assert not IncomingActivity.objects.exists()

    def test_a_changed_body_is_a_401(self, anon, remote_actor):
        alice = UserFactory(nickname="alice")
        body = orjson.dumps(follow_activity(alice))
        headers = signatures.sign_headers("POST", f"{settings.PLEROMA_URL}/inbox", key_id=remote_actor.public_key_id,
                                          private_key_pem=remote_actor.private_key_pem, body=body)
        response = anon.post("/inbox", data=body.replace(b"follows/1", b"follows/2"),
                             content_type="application/activity+json", HTTP_HOST=headers["Host"],
                             HTTP_DATE=headers["Date"], HTTP_DIGEST=headers["Digest"],
                             HTTP_SIGNATURE=headers["Signature"])
        assert response.status_code == 401
        assert response.json() == {"error": "Invalid Digest value"}

    def test_the_signer_must_be_the_actor(self, anon, remote_actor):
        alice = UserFactory(nickname="alice")
        forged = {**follow_activity(alice), "actor": "https://remote.example/users/carol"}
        response = send_as_bob(anon, remote_actor, forged)
        assert response.status_code == 401
        assert response.json() == {"error": "The signature's key does not belong to the activity's actor"}
        assert not IncomingActivity.objects.exists()

    def test_an_activity_id_on_another_host_is_a_400(self, anon, remote_actor):
        alice = UserFactory(nickname="alice")
        activity = {**follow_activity(alice), "id": "https://other.example/activities/1"}
        response = send_as_bob(anon, remote_actor, activity)
        assert response.status_code == 400
        assert response.json() == {"error": "Activity id and actor are on different hosts"}
        assert not IncomingActivity.objects.exists()

    def test_a_local_key_cannot_sign_for_the_inbox(self, anon):
        alice = UserFactory(nickname="alice")
        mallory = UserFactory(nickname="mallory")
        activity = {"id": f"{mallory.ap_id}#f", "type": "Follow", "actor": mallory.ap_id, "object": alice.ap_id}
        response = post_signed(anon, "/inbox", activity, key_id=documents.key_id_of(mallory.ap_id),
                               private_key_pem=keys.key_for_user(mallory).private_key_pem)
        assert response.status_code == 401

    @pytest.mark.parametrize("body", [b"not json", b"[]", b'{"type": "Follow"}'])
    def test_bodies_that_are_not_activities_are_a_400(self, anon, remote_actor, body):
        response = post_signed(anon, "/inbox", {}, key_id=remote_actor.public_key_id,
                               private_key_pem=remote_actor.private_key_pem, body=body)
        assert response.status_code == 400

    def test_a_personal_inbox_of_nobody_is_a_404(self, anon, remote_actor):
        response = send_as_bob(anon, remote_actor, {"id": "x", "type": "Follow", "actor": REMOTE},
                               path="/users/nobody/inbox")
        assert response.status_code == 404

    def test_get_is_not_allowed(self, anon):
        assert anon.get("/inbox").status_code == 405


def _process_all():
    for row in IncomingActivity.objects.filter(state="pending"):
        tasks.process_activity(str(row.pk))


class TestProcessFollow:
    """The Follow, Undo and Accept handlers (tasks.process_activity)"""

    def test_a_follow_of_an_open_account_follows_and_accepts(self, anon, remote_actor,
                                                             django_capture_on_commit_callbacks):
        alice = UserFactory(nickname="alice")
        send_as_bob(anon, remote_actor, follow_activity(alice))
        with django_capture_on_commit_callbacks() as queued:
            _process_all()
        assert Follow.objects.get(follower=remote_actor, followed=alice).state == Follow.State.ACCEPTED
        assert IncomingActivity.objects.get().state == "done"
        accept = OutgoingActivity.objects.get()
        assert accept.actor == alice
        assert accept.payload["type"] == "Accept"
        assert accept.payload["actor"] == alice.ap_id
        assert accept.payload["object"]["id"] == f"{REMOTE}#follows/1"
        assert list(Delivery.objects.values_list("inbox", flat=True)) == [f"{REMOTE}/inbox"]
        sends = [c for c in queued if c.__qualname__.startswith("enqueue.")]
        assert len(sends) == 1  # one delivery task, once committed

    def test_processing_twice_changes_nothing(self, anon, remote_actor):
        alice = UserFactory(nickname="alice")
        send_as_bob(anon, remote_actor, follow_activity(alice))
        row = IncomingActivity.objects.get()
        tasks.process_activity(str(row.pk))
        tasks.process_activity(str(row.pk))
        assert Follow.objects.count() == 1
        assert OutgoingActivity.objects.count() == 1
        alice.refresh_from_db()
        assert alice.followers_count == 1

    def test_a_follow_of_a_locked_account_waits_and_authorising_sends_the_accept(self, anon, api, remote_actor):
        alice = UserFactory(nickname="alice", locked=True)
        send_as_bob(anon, remote_actor, follow_activity(alice))
        _process_all()
        assert Follow.objects.get(follower=remote_actor).state == Follow.State.PENDING
        assert not OutgoingActivity.objects.exists()
        client = api(scopes=["follow"], user=alice)
        from core import ids

        response = client.post(f"/api/v1/follow_requests/{ids.encode(remote_actor.pk)}/authorize")
        assert response.status_code == 200
        assert response.json()["followed_by"] is True
        accept = OutgoingActivity.objects.get()
        assert accept.payload["type"] == "Accept"
        assert accept.payload["object"]["id"] == f"{REMOTE}#follows/1"

    def test_rejecting_a_request_sends_a_reject(self, anon, api, remote_actor):
        alice = UserFactory(nickname="alice", locked=True)
        send_as_bob(anon, remote_actor, follow_activity(alice))
        _process_all()
        from core import ids

        api(scopes=["follow"], user=alice).post(f"/api/v1/follow_requests/{ids.encode(remote_actor.pk)}/reject")
        assert OutgoingActivity.objects.get().payload["type"] == "Reject"
        assert not Follow.objects.exists()

    def test_a_blocked_follower_gets_a_reject(self, anon, remote_actor):
        alice = UserFactory(nickname="alice")
        follows.block(alice, remote_actor)
        send_as_bob(anon, remote_actor, follow_activity(alice))
        _process_all()
        assert not Follow.objects.exists()
        assert [a.payload["type"] for a in OutgoingActivity.objects.order_by("created_at")] == ["Block", "Reject"]

    def test_undo_follow_unfollows(self, anon, remote_actor):
        alice = UserFactory(nickname="alice")
        send_as_bob(anon, remote_actor, follow_activity(alice))
        _process_all()
        undo = {"id": f"{REMOTE}#undo/1", "type": "Undo", "actor": REMOTE, "object": follow_activity(alice)}
        assert send_as_bob(anon, remote_actor, undo).status_code == 202
        _process_all()
        assert not Follow.objects.exists()
        alice.refresh_from_db()
        assert alice.followers_count == 0

    def test_undo_by_id_of_a_stored_follow_unfollows(self, anon, remote_actor):
        alice = UserFactory(nickname="alice")
        send_as_bob(anon, remote_actor, follow_activity(alice))
        _process_all()
        undo = {"id": f"{REMOTE}#undo/2", "type": "Undo", "actor": REMOTE, "object": f"{REMOTE}#follows/1"}
        send_as_bob(anon, remote_actor, undo)
        _process_all()
        assert not Follow.objects.exists()

    def test_other_types_are_kept_and_ignored(self, anon, remote_actor):
        send_as_bob(anon, remote_actor, {"id": f"{REMOTE}#like", "type": "Like", "actor": REMOTE,
                                         "object": "https://x.example/objects/1"})
        _process_all()
        assert IncomingActivity.objects.get().state == "ignored"


class TestDeliver:
    """tasks.deliver: one (activity, inbox), retried with backoff"""

    def test_an_unreachable_address_fails_for_good(self, remote_actor):
        alice = UserFactory(nickname="alice")
        activity = delivery.enqueue(alice, {"id": f"{alice.ap_id}#x", "type": "Accept", "actor": alice.ap_id},
                                    ["https://unknown.invalid/inbox"])
        row = activity.deliveries.get()
        tasks.deliver(str(row.pk))
        row.refresh_from_db()
        assert (row.state, row.attempts) == ("failed", 1)
        tasks.deliver(str(row.pk))  # a done or failed row is never sent again
        row.refresh_from_db()
        assert row.attempts == 1

    def test_enqueueing_twice_keeps_one_row_per_inbox(self):
        alice = UserFactory(nickname="alice")
        payload = {"id": f"{alice.ap_id}#y", "type": "Accept", "actor": alice.ap_id}
        delivery.enqueue(alice, payload, ["https://a.example/inbox", "https://a.example/inbox"])
        delivery.enqueue(alice, payload, ["https://a.example/inbox"])
        assert Delivery.objects.count() == 1

    def test_backoff_grows_and_is_capped(self):
        assert [delivery.backoff_seconds(n) for n in (1, 2, 3)] == [60, 180, 540]
        assert delivery.backoff_seconds(30) == 12 * 3600
