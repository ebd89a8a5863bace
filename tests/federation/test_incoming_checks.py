"""Inbox attacks refused with nothing stored (reference/federation.md §0.2, §3.1, §3.3):
oversized bodies before they are read, signers speaking for other actors, forged objects."""

from __future__ import annotations

import orjson
import pytest
from django.conf import settings

from federation import inbox, signatures
from federation.models import IncomingActivity
from statuses.models import Status
from tests.federation.incoming import REMOTE, create, deliver, note, remote_account, send


@pytest.fixture
def bob(db):
    return remote_account("bob", REMOTE)


def _signed_headers(bob, body: bytes) -> dict:
    headers = signatures.sign_headers("POST", f"{settings.PLEROMA_URL}/inbox", key_id=bob.public_key_id,
                                      private_key_pem=bob.private_key_pem, body=body)
    return {"HTTP_HOST": headers["Host"], "HTTP_DATE": headers["Date"], "HTTP_DIGEST": headers["Digest"],
            "HTTP_SIGNATURE": headers["Signature"]}


class TestBodyLimit:
    """POST /inbox with a large body"""

    def test_a_declared_length_over_the_limit_is_a_413_before_the_body_is_read(self, anon, bob):
        body = orjson.dumps(create(note(1)))
        # The test client's payload refuses reads past what it holds: had the view read the
        # declared length, this would fail instead of answering.
        response = anon.generic("POST", "/inbox", body, content_type="application/activity+json",
                                CONTENT_LENGTH=str(inbox.MAX_BODY + 1), **_signed_headers(bob, body))
        assert response.status_code == 413
        assert response.json() == {"error": "Activity too large"}
        assert not IncomingActivity.objects.exists()

    def test_a_body_over_the_limit_is_a_413(self, anon, bob):
        obj = note(1, content="<p>" + "a" * inbox.MAX_BODY + "</p>")
        body = orjson.dumps(create(obj))
        response = anon.generic("POST", "/inbox", body, content_type="application/activity+json",
                                **_signed_headers(bob, body))
        assert response.status_code == 413
        assert not IncomingActivity.objects.exists()

    def test_a_junk_length_is_a_400(self, anon, bob):
        body = orjson.dumps(create(note(1)))
        response = anon.generic("POST", "/inbox", body, content_type="application/activity+json",
                                CONTENT_LENGTH="lots", **_signed_headers(bob, body))
        assert response.status_code == 400
        assert not IncomingActivity.objects.exists()


class TestForgery:
    """Activities that speak for someone else"""

    def test_a_create_for_another_actor_signed_by_bob_is_a_401(self, anon, bob):
        carol = "https://remote.example/users/carol"
        remote_account("carol", carol)
        response = send(anon, bob, create(note(1, actor=carol), actor=carol))
        assert response.status_code == 401
        assert response.json() == {"error": "The signature's key does not belong to the activity's actor"}
        assert not IncomingActivity.objects.exists()
        assert not Status.objects.exists()

    def test_a_note_of_another_server_inside_bobs_create_is_refused(self, anon, bob):
        victim = note("v1", actor="https://victim.example/users/vic")
        row = deliver(anon, bob, {**create(victim), "id": f"{REMOTE}#create/v1", "actor": REMOTE})
        assert row.state == "failed"
        assert not Status.objects.exists()

    def test_a_create_whose_object_is_an_id_on_another_host_is_refused(self, anon, bob):
        row = deliver(anon, bob, {"id": f"{REMOTE}#create/x", "type": "Create", "actor": REMOTE,
                                  "object": "https://victim.example/objects/1"})
        assert row.state == "failed"
        assert row.error == "rejected: Object id and actor are on different hosts"

    def test_a_create_naming_its_object_by_id_fetches_it(self, anon, peer):
        carol = peer.carol
        obj = peer.serve(note("byid", actor=carol.remote_ap_id))
        activity = {"id": f"{peer.base}/activities/1", "type": "Create", "actor": carol.remote_ap_id,
                    "object": obj["id"]}
        assert deliver(anon, carol, activity).state == "done"
        assert Status.objects.get().ap_id == obj["id"]

    def test_activities_of_a_deactivated_actor_are_ignored(self, anon, bob):
        bob.is_active = False
        bob.save(update_fields=["is_active"])
        row = deliver(anon, bob, create(note(1)))
        assert row.state == "ignored"
        assert not Status.objects.exists()


class TestHostileDocuments:
    """Documents no sender should write: processed without a crash, nothing half-stored"""

    @pytest.mark.parametrize("fields", [
        {"id": "https://remote.example/objects/" + "x" * 2100},
        {"published": "2026-13-45T99:00:00Z", "updated": "garbage"},
        {"content": {"not": "a string"}, "summary": ["no"], "sensitive": "yes"},
        {"tag": ["a", 1, {"type": "Mention"}, {"type": "Hashtag", "name": "#" + "x" * 300},
                {"type": "Emoji", "name": ":a:", "icon": "not an object"}]},
        {"attachment": [{"url": {"href": 5}}, "junk", {"url": ["https://remote.example/a.png"], "mediaType": "bad"}]},
        {"inReplyTo": {"id": ["nested"]}, "quoteUrl": 7, "url": [{"href": None}], "to": "not-a-list"},
        {"contentMap": {"en": 5}, "@context": [{"@language": 7}]},
    ])
    def test_junk_fields_never_crash_the_worker(self, anon, bob, fields):
        activity = create({**note(1), **fields}, n=1)
        row = deliver(anon, bob, activity)
        assert row.state in ("done", "failed", "ignored"), row.error
        assert not row.error.startswith("error:"), row.error
        for status in Status.objects.all():
            assert status.account == bob

    def test_an_activity_id_too_long_to_keep_is_a_400(self, anon, bob):
        response = send(anon, bob, {**create(note(1)), "id": f"{REMOTE}#" + "x" * 2100})
        assert response.status_code == 400
        assert not IncomingActivity.objects.exists()
