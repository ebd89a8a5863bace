"""Relays (reference/federation.md §6.4): the relay actor at /relay, GET/POST/DELETE
/api/v1/pleroma/admin/relay, `manage.py relay follow|unfollow|list`, and the Follow/Accept
handshake, with a signed Accept from the relay and between two running servers."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from federation import relay
from federation.models import Delivery, IncomingActivity, OutgoingActivity
from relationships.models import Follow
from tests.factories import UserFactory
from tests.mrf.conftest import process_all, send

AP = "application/activity+json"


@pytest.fixture
def relay_host(remote_on):
    """A relay actor this server already knows (no fetch needed)."""
    return remote_on("relay.example", "actor")


@pytest.fixture
def admin_api(api):
    return api(scopes=["admin:read:follows", "admin:write:follows"], is_admin=True)


def accept_from(remote, follow_payload: dict) -> dict:
    return {"id": f"{remote.remote_ap_id}#accepts/1", "type": "Accept", "actor": remote.remote_ap_id,
            "object": follow_payload}


class TestRelayActor:
    """GET /relay"""

    def test_is_an_application_actor_with_a_key(self, anon):
        response = anon.get("/relay", HTTP_ACCEPT=AP)
        assert response.status_code == 200
        document = json.loads(response.content)
        assert document["type"] == "Application"
        assert document["preferredUsername"] == "relay"
        assert document["id"] == f"{settings.PLEROMA_URL}/users/relay"
        assert "BEGIN PUBLIC KEY" in document["publicKey"]["publicKeyPem"]
        assert anon.get("/relay/followers", HTTP_ACCEPT=AP).status_code == 200

    def test_nobody_can_register_its_nickname(self, anon):
        from accounts.services import RESERVED_NICKNAMES

        assert "relay" in RESERVED_NICKNAMES


class TestAdminRelayApi:
    """GET/POST/DELETE /api/v1/pleroma/admin/relay"""

    def test_follow_accept_list_unfollow(self, admin_api, anon, relay_host, django_capture_on_commit_callbacks):
        assert admin_api.get("/api/v1/pleroma/admin/relay").json() == {"relays": []}
        with django_capture_on_commit_callbacks():
            response = admin_api.post("/api/v1/pleroma/admin/relay", {"relay_url": relay_host.remote_ap_id},
                                      format="json")
        assert response.status_code == 200
        assert response.json() == {"actor": relay_host.remote_ap_id, "followed_back": False, "accepted": False}
        actor = relay.relay_actor()
        assert Follow.objects.get(follower=actor, followed=relay_host).state == Follow.State.PENDING
        follow = OutgoingActivity.objects.get(payload__type="Follow")
        assert follow.payload["actor"] == actor.ap_id and follow.payload["object"] == relay_host.remote_ap_id
        assert list(Delivery.objects.values_list("inbox", flat=True)) == [relay_host.inbox]
        # the relay accepts, signed, at /relay/inbox
        assert send(anon, relay_host, accept_from(relay_host, follow.payload), path="/relay/inbox").status_code == 202
        process_all()
        assert IncomingActivity.objects.get(type="Accept").state == "done"
        assert Follow.objects.get(follower=actor, followed=relay_host).state == Follow.State.ACCEPTED
        assert admin_api.get("/api/v1/pleroma/admin/relay").json() == {
            "relays": [{"actor": relay_host.remote_ap_id, "followed_back": False, "accepted": True}]}
        # following again changes nothing
        admin_api.post("/api/v1/pleroma/admin/relay", {"relay_url": relay_host.remote_ap_id}, format="json")
        assert OutgoingActivity.objects.filter(payload__type="Follow").count() == 1
        with django_capture_on_commit_callbacks():
            response = admin_api.delete("/api/v1/pleroma/admin/relay", {"relay_url": relay_host.remote_ap_id},
                                        format="json")
        assert response.status_code == 200
        assert response.json() == relay_host.remote_ap_id
        undo = OutgoingActivity.objects.get(payload__type="Undo")
        assert undo.payload["object"]["id"] == follow.payload["id"]
        assert not Follow.objects.filter(follower=actor).exists()

    def test_unfollowing_an_unknown_relay_is_a_404(self, admin_api):
        response = admin_api.delete("/api/v1/pleroma/admin/relay", {"relay_url": "https://nope.example/actor"},
                                    format="json")
        assert response.status_code == 404
        assert response.json() == {"error": "Not subscribed to this relay"}

    def test_a_rejected_relay_is_refused(self, admin_api, settings, relay_host):
        settings.MRF_SIMPLE = {**settings.MRF_SIMPLE, "reject": ["relay.example"]}
        response = admin_api.post("/api/v1/pleroma/admin/relay", {"relay_url": relay_host.remote_ap_id},
                                  format="json")
        assert response.status_code == 422
        assert not Follow.objects.exists()

    @pytest.mark.parametrize("url", ["not a url", "ftp://relay.example/actor"])
    def test_a_bad_url_is_a_400(self, admin_api, url):
        response = admin_api.post("/api/v1/pleroma/admin/relay", {"relay_url": url}, format="json")
        assert response.status_code == 400
        assert "error" in response.json()

    def test_refuses_users_who_are_not_staff(self, api, relay_host):
        client = api(scopes=["admin:write:follows"])
        response = client.post("/api/v1/pleroma/admin/relay", {"relay_url": relay_host.remote_ap_id}, format="json")
        assert response.status_code == 403
        assert response.json() == {"error": "User is not a staff member."}


class TestRelayCommand:
    """manage.py relay follow|unfollow|list"""

    def run(self, *args) -> str:
        out = StringIO()
        call_command("relay", *args, stdout=out)
        return out.getvalue().strip()

    def test_follow_list_unfollow(self, relay_host, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks():
            assert self.run("follow", relay_host.remote_ap_id) == (
                f"{relay_host.remote_ap_id}: requested (waiting for the relay's Accept)")
        assert self.run("list") == f"{relay_host.remote_ap_id} (pending)"
        with django_capture_on_commit_callbacks():
            assert self.run("unfollow", relay_host.remote_ap_id) == f"{relay_host.remote_ap_id}: unfollowed"
        assert self.run("list") == ""

    def test_errors_are_command_errors(self):
        with pytest.raises(CommandError, match="Not subscribed to this relay"):
            self.run("unfollow", "https://nope.example/actor")


class TestRelayBetweenServers:
    """The relay actor of the first server follows an actor of the second, which accepts"""

    def test_the_handshake_completes(self, running_server, second_server, federating_worker):
        second_server.create_user("hub")
        hub = f"{second_server.url}/users/hub"
        assert "requested" in running_server.manage("relay", "follow", hub).stdout
        federating_worker.wait_for(lambda: Follow.objects.filter(follower__nickname="relay",
                                                                 state="accept").exists(), timeout=60)
        assert IncomingActivity.objects.get(type="Accept").state == "done"
        assert running_server.manage("relay", "list").stdout.strip() == f"{hub} (accepted)"


class TestRelayedPosts:
    """A relay's Announce of a post on another server, received at /relay/inbox"""

    def test_the_announced_post_is_fetched_and_shown_in_the_federated_timeline(
            self, running_server, second_server, federating_worker, remote_on):
        import orjson
        import requests

        from federation import signatures
        from statuses.models import Status

        second_server.create_user("carol")
        posted = second_server.post("/api/v1/statuses", second_server.token("carol"),
                                    data={"status": "relayed hello", "visibility": "public"})
        assert posted.status_code == 200, second_server.log()[-2000:]
        note_id = posted.json()["uri"]
        hub = remote_on("relay.example", "actor")
        announce = {"@context": "https://www.w3.org/ns/activitystreams", "id": f"{hub.remote_ap_id}/announces/1",
                    "type": "Announce", "actor": hub.remote_ap_id, "object": note_id,
                    "to": [f"{hub.remote_ap_id}/followers"], "cc": ["https://www.w3.org/ns/activitystreams#Public"]}
        body = orjson.dumps(announce)
        url = f"{running_server.url}/relay/inbox"
        headers = signatures.sign_headers("POST", url, key_id=hub.public_key_id, private_key_pem=hub.private_key_pem,
                                          body=body)
        answer = requests.post(url, data=body, headers={**headers, "Content-Type": "application/activity+json"},
                               timeout=30)
        assert answer.status_code == 202, answer.text
        federating_worker.wait_for(lambda: Status.objects.filter(ap_id=note_id).exists(), timeout=60)
        token = running_server.token(UserFactory(nickname="reader").nickname)
        public = running_server.get("/api/v1/timelines/public", token).json()
        shown = [item for item in public if item["uri"] == note_id]
        assert len(shown) == 1 and "relayed hello" in shown[0]["content"]
        assert shown[0]["reblog"] is None  # the post itself, not the relay's boost
