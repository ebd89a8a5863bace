"""End to end: imports and deletion through a real Celery worker on Redis, an MFA login
against a running server, and aliases, moves and remote interaction between two running
instances on loopback ports."""

import time

import pyotp
from rest_framework.test import APIClient

from accounts import services
from accounts.models import User
from relationships.models import Follow, Import
from statuses import services as status_services
from statuses.models import Status
from tests.factories import PASSWORD, AppFactory, UserFactory


def _client(user, scopes=("read", "write", "follow")) -> APIClient:
    token, _ = services.issue_token(AppFactory(), user, list(scopes))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token.token}")
    return client


class TestImportThroughAWorker:
    """POST /api/pleroma/follow_import with a real worker"""

    def test_the_worker_follows_and_a_second_run_changes_nothing(self, celery_worker_process):
        from relationships import tasks

        importer = UserFactory()
        targets = [UserFactory(nickname=f"t{i}") for i in range(3)]
        response = _client(importer).post("/api/pleroma/follow_import", {"list": "t0 t1\nt2 nobody"})
        assert response.status_code == 200
        import_id = response["Location"].rsplit("/", 1)[-1]

        def finished():
            return Import.objects.filter(state=Import.State.DONE).first()

        batch = celery_worker_process.wait_for(finished)
        assert batch.processed == 4
        assert Follow.objects.filter(follower=importer, followed__in=targets).count() == 3
        shown = _client(importer).get(f"/api/v1/pleroma/imports/{import_id}").json()
        assert [i["outcome"] for i in shown["items"]] == ["done", "done", "done", "skipped"]

        Import.objects.filter(pk=batch.pk).update(state=Import.State.RUNNING)
        tasks.run_import.delay(str(batch.pk))
        celery_worker_process.wait_for(finished)
        assert [User.objects.get(pk=t.pk).followers_count for t in targets] == [1, 1, 1]
        assert Follow.objects.filter(follower=importer).count() == 3


class TestDeletionThroughAWorker:
    """POST /api/pleroma/delete_account with a real worker"""

    def test_the_worker_removes_the_data(self, celery_worker_process):
        user, friend = UserFactory(), UserFactory()
        status_services.create_status(user, text="to be removed")
        Follow.objects.create(follower=friend, followed=user)
        response = _client(user, ["write:accounts"]).post("/api/pleroma/delete_account", {"password": PASSWORD})
        assert response.json() == {"status": "success"}
        celery_worker_process.wait_for(lambda: not Status.objects.filter(account=user).exists()
                                       and not Follow.objects.filter(followed=user).exists())
        row = User.objects.get(pk=user.pk)
        assert row.is_deleted and row.nickname == user.nickname


class TestMfaLoginAgainstARunningServer:
    """POST /oauth/token then POST /oauth/mfa/challenge over HTTP"""

    def test_login_with_totp_and_with_a_backup_code(self, running_server):
        running_server.create_user("secure")
        token = running_server.token("secure", scopes="read write")
        key = running_server.get("/api/pleroma/accounts/mfa/setup/totp", token).json()["key"]
        totp = pyotp.TOTP(key)
        confirmed = running_server.post("/api/pleroma/accounts/mfa/confirm/totp", token,
                                        data={"password": PASSWORD, "code": totp.now()})
        assert confirmed.status_code == 200, confirmed.text
        codes = running_server.get("/api/pleroma/accounts/mfa/backup_codes", token).json()["codes"]
        app = running_server.register_app()
        credentials = {"client_id": app["client_id"], "client_secret": app["client_secret"]}

        def start():
            answer = running_server.post("/oauth/token", data={
                "grant_type": "password", "username": "secure", "password": PASSWORD, "scope": "read",
                **credentials})
            assert answer.status_code == 403 and answer.json()["error"] == "mfa_required"
            return answer.json()["mfa_token"]

        by_totp = running_server.post("/oauth/mfa/challenge", data={
            **credentials, "mfa_token": start(), "challenge_type": "totp", "code": totp.at(time.time() + 30)})
        assert by_totp.status_code == 200, by_totp.text
        me = running_server.get("/api/v1/accounts/verify_credentials", by_totp.json()["access_token"])
        assert me.json()["username"] == "secure"
        by_code = running_server.post("/oauth/mfa/challenge", data={
            **credentials, "mfa_token": start(), "challenge_type": "recovery", "code": codes[0]})
        assert by_code.status_code == 200
        reused = running_server.post("/oauth/mfa/challenge", data={
            **credentials, "mfa_token": start(), "challenge_type": "recovery", "code": codes[0]})
        assert reused.json() == {"error": "Invalid code"}


