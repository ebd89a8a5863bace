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


def _post(pleroma, token: str, text: str, **fields) -> dict:
    response = pleroma.post("/api/v1/statuses", token, json={"status": text, **fields})
    assert response.status_code == 200, f"{response.status_code} {response.text}\n{pleroma.log()[-3000:]}"
    return response.json()


def _resolve(pleroma, token: str, query: str) -> dict:
    """An account of the peer, fetched by this server (search with resolve=true)."""
    response = pleroma.get("/api/v2/search", token, params={"q": query, "resolve": "true", "type": "accounts"})
    assert response.status_code == 200, pleroma.log()[-3000:]
    [account] = response.json()["accounts"]
    return account


class TestSignedFetch:
    """GET of objects: public ones to anyone, others only to a verified signer allowed to see them"""

    def test_fedify_fetches_our_public_status_signed_and_unsigned(self, pleroma, fedify):
        fedify.create_actor("carol")
        UserFactory(nickname="bob")
        status = _post(pleroma, pleroma.token("bob"), "hello from pleroma_py")
        found = fedify.lookup(status["uri"], signed_by="carol")
        assert found["found"], fedify.log()[-3000:]
        assert found["type"] == "Note"
        assert found["object"]["id"] == status["uri"]
        assert found["object"]["content"] == status["content"]
        assert found["object"]["attributedTo"] == f"https://{OUR_HOST}/users/bob"
        unsigned = fedify.fetch(status["uri"])
        assert unsigned["status"] == 200
        assert unsigned["contentType"].startswith("application/activity+json")

    def test_our_followers_only_status_is_served_to_a_fedify_follower_only(self, pleroma, fedify):
        from relationships.models import Follow

        carol = fedify.create_actor("carol")
        fedify.create_actor("dave")
        bob = UserFactory(nickname="bob")
        token = pleroma.token("bob")
        _resolve(pleroma, token, carol["id"])
        Follow.objects.create(follower=User.objects.get(remote_ap_id=carol["id"]), followed=bob,
                              state=Follow.State.ACCEPTED)
        status = _post(pleroma, token, "for my followers", visibility="private")
        assert fedify.fetch(status["uri"])["status"] == 404
        assert fedify.fetch(status["uri"], signed_by="dave")["status"] == 404  # not a follower
        signed = fedify.fetch(status["uri"], signed_by="carol")  # draft-cavage, verified by us
        assert signed["status"] == 200, pleroma.log()[-3000:]
        found = fedify.lookup(status["uri"], signed_by="carol")  # Fedify's own signed loader
        assert found["found"], fedify.log()[-3000:]
        assert found["object"]["content"] == status["content"]

    def test_we_fetch_a_fedify_note_and_a_private_one_only_as_its_addressee(self, pleroma, fedify, as_pleroma):
        from core import http
        from federation import client

        alice = fedify.create_actor("alice")
        bob = UserFactory(nickname="bob")
        UserFactory(nickname="eve")
        public_note = {"@context": AS, "id": f"{alice['id']}/notes/1", "type": "Note", "attributedTo": alice["id"],
                       "content": "<p>public from fedify</p>", "to": [PUBLIC], "cc": []}
        private_note = {"@context": AS, "id": f"{alice['id']}/notes/2", "type": "Note",
                        "attributedTo": alice["id"], "content": "<p>only for bob</p>", "to": [bob.ap_id]}
        fedify.control("POST", "notes", {"as": "alice", "note": public_note})
        fedify.control("POST", "notes", {"as": "alice", "note": private_note})
        fetched = client.fetch_object(public_note["id"])  # signed by our instance actor
        assert fetched["content"] == "<p>public from fedify</p>"
        accept = {"Accept": client.AP_ACCEPT}
        assert http.get(private_note["id"], headers=accept).status == 401
        assert client.signed_get(private_note["id"]).status == 401  # the instance actor is no addressee
        eve = User.objects.get(nickname="eve")
        assert http.get(private_note["id"], headers=accept, sign=client.user_signer(eve)).status == 401
        # bob's signature, verified by Fedify with the key it fetched from bob's actor
        answer = http.get(private_note["id"], headers=accept, sign=client.user_signer(bob))
        assert answer.status == 200, fedify.log()[-3000:]
        assert answer.json()["content"] == "<p>only for bob</p>"
