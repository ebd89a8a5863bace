"""Federation switches (reference/federation.md §0.2, §1.3, §2.5): PLEROMA_FEDERATING off
sends nothing and refuses inbox POSTs; PLEROMA_AUTHORIZED_FETCH refuses unsigned fetches of
objects and collections, keeps the instance actor open and reduces user actors to what a
signature check needs."""

from __future__ import annotations

import pytest

from federation.models import IncomingActivity, OutgoingActivity
from relationships.models import Follow
from tests.factories import StatusFactory, UserFactory
from tests.federation.conftest import AP, signed_get
from tests.federation.test_inbox import REMOTE, follow_activity, remote_actor, send_as_bob  # noqa: F401


class TestNotFederating:
    """PLEROMA_FEDERATING=false"""

    def test_inbox_posts_are_refused_and_nothing_is_stored(self, anon, remote_actor, settings):  # noqa: F811
        settings.FEDERATING = False
        alice = UserFactory(nickname="alice")
        for path in ("/inbox", "/users/alice/inbox"):
            response = send_as_bob(anon, remote_actor, follow_activity(alice), path=path)
            assert response.status_code == 403
            assert response.json() == {"error": "Not federating"}
        assert not IncomingActivity.objects.exists()

    def test_follows_of_remote_accounts_send_nothing(self, api, remote_actor, settings):  # noqa: F811
        from core import ids

        settings.FEDERATING = False
        client = api(scopes=["follow"])
        response = client.post(f"/api/v1/accounts/{ids.encode(remote_actor.pk)}/follow")
        assert response.status_code == 200
        assert Follow.objects.filter(follower=client.user, followed=remote_actor).exists()
        assert not OutgoingActivity.objects.exists()

    @pytest.mark.parametrize("federating", [True, False])
    def test_nodeinfo_and_instance_say_whether_the_server_federates(self, anon, settings, federating):
        settings.FEDERATING = federating
        nodeinfo = anon.get("/nodeinfo/2.0").json()
        assert nodeinfo["metadata"]["federation"]["enabled"] is federating
        instance = anon.get("/api/v1/instance").json()
        assert instance["pleroma"]["metadata"]["federation"]["enabled"] is federating


class TestAuthorizedFetch:
    """PLEROMA_AUTHORIZED_FETCH=true"""

    @pytest.fixture(autouse=True)
    def authorized_fetch(self, settings):
        settings.AUTHORIZED_FETCH = True

    @pytest.mark.parametrize("path", ["/users/alice/followers", "/users/alice/following",
                                      "/users/alice/outbox", "/users/alice/collections/featured", "status"])
    def test_unsigned_fetches_are_refused(self, anon, path):
        alice = UserFactory(nickname="alice")
        if path == "status":
            path = f"/objects/{_encode(StatusFactory(account=alice).pk)}"
        response = anon.get(path, HTTP_ACCEPT=AP)
        assert response.status_code == 401
        assert response.json() == {"error": "Request not signed"}

    def test_signed_fetches_are_answered(self, anon, sign_as):
        alice = UserFactory(nickname="alice")
        status = StatusFactory(account=alice)
        key_id, pem = sign_as(UserFactory(nickname="carol"))
        response = signed_get(anon, f"/objects/{_encode(status.pk)}", key_id=key_id, private_key_pem=pem)
        assert response.status_code == 200
        assert response.json()["id"] == status.uri
        assert signed_get(anon, "/users/alice/outbox", key_id=key_id, private_key_pem=pem).status_code == 200

    def test_the_instance_actor_and_discovery_stay_open(self, anon):
        assert anon.get("/internal/fetch", HTTP_ACCEPT=AP).status_code == 200
        assert anon.get("/.well-known/nodeinfo").status_code == 200
        assert anon.get("/nodeinfo/2.0").status_code == 200

    def test_an_unsigned_actor_fetch_gets_only_what_a_signature_check_needs(self, anon, sign_as):
        alice = UserFactory(nickname="alice", note="secret bio", note_html="<p>secret bio</p>")
        reduced = anon.get("/users/alice", HTTP_ACCEPT=AP)
        assert reduced.status_code == 200
        body = reduced.json()
        assert body["publicKey"]["owner"] == alice.ap_id
        assert body["inbox"] == f"{alice.ap_id}/inbox"
        assert "summary" not in body and "name" not in body
        key_id, pem = sign_as(UserFactory(nickname="carol"))
        full = signed_get(anon, "/users/alice", key_id=key_id, private_key_pem=pem).json()
        assert full["summary"] == "<p>secret bio</p>"

    def test_off_unsigned_fetches_are_answered(self, anon, settings):
        settings.AUTHORIZED_FETCH = False
        alice = UserFactory(nickname="alice")
        assert anon.get(f"/objects/{_encode(StatusFactory(account=alice).pk)}", HTTP_ACCEPT=AP).status_code == 200
        assert "summary" in anon.get("/users/alice", HTTP_ACCEPT=AP).json()


def _encode(pk) -> str:
    from core import ids

    return ids.encode(pk)
