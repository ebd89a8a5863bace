"""A Fedify server (tests/interop/peer) and this one over https: each discovers, fetches,
follows and hears the other the way the fediverse does (reference/federation.md §1, §2,
§3.7, §8.1). The peer's inboxes verify our signatures with Fedify's own code; ours verify
the peer's."""

from __future__ import annotations

import requests

from accounts.models import User
from core import ids
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


def _follow(actor: dict, target_id: str, number: int = 1) -> dict:
    return {"@context": AS, "id": f"{actor['id']}/follows/{number}", "type": "Follow",
            "actor": actor["id"], "object": target_id}


class TestFollowFromFedify:
    """A Fedify actor follows our account: our Accept (or Reject) verified by Fedify"""

    def test_an_unlocked_account_accepts_and_fedify_verifies_the_accept(self, pleroma, fedify):
        from relationships.models import Follow

        alice = fedify.create_actor("alice")
        bob = UserFactory(nickname="bob")
        follow = _follow(alice, f"https://{OUR_HOST}/users/bob")
        fedify.send("alice", [follow["object"]], follow)
        accept = fedify.wait_received("Accept", server=pleroma)
        assert accept["actor"] == f"https://{OUR_HOST}/users/bob"
        assert accept["recipient"] in ("alice", None)
        inner = accept["activity"]["object"]
        assert (inner["id"] if isinstance(inner, dict) else inner) == follow["id"]
        row = Follow.objects.get(followed=bob)
        assert row.state == Follow.State.ACCEPTED
        assert row.follower.remote_ap_id == alice["id"]
        token = pleroma.token("bob")
        followers = pleroma.get(f"/api/v1/accounts/{ids.encode(bob.pk)}/followers", token).json()
        assert [a["acct"] for a in followers] == [f"alice@{PEER_HOST}"]

    def test_undo_of_the_follow_removes_the_follower(self, pleroma, fedify):
        from relationships.models import Follow

        alice = fedify.create_actor("alice")
        UserFactory(nickname="bob")
        follow = _follow(alice, f"https://{OUR_HOST}/users/bob")
        fedify.send("alice", [follow["object"]], follow)
        fedify.wait_received("Accept", server=pleroma)
        undo = {"@context": AS, "id": f"{alice['id']}/undos/1", "type": "Undo", "actor": alice["id"],
                "object": follow}
        fedify.send("alice", [follow["object"]], undo)
        pleroma.until(lambda: not Follow.objects.exists())

    def test_a_locked_account_answers_when_it_authorizes_or_rejects(self, pleroma, fedify):
        from relationships.models import Follow

        alice = fedify.create_actor("alice")
        carol = fedify.create_actor("carol")
        UserFactory(nickname="bob", locked=True)
        bob_id = f"https://{OUR_HOST}/users/bob"
        token = pleroma.token("bob")
        fedify.send("alice", [bob_id], _follow(alice, bob_id))
        fedify.send("carol", [bob_id], _follow(carol, bob_id))
        requests_ = pleroma.until(lambda: len(pleroma.get("/api/v1/follow_requests", token).json()) == 2
                                            and pleroma.get("/api/v1/follow_requests", token).json())
        by_acct = {a["acct"]: a["id"] for a in requests_}
        assert set(by_acct) == {f"alice@{PEER_HOST}", f"carol@{PEER_HOST}"}
        assert fedify.received("Accept") == []
        assert pleroma.post(f"/api/v1/follow_requests/{by_acct[f'alice@{PEER_HOST}']}/authorize",
                            token).status_code == 200
        assert pleroma.post(f"/api/v1/follow_requests/{by_acct[f'carol@{PEER_HOST}']}/reject",
                            token).status_code == 200
        accept = fedify.wait_received("Accept", server=pleroma)
        reject = fedify.wait_received("Reject", server=pleroma)
        assert accept["recipient"] in ("alice", None) and accept["actor"] == bob_id
        assert reject["recipient"] in ("carol", None) and reject["actor"] == bob_id
        assert {r.follower.remote_ap_id: r.state for r in Follow.objects.select_related("follower")} == {
            alice["id"]: Follow.State.ACCEPTED}


