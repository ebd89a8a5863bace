"""Two running instances of this server: remote accounts found by WebFinger and a signed
actor fetch, and signed fetches verified by the other side (reference/federation.md §1.1,
§2, §7). The first server is `running_server` (the test database), the second its own."""

from __future__ import annotations

import json

from accounts.models import User
from federation.models import ActorKey
from tests.factories import UserFactory


def _shell(server, code: str) -> str:
    """Run Python inside a server's environment (its database, settings and keys)."""
    return server.manage("shell", "-c", code).stdout.strip().splitlines()[-1]


def _wait_shell(server, code: str, expected: str, timeout: float = 60) -> str:
    """_shell() until it prints `expected` (the server's own worker runs meanwhile)."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        printed = _shell(server, code)
        if printed == expected or time.monotonic() > deadline:
            return printed
        time.sleep(0.5)


class TestRemoteAccountLookup:
    """GET /api/v1/accounts/lookup?acct=nick@host and /api/v2/search?resolve=true"""

    def test_lookup_fetches_the_remote_account_once(self, running_server, second_server):
        second_server.create_user("bob")
        UserFactory(nickname="alice")
        token = running_server.token("alice")
        acct = f"bob@{second_server.domain}"
        response = running_server.get("/api/v1/accounts/lookup", token, params={"acct": acct})
        assert response.status_code == 200, running_server.log()[-3000:]
        account = response.json()
        assert account["acct"] == acct
        assert account["username"] == "bob"
        assert account["fqn"] == acct
        assert account["url"] == f"{second_server.url}/users/bob"
        assert account["pleroma"]["is_local"] is False
        assert account["pleroma"]["ap_id"] == f"{second_server.url}/users/bob"
        stored = User.objects.get(nickname=acct)
        assert stored.domain == second_server.domain
        assert stored.inbox == f"{second_server.url}/users/bob/inbox"
        assert stored.shared_inbox == f"{second_server.url}/inbox"
        assert stored.public_key_id == f"{second_server.url}/users/bob#main-key"
        assert "BEGIN PUBLIC KEY" in stored.public_key_pem
        assert not stored.has_usable_password()
        # by id and by acct again: the stored row, no second account
        again = running_server.get(f"/api/v1/accounts/{account['id']}", token).json()
        assert again["acct"] == acct
        assert running_server.get("/api/v1/accounts/lookup", token, params={"acct": acct}).json()["id"] == account["id"]
        assert User.objects.filter(domain=second_server.domain, nickname=acct).count() == 1

    def test_anonymous_lookups_stay_local(self, running_server, second_server):
        second_server.create_user("bob")
        response = running_server.get("/api/v1/accounts/lookup", params={"acct": f"bob@{second_server.domain}"})
        assert response.status_code == 404
        assert not User.objects.filter(domain__isnull=False).exists()

    def test_an_unknown_remote_account_is_a_404(self, running_server, second_server):
        UserFactory(nickname="alice")
        token = running_server.token("alice")
        response = running_server.get("/api/v1/accounts/lookup", token,
                                      params={"acct": f"nobody@{second_server.domain}"})
        assert response.status_code == 404
        assert response.json() == {"error": "Record not found"}

    def test_search_resolves_a_handle_and_an_actor_url(self, running_server, second_server):
        second_server.create_user("carol")
        UserFactory(nickname="alice")
        token = running_server.token("alice")
        unresolved = running_server.get("/api/v2/search", token, params={"q": f"@carol@{second_server.domain}"})
        assert unresolved.json()["accounts"] == []
        response = running_server.get("/api/v2/search", token, params={
            "q": f"@carol@{second_server.domain}", "resolve": "true", "type": "accounts"})
        assert response.status_code == 200, running_server.log()[-3000:]
        assert [a["acct"] for a in response.json()["accounts"]] == [f"carol@{second_server.domain}"]
        by_url = running_server.get("/api/v2/search", token, params={
            "q": f"{second_server.url}/users/carol", "resolve": "true", "type": "accounts"}).json()
        assert [a["acct"] for a in by_url["accounts"]] == [f"carol@{second_server.domain}"]
        assert User.objects.filter(domain=second_server.domain).count() == 1


class TestSignedFetchBetweenServers:
    """A signed GET from the first server, verified by the second with the key it fetches"""

    def test_a_follower_sees_a_followers_only_post_and_the_instance_actor_does_not(
            self, running_server, second_server):
        UserFactory(nickname="alice")
        second_server.create_user("bob")
        # The second server knows alice (fetched from the first, signed) as bob's follower,
        # and bob posts to followers only.
        status_id = _shell(second_server, (
            "from accounts.models import User; from federation import actors;"
            "from relationships.models import Follow; from statuses.services import create_status;"
            f"alice = actors.refresh_actor('{running_server.url}/users/alice');"
            "bob = User.objects.get(nickname='bob');"
            "Follow.objects.create(follower=alice, followed=bob);"
            "print(create_status(bob, text='friends only', visibility='private').uri)"))
        assert status_id.startswith(f"{second_server.url}/objects/")
        fetch_as_alice = (
            "import json; from accounts.models import User; from federation import client;"
            f"r = client.http.get('{status_id}', headers={{'Accept': client.AP_ACCEPT}},"
            " sign=client.user_signer(User.objects.get(nickname='alice')));"
            "print(json.dumps([r.status, r.content.decode()]))")
        status, body = json.loads(_shell(running_server, fetch_as_alice))
        assert status == 200, second_server.log()[-3000:]
        note = json.loads(body)
        assert note["id"] == status_id
        assert note["content"] == "friends only"
        fetch_as_instance = (
            "import json; from federation import client;"
            f"r = client.signed_get('{status_id}');"
            "print(json.dumps([r.status, r.content.decode()]))")
        status, _ = json.loads(_shell(running_server, fetch_as_instance))
        assert status == 404
        # the second server fetched the first's instance actor to verify that signature
        assert _shell(second_server, (
            "from accounts.models import User;"
            f"print(User.objects.filter(remote_ap_id='{running_server.url}/internal/fetch').count())")) == "1"
        assert ActorKey.objects.filter(instance_actor=True).count() == 1

    def test_a_signature_by_a_key_the_actor_does_not_list_is_refused(self, running_server, second_server):
        second_server.create_user("bob")
        public_id = _shell(second_server, (
            "from accounts.models import User; from statuses.services import create_status;"
            "print(create_status(User.objects.get(nickname='bob'), text='open', visibility='public').uri)"))
        forged = (
            "import json; from federation import client, keys;"
            "_, pem = keys.generate_pem_pair();"
            f"sign = client._signer('{running_server.url}/internal/fetch#main-key', pem);"
            f"r = client.http.get('{public_id}', headers={{'Accept': client.AP_ACCEPT}}, sign=sign);"
            "print(json.dumps([r.status, r.content.decode()]))")
        status, body = json.loads(_shell(running_server, forged))
        assert status == 401
        assert json.loads(body)["error"] == f"Verification failed for {running_server.url}/internal/fetch#main-key"


class TestFollowBetweenServers:
    """A Follow sent to the first server's inbox, processed by a real worker, answered with
    an Accept that the second server's inbox verifies and applies"""

    def test_follow_then_accept_then_undo(self, running_server, second_server, federating_worker):
        from federation.models import Delivery, IncomingActivity
        from relationships.models import Follow

        UserFactory(nickname="alice")
        second_server.create_user("bob")
        alice_id = f"{running_server.url}/users/alice"
        # bob's server records the request and sends the Follow (signed by bob) to alice's inbox
        sent = _shell(second_server, (
            "import json; from accounts.models import User; from federation import actors, client;"
            "from relationships.models import Follow;"
            f"alice = actors.refresh_actor('{alice_id}'); bob = User.objects.get(nickname='bob');"
            "Follow.objects.create(follower=bob, followed=alice, state='pending');"
            f"follow = {{'id': bob.ap_id + '#follows/1', 'type': 'Follow', 'actor': bob.ap_id, 'object': '{alice_id}'}};"
            "r = client.signed_post(alice.inbox, follow, bob); print(json.dumps([r.status, alice.inbox]))"))
        status, inbox = json.loads(sent)
        assert status == 202, running_server.log()[-3000:]
        assert inbox == f"{alice_id}/inbox"
        federating_worker.wait_for(lambda: Follow.objects.filter(followed__nickname="alice", state="accept").exists())
        assert IncomingActivity.objects.get(type="Follow").state == "done"
        federating_worker.wait_for(lambda: Delivery.objects.filter(state="done").exists())
        # the Accept reached bob's server, verified with alice's key, and bob follows alice there
        assert _wait_shell(second_server, (
            "from relationships.models import Follow; from federation.models import IncomingActivity;"
            "print(IncomingActivity.objects.filter(type='Accept').values_list('state', flat=True).first(),"
            " Follow.objects.get(follower__nickname='bob').state)"), "done accept") == "done accept", \
            second_server.log()[-3000:]
        # Undo: alice loses her follower
        undone = _shell(second_server, (
            "from accounts.models import User; from federation import client;"
            f"bob = User.objects.get(nickname='bob'); alice = User.objects.get(remote_ap_id='{alice_id}');"
            "undo = {'id': bob.ap_id + '#undo/1', 'type': 'Undo', 'actor': bob.ap_id,"
            f" 'object': {{'id': bob.ap_id + '#follows/1', 'type': 'Follow', 'actor': bob.ap_id, 'object': '{alice_id}'}}}};"
            "print(client.signed_post(alice.inbox, undo, bob).status)"))
        assert undone == "202"
        federating_worker.wait_for(lambda: IncomingActivity.objects.filter(type="Undo", state="done").exists())
        assert not Follow.objects.exists()
