"""A Fedify server (tests/interop/peer) and this one over https: each discovers, fetches,
follows and hears the other the way the fediverse does (reference/federation.md §1, §2,
§3.7, §8.1). The peer's inboxes verify our signatures with Fedify's own code; ours verify
the peer's."""

from __future__ import annotations

from accounts.models import User
from tests.factories import UserFactory
from tests.interop.conftest import OUR_HOST, PEER_HOST

AS = "https://www.w3.org/ns/activitystreams"
PUBLIC = f"{AS}#Public"


class TestDiscovery:
    """WebFinger and actor documents, both ways"""

    def test_we_resolve_the_fedify_actor_by_handle_and_by_url(self, pleroma, fedify):
        alice = fedify.create_actor("alice")
        UserFactory(nickname="bob")
        token = pleroma.token("bob")
        response = pleroma.get("/api/v2/search", token, params={
            "q": f"@alice@{PEER_HOST}", "resolve": "true", "type": "accounts"})
        assert response.status_code == 200, pleroma.log()[-3000:]
        [account] = response.json()["accounts"]
        assert account["acct"] == f"alice@{PEER_HOST}"
        assert account["username"] == "alice"
        assert account["url"] == alice["id"]
        assert account["pleroma"]["is_local"] is False
        stored = User.objects.get(remote_ap_id=alice["id"])
        assert stored.domain == PEER_HOST
        assert stored.inbox == alice["inbox"]
        assert stored.shared_inbox == f"https://{PEER_HOST}/inbox"
        assert stored.public_key_id == f"{alice['id']}#main-key"
        assert "BEGIN PUBLIC KEY" in stored.public_key_pem
        by_url = pleroma.get("/api/v2/search", token, params={
            "q": alice["id"], "resolve": "true", "type": "accounts"}).json()
        assert [a["id"] for a in by_url["accounts"]] == [account["id"]]
        assert User.objects.filter(domain=PEER_HOST).count() == 1

    def test_fedify_looks_up_our_actor_by_handle(self, pleroma, fedify):
        UserFactory(nickname="bob", display_name="Bob B.")
        found = fedify.lookup(f"@bob@{OUR_HOST}")
        assert found["found"], fedify.log()[-3000:]
        assert found["type"] == "Person"
        person = found["object"]
        assert person["id"] == f"https://{OUR_HOST}/users/bob"
        assert person["preferredUsername"] == "bob"
        assert person["name"] == "Bob B."
        assert person["inbox"] == f"https://{OUR_HOST}/users/bob/inbox"
        assert person["publicKey"]["id"] == f"https://{OUR_HOST}/users/bob#main-key"
        webfinger = fedify.control("POST", "webfinger", {"resource": f"acct:bob@{OUR_HOST}"})["descriptor"]
        assert webfinger["subject"] == f"acct:bob@{OUR_HOST}"
        assert {"rel": "self", "type": "application/activity+json",
                "href": f"https://{OUR_HOST}/users/bob"} in webfinger["links"]