class TestFollowOfFedify:
    """Our account follows a Fedify actor: their Accept verified by us"""

    def test_their_accept_of_our_follow_is_verified_and_applied(self, pleroma, fedify):
        from relationships.models import Follow

        alice = fedify.create_actor("alice", locked=True)
        bob = UserFactory(nickname="bob")
        token = pleroma.token("bob")
        _resolve(pleroma, token, alice["id"])
        remote = User.objects.get(remote_ap_id=alice["id"])
        # the request as this server records it (the API path is the next test's)
        Follow.objects.create(follower=bob, followed=remote, state=Follow.State.PENDING)
        bob_id = f"https://{OUR_HOST}/users/bob"
        accept = {"@context": AS, "id": f"{alice['id']}/accepts/1", "type": "Accept", "actor": alice["id"],
                  "object": {"id": f"{bob_id}#follows/1", "type": "Follow", "actor": bob_id, "object": alice["id"]}}
        fedify.send("alice", [bob_id], accept)
        pleroma.until(lambda: Follow.objects.get(follower=bob).state == Follow.State.ACCEPTED)
        relationship = pleroma.get("/api/v1/accounts/relationships", token,
                                   params={"id[]": ids.encode(remote.pk)}).json()
        assert relationship[0]["following"] is True
        assert relationship[0]["requested"] is False

    def test_their_reject_of_our_follow_request_removes_it(self, pleroma, fedify):
        from relationships.models import Follow

        alice = fedify.create_actor("alice", locked=True)
        bob = UserFactory(nickname="bob")
        token = pleroma.token("bob")
        account = _resolve(pleroma, token, alice["id"])
        Follow.objects.create(follower=bob, followed=User.objects.get(remote_ap_id=alice["id"]),
                              state=Follow.State.PENDING)
        bob_id = f"https://{OUR_HOST}/users/bob"
        reject = {"@context": AS, "id": f"{alice['id']}/rejects/1", "type": "Reject", "actor": alice["id"],
                  "object": {"id": f"{bob_id}#follows/1", "type": "Follow", "actor": bob_id, "object": alice["id"]}}
        fedify.send("alice", [bob_id], reject)
        pleroma.until(lambda: not Follow.objects.exists())
        relationship = pleroma.get("/api/v1/accounts/relationships", token, params={"id[]": account["id"]}).json()
        assert (relationship[0]["following"], relationship[0]["requested"]) == (False, False)

    def test_following_through_the_api_sends_a_follow_that_fedify_accepts(self, pleroma, fedify):
        alice = fedify.create_actor("alice")
        UserFactory(nickname="bob")
        token = pleroma.token("bob")
        account = _resolve(pleroma, token, alice["id"])
        response = pleroma.post(f"/api/v1/accounts/{account['id']}/follow", token)
        assert response.status_code == 200
        follow = fedify.wait_received("Follow", server=pleroma)
        assert follow["actor"] == f"https://{OUR_HOST}/users/bob"
        assert follow["activity"]["object"] == alice["id"]
        assert fedify.control("GET", "followers?identifier=alice") == [f"https://{OUR_HOST}/users/bob"]

        def followed():
            relationship = pleroma.get("/api/v1/accounts/relationships", token,
                                       params={"id[]": account["id"]}).json()[0]
            return relationship["following"] and not relationship["requested"]

        pleroma.until(followed)


# --- posts and interactions ---------------------------------------------------------------

def _note(actor: dict, number: int, content: str, **fields) -> dict:
    note = {"id": f"{actor['id']}/notes/{number}", "type": "Note", "attributedTo": actor["id"],
            "content": content, "published": "2026-01-01T00:00:00Z", "to": [PUBLIC],
            "cc": [f"{actor['id']}/followers"]}
    note.update(fields)
    return note