class TestBetweenTwoInstances:
    """aliases, move_account and remote_interaction across two running servers"""

    def test_alias_then_move_to_an_account_on_the_other_server(self, running_server, second_server):
        running_server.create_user("alice")
        running_server.create_user("fan")
        second_server.create_user("bob")
        alice, fan = running_server.token("alice"), running_server.token("fan")
        bob = second_server.token("bob")
        alice_id = running_server.get("/api/v1/accounts/verify_credentials", alice).json()["id"]
        running_server.post(f"/api/v1/accounts/{alice_id}/follow", fan)

        refused = running_server.post("/api/pleroma/move_account", alice, data={
            "password": PASSWORD, "target_account": f"bob@{second_server.domain}"})
        assert refused.json() == {"error": "Target account must have the origin in `alsoKnownAs`"}

        added = second_server.request("PUT", "/api/pleroma/aliases", bob,
                                      json={"alias": f"alice@{running_server.domain}"})
        assert added.json() == {"status": "success"}, added.text
        listed = second_server.get("/api/pleroma/aliases", bob).json()
        assert listed == {"aliases": [f"alice@{running_server.domain}"]}
        bob_actor = second_server.get("/users/bob", headers={"Accept": "application/activity+json"}).json()
        assert bob_actor["alsoKnownAs"] == [f"{running_server.url}/users/alice"]

        moved = running_server.post("/api/pleroma/move_account", alice, data={
            "password": PASSWORD, "target_account": f"@bob@{second_server.domain}"})
        assert moved.json() == {"status": "success"}, moved.text
        assert User.objects.get(nickname="alice").moved_to == f"{second_server.url}/users/bob"
        notes = running_server.get("/api/v1/notifications", fan).json()
        assert [n["type"] for n in notes] == ["move"]
        assert notes[0]["account"]["username"] == "alice"
        actor = running_server.get("/users/alice", headers={"Accept": "application/activity+json"}).json()
        assert actor["movedTo"] == f"{second_server.url}/users/bob"

    def test_unknown_remote_accounts_are_refused(self, running_server, second_server):
        running_server.create_user("carol")
        carol = running_server.token("carol")
        alias = running_server.request("PUT", "/api/pleroma/aliases", carol,
                                       json={"alias": f"ghost@{second_server.domain}"})
        assert (alias.status_code, alias.json()) == (404, {"error": "Target account does not exist."})
        move = running_server.post("/api/pleroma/move_account", carol, data={
            "password": PASSWORD, "target_account": f"ghost@{second_server.domain}"})
        assert (move.status_code, move.json()) == (404, {"error": "Target account not found."})

    def test_remote_interaction_fills_the_other_servers_template(self, running_server, second_server):
        running_server.create_user("dave")
        second_server.create_user("erin")
        ap_id = f"{running_server.url}/users/dave"
        response = running_server.post("/api/v1/pleroma/remote_interaction", data={
            "ap_id": ap_id, "profile": f"erin@{second_server.domain}"})
        assert response.json() == {"url": f"{second_server.url}/ostatus_subscribe?acct={ap_id}"}
        missing = running_server.post("/api/v1/pleroma/remote_interaction", data={
            "ap_id": ap_id, "profile": f"nobody@{second_server.domain}"})
        assert missing.json() == {"error": "Couldn't find user"}