def _activity(actor: dict, kind: str, number: int, obj, **fields) -> dict:
    activity = {"@context": AS, "id": f"{actor['id']}/{kind.lower()}s/{number}", "type": kind,
                "actor": actor["id"], "object": obj}
    activity.update(fields)
    return activity


def _create(actor: dict, note: dict) -> dict:
    return _activity(actor, "Create", int(note["id"].rsplit("/", 1)[-1]), note, to=note["to"], cc=note["cc"])


def _addressees(activity: dict, field: str) -> list[str]:
    """`to`/`cc` of a received activity as full ids (Fedify compacts the public one to as:Public)."""
    value = activity.get(field) or []
    values = value if isinstance(value, list) else [value]
    return [PUBLIC if v in ("as:Public", "Public") else v for v in values]


def _following(pleroma, fedify, nickname: str = "bob", identifier: str = "alice") -> tuple[dict, str]:
    """(the peer's actor, our user's token): our user follows the peer's actor, accepted."""
    from relationships.models import Follow

    actor = fedify.create_actor(identifier)
    user = User.objects.filter(nickname=nickname).first() or UserFactory(nickname=nickname)
    token = pleroma.token(nickname)
    _resolve(pleroma, token, actor["id"])
    Follow.objects.create(follower=user, followed=User.objects.get(remote_ap_id=actor["id"]),
                          state=Follow.State.ACCEPTED)
    return actor, token


def _followed_by(pleroma, fedify, nickname: str = "bob", identifier: str = "alice") -> tuple[dict, str]:
    """(the peer's actor, our user's token): the peer's actor follows our user, accepted."""
    actor = fedify.create_actor(identifier)
    if not User.objects.filter(nickname=nickname).exists():
        UserFactory(nickname=nickname)
    token = pleroma.token(nickname)
    follow = _follow(actor, f"https://{OUR_HOST}/users/{nickname}")
    fedify.send(identifier, [follow["object"]], follow)
    fedify.wait_received("Accept", server=pleroma)
    return actor, token


def _local_id_of(pleroma, ap_id: str) -> str:
    """The client API id of the status this server stored for a remote object id."""
    from statuses.models import Status

    status = pleroma.until(lambda: Status.objects.filter(ap_id=ap_id).first())
    return ids.encode(status.pk)


class TestApiFollowOfFedify:
    """POST /api/v1/accounts/:id/follow and /unfollow of a Fedify actor"""

    def test_following_a_locked_actor_waits_for_its_accept(self, pleroma, fedify):
        alice = fedify.create_actor("alice", locked=True)
        UserFactory(nickname="bob")
        token = pleroma.token("bob")
        account = _resolve(pleroma, token, alice["id"])
        response = pleroma.post(f"/api/v1/accounts/{account['id']}/follow", token)
        assert response.status_code == 200
        assert (response.json()["following"], response.json()["requested"]) == (False, True)
        follow = fedify.wait_received("Follow", server=pleroma)
        assert fedify.received("Accept") == []
        accept = {"@context": AS, "id": f"{alice['id']}/accepts/1", "type": "Accept", "actor": alice["id"],
                  "object": follow["activity"]}
        fedify.send("alice", [follow["actor"]], accept)

        def relationship():
            return pleroma.get("/api/v1/accounts/relationships", token, params={"id[]": account["id"]}).json()[0]

        pleroma.until(lambda: relationship()["following"])
        assert relationship()["requested"] is False

    def test_unfollowing_sends_an_undo_that_removes_the_follower_there(self, pleroma, fedify):
        alice = fedify.create_actor("alice")
        UserFactory(nickname="bob")
        token = pleroma.token("bob")
        account = _resolve(pleroma, token, alice["id"])
        assert pleroma.post(f"/api/v1/accounts/{account['id']}/follow", token).status_code == 200
        fedify.wait_received("Follow", server=pleroma)
        assert fedify.control("GET", "followers?identifier=alice") == [f"https://{OUR_HOST}/users/bob"]
        assert pleroma.post(f"/api/v1/accounts/{account['id']}/unfollow", token).status_code == 200
        undo = fedify.wait_received("Undo", server=pleroma)
        assert undo["actor"] == f"https://{OUR_HOST}/users/bob"
        assert fedify.control("GET", "followers?identifier=alice") == []


class TestHostileInput:
    """What a verifying server must refuse, sent by a real Fedify server"""

    def test_an_activity_whose_actor_is_not_the_signer_is_refused(self, pleroma, fedify):
        from federation.models import IncomingActivity

        fedify.create_actor("alice")
        carol = fedify.create_actor("carol")
        UserFactory(nickname="bob")
        bob_id = f"https://{OUR_HOST}/users/bob"
        forged = _follow(carol, bob_id)  # carol's Follow, signed with alice's key
        response = requests.post(f"{fedify.url}/_control/send", json={"as": "alice", "to": [bob_id],
                                                                       "activity": forged}, timeout=60)
        assert response.status_code == 500  # Fedify's delivery failed: our inbox refused it
        assert "401" in response.json()["error"], response.text
        assert not IncomingActivity.objects.exists()
        assert fedify.received("Accept") == []


class TestPostsFromFedify:
    """Create{Note} from Fedify, verified by us, shown to our accounts"""

    def test_a_public_post_reaches_the_home_timeline_of_our_follower(self, pleroma, fedify):
        alice, token = _following(pleroma, fedify)
        note = _note(alice, 1, "<p>hello from fedify</p>")
        fedify.send("alice", [f"https://{OUR_HOST}/users/bob"], _create(alice, note))

        def home():
            statuses = pleroma.get("/api/v1/timelines/home", token).json()
            return [s for s in statuses if s["uri"] == note["id"]]

        [status] = pleroma.until(home)
        assert status["content"] == "<p>hello from fedify</p>"
        assert status["account"]["acct"] == f"alice@{PEER_HOST}"
        assert status["visibility"] == "public"

    def test_a_reply_mentioning_our_user_is_threaded_and_notified(self, pleroma, fedify):
        alice, token = _followed_by(pleroma, fedify)
        ours = _post(pleroma, token, "what do you think?")
        bob_id = f"https://{OUR_HOST}/users/bob"
        reply = _note(alice, 2, f'<p><a href="{bob_id}" class="mention">@bob</a> yes</p>', inReplyTo=ours["uri"],
                      cc=[bob_id, f"{alice['id']}/followers"], tag=[{"type": "Mention", "href": bob_id,
                                                                     "name": f"@bob@{OUR_HOST}"}])
        fedify.send("alice", [bob_id], _create(alice, reply))
        reply_id = _local_id_of(pleroma, reply["id"])
        context = pleroma.get(f"/api/v1/statuses/{ours['id']}/context", token).json()
        assert [s["id"] for s in context["descendants"]] == [reply_id]
        status = pleroma.get(f"/api/v1/statuses/{reply_id}", token).json()
        assert status["in_reply_to_id"] == ours["id"]
        assert [m["acct"] for m in status["mentions"]] == ["bob"]
        notifications = pleroma.get("/api/v1/notifications", token, params={"types[]": "mention"}).json()
        assert [(n["type"], n["status"]["id"]) for n in notifications] == [("mention", reply_id)]

    def test_update_then_delete_of_their_post(self, pleroma, fedify):
        alice, token = _following(pleroma, fedify)
        note = _note(alice, 3, "<p>first version</p>")
        bob_id = f"https://{OUR_HOST}/users/bob"
        fedify.send("alice", [bob_id], _create(alice, note))
        status_id = _local_id_of(pleroma, note["id"])
        edited = {**note, "content": "<p>second version</p>", "updated": "2026-01-02T00:00:00Z"}
        fedify.send("alice", [bob_id], _activity(alice, "Update", 3, edited, to=note["to"], cc=note["cc"]))
        pleroma.until(lambda: pleroma.get(f"/api/v1/statuses/{status_id}", token).json()["content"]
                                == "<p>second version</p>")
        tombstone = {"id": note["id"], "type": "Tombstone"}
        fedify.send("alice", [bob_id], _activity(alice, "Delete", 3, tombstone, to=[PUBLIC]))
        pleroma.until(lambda: pleroma.get(f"/api/v1/statuses/{status_id}", token).status_code == 404)


class TestInteractionsFromFedify:
    """Like, Announce, their Undo, and Block from a Fedify actor"""

    def test_like_and_announce_are_counted_notified_and_undone(self, pleroma, fedify):
        alice, token = _followed_by(pleroma, fedify)
        ours = _post(pleroma, token, "count me")
        bob_id = f"https://{OUR_HOST}/users/bob"
        like = _activity(alice, "Like", 1, ours["uri"])
        announce = _activity(alice, "Announce", 1, ours["uri"], to=[PUBLIC], cc=[bob_id])
        fedify.send("alice", [bob_id], like)
        fedify.send("alice", [bob_id], announce)

        def counts():
            status = pleroma.get(f"/api/v1/statuses/{ours['id']}", token).json()
            return status["favourites_count"], status["reblogs_count"]

        pleroma.until(lambda: counts() == (1, 1))
        notifications = pleroma.get("/api/v1/notifications", token).json()
        assert sorted((n["type"], n["account"]["acct"]) for n in notifications if n["type"] != "follow") == [
            ("favourite", f"alice@{PEER_HOST}"), ("reblog", f"alice@{PEER_HOST}")]
        favourited_by = pleroma.get(f"/api/v1/statuses/{ours['id']}/favourited_by", token).json()
        assert [a["acct"] for a in favourited_by] == [f"alice@{PEER_HOST}"]
        fedify.send("alice", [bob_id], _activity(alice, "Undo", 1, like))
        fedify.send("alice", [bob_id], _activity(alice, "Undo", 2, announce))
        pleroma.until(lambda: counts() == (0, 0))

    def test_a_block_removes_the_follows_both_ways(self, pleroma, fedify):
        from relationships.models import Follow

        alice, token = _followed_by(pleroma, fedify)
        remote = User.objects.get(remote_ap_id=alice["id"])
        bob = User.objects.get(nickname="bob")
        Follow.objects.create(follower=bob, followed=remote, state=Follow.State.ACCEPTED)
        bob_id = f"https://{OUR_HOST}/users/bob"
        fedify.send("alice", [bob_id], _activity(alice, "Block", 1, bob_id))
        pleroma.until(lambda: not Follow.objects.exists())
        relationship = pleroma.get("/api/v1/accounts/relationships", token,
                                   params={"id[]": ids.encode(remote.pk)}).json()[0]
        assert relationship["following"] is False
        assert relationship["followed_by"] is False


class TestPostsToFedify:
    """What our accounts do reaches the Fedify inbox, our signature verified by Fedify"""

    def test_a_public_post_reaches_the_fedify_follower(self, pleroma, fedify):
        _, token = _followed_by(pleroma, fedify)
        ours = _post(pleroma, token, "hello fedify")
        create = fedify.wait_received("Create", server=pleroma)
        assert create["actor"] == f"https://{OUR_HOST}/users/bob"
        note = create["activity"]["object"]
        assert note["id"] == ours["uri"]
        assert note["content"] == ours["content"]
        assert PUBLIC in _addressees(create["activity"], "to")

    def test_a_delete_of_our_post_reaches_fedify(self, pleroma, fedify):
        _, token = _followed_by(pleroma, fedify)
        ours = _post(pleroma, token, "soon gone")
        fedify.wait_received("Create", server=pleroma)
        assert pleroma.request("DELETE", f"/api/v1/statuses/{ours['id']}", token).status_code == 200
        delete = fedify.wait_received("Delete", server=pleroma)
        assert delete["actor"] == f"https://{OUR_HOST}/users/bob"
        deleted = delete["activity"]["object"]
        assert (deleted["id"] if isinstance(deleted, dict) else deleted) == ours["uri"]

    def test_an_edit_of_our_post_reaches_fedify(self, pleroma, fedify):
        _, token = _followed_by(pleroma, fedify)
        ours = _post(pleroma, token, "first")
        fedify.wait_received("Create", server=pleroma)
        edited = pleroma.request("PUT", f"/api/v1/statuses/{ours['id']}", token, json={"status": "second"})
        assert edited.status_code == 200, edited.text
        update = fedify.wait_received("Update", server=pleroma)
        assert update["activity"]["object"]["id"] == ours["uri"]
        assert "second" in update["activity"]["object"]["content"]

    def test_like_announce_and_block_of_fedify_reach_its_inbox(self, pleroma, fedify):
        alice, token = _following(pleroma, fedify)
        note = _note(alice, 1, "<p>like me</p>")
        fedify.send("alice", [f"https://{OUR_HOST}/users/bob"], _create(alice, note))
        status_id = _local_id_of(pleroma, note["id"])
        assert pleroma.post(f"/api/v1/statuses/{status_id}/favourite", token).status_code == 200
        like = fedify.wait_received("Like", server=pleroma)
        assert like["activity"]["object"] == note["id"]
        assert pleroma.post(f"/api/v1/statuses/{status_id}/reblog", token).status_code == 200
        announce = fedify.wait_received("Announce", server=pleroma)
        assert announce["activity"]["object"] == note["id"]
        assert pleroma.post(f"/api/v1/statuses/{status_id}/unfavourite", token).status_code == 200
        fedify.wait_received("Undo", lambda item: "Like" in str(item["activity"]["object"]), server=pleroma)
        remote_id = ids.encode(User.objects.get(remote_ap_id=alice["id"]).pk)
        assert pleroma.post(f"/api/v1/accounts/{remote_id}/block", token).status_code == 200
        block = fedify.wait_received("Block", server=pleroma)
        assert block["activity"]["object"] == alice["id"]

    def test_a_followers_only_post_is_addressed_to_followers_and_not_public(self, pleroma, fedify):
        _, token = _followed_by(pleroma, fedify)
        ours = _post(pleroma, token, "just for followers", visibility="private")
        create = fedify.wait_received("Create", server=pleroma)
        assert create["activity"]["object"]["id"] == ours["uri"]
        addressed = _addressees(create["activity"], "to") + _addressees(create["activity"], "cc")
        assert f"https://{OUR_HOST}/users/bob/followers" in addressed
        assert PUBLIC not in addressed

    def test_a_direct_message_reaches_the_mentioned_actor_only(self, pleroma, fedify):
        alice = fedify.create_actor("alice")
        UserFactory(nickname="bob")
        token = pleroma.token("bob")
        _resolve(pleroma, token, alice["id"])
        ours = _post(pleroma, token, f"@alice@{PEER_HOST} just us", visibility="direct")
        create = fedify.wait_received("Create", server=pleroma)
        assert create["recipient"] in ("alice", None)
        note = create["activity"]["object"]
        assert note["id"] == ours["uri"]
        assert _addressees(create["activity"], "to") == [alice["id"]]
        assert PUBLIC not in _addressees(create["activity"], "cc")
        tags = note.get("tag") or []
        tags = tags if isinstance(tags, list) else [tags]
        assert [t["href"] for t in tags if t.get("type") == "Mention"] == [alice["id"]]

    def test_our_reply_to_their_post_names_it_and_reaches_them(self, pleroma, fedify):
        alice, token = _following(pleroma, fedify)
        note = _note(alice, 1, "<p>reply to me</p>")
        fedify.send("alice", [f"https://{OUR_HOST}/users/bob"], _create(alice, note))
        status_id = _local_id_of(pleroma, note["id"])
        ours = _post(pleroma, token, f"@alice@{PEER_HOST} here you go", in_reply_to_id=status_id)
        assert ours["in_reply_to_id"] == status_id
        create = fedify.wait_received("Create", server=pleroma)
        assert create["activity"]["object"]["id"] == ours["uri"]
        assert create["activity"]["object"]["inReplyTo"] == note["id"]
