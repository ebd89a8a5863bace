"""Aliases and moves between accounts of this server (two-server tests: test_e2e.py)."""

from accounts.models import User
from notifications.models import Notification
from relationships import follows
from relationships.models import Follow
from tests.factories import PASSWORD, UserFactory


class TestListAliases:
    """GET /api/pleroma/aliases"""

    def test_lists_known_aliases_as_full_nicknames(self, api, settings):
        client = api(scopes=["read:accounts"])
        old = UserFactory(nickname="old")
        UserFactory(nickname="me@far.example", domain="far.example", remote_ap_id="https://far.example/users/me",
                    email=None)
        User.objects.filter(pk=client.user.pk).update(also_known_as=[
            old.ap_id, "https://far.example/users/me", "https://unknown.example/users/x"])
        response = client.get("/api/pleroma/aliases")
        assert response.json() == {"aliases": [f"old@{settings.INSTANCE_DOMAIN}", "me@far.example"]}

    def test_refuses_a_token_without_the_scope(self, api):
        assert api(scopes=["write"]).get("/api/pleroma/aliases").json() == {
            "error": "Insufficient permissions: read:accounts."}


class TestAddAlias:
    """PUT /api/pleroma/aliases"""

    def test_adds_a_local_account_once(self, api, settings):
        client = api(scopes=["write:accounts", "read:accounts"])
        old = UserFactory(nickname="old")
        for alias in ("old", f"@old@{settings.INSTANCE_DOMAIN}"):
            assert client.put("/api/pleroma/aliases", {"alias": alias}).json() == {"status": "success"}
        assert User.objects.get(pk=client.user.pk).also_known_as == [old.ap_id]

    def test_unknown_accounts_are_refused(self, api, settings):
        settings.ALLOW_PRIVATE_NETWORKS = False
        client = api(scopes=["write:accounts"])
        for alias in ("nobody", "someone@127.0.0.1"):
            response = client.put("/api/pleroma/aliases", {"alias": alias}, format="json")
            assert (response.status_code, response.json()) == (404, {"error": "Target account does not exist."})

    def test_missing_alias_is_400(self, api):
        response = api(scopes=["write:accounts"]).put("/api/pleroma/aliases", {}, format="json")
        assert (response.status_code, response.json()) == (400, {"error": "Missing field: alias."})

    def test_refuses_a_token_without_the_scope(self, api):
        assert api(scopes=["read"]).put("/api/pleroma/aliases", {"alias": "x"}).json() == {
            "error": "Insufficient permissions: write:accounts."}


class TestDeleteAlias:
    """DELETE /api/pleroma/aliases"""

    def test_removes_an_alias(self, api):
        client = api(scopes=["write:accounts"])
        old = UserFactory(nickname="old")
        User.objects.filter(pk=client.user.pk).update(also_known_as=[old.ap_id])
        response = client.delete("/api/pleroma/aliases", {"alias": "old"}, format="json")
        assert response.json() == {"status": "success"}
        assert User.objects.get(pk=client.user.pk).also_known_as == []

    def test_not_an_alias_is_404(self, api):
        client = api(scopes=["write:accounts"])
        UserFactory(nickname="other")
        for alias in ("other", "ghost"):
            response = client.delete("/api/pleroma/aliases", {"alias": alias}, format="json")
            assert (response.status_code, response.json()) == (404, {"error": "Account has no such alias."})


class TestMoveAccount:
    """POST /api/pleroma/move_account"""

    def _setup(self, api):
        client = api(scopes=["write:accounts"])
        target = UserFactory(nickname="newhome")
        User.objects.filter(pk=target.pk).update(also_known_as=[client.user.ap_id])
        stays = UserFactory(allow_following_move=False)
        moves_along = UserFactory()
        for follower in (stays, moves_along):
            follows.follow(follower, client.user)
        return client, target, stays, moves_along

    def test_moves_local_followers_who_allow_it(self, api):
        client, target, stays, moves_along = self._setup(api)
        response = client.post("/api/pleroma/move_account", {"password": PASSWORD, "target_account": "@newhome"})
        assert response.json() == {"status": "success"}
        assert User.objects.get(pk=client.user.pk).moved_to == target.ap_id
        assert Follow.objects.filter(follower=moves_along, followed=target).exists()
        assert not Follow.objects.filter(follower=moves_along, followed=client.user).exists()
        assert Follow.objects.filter(follower=stays, followed=client.user).exists()
        notes = Notification.objects.filter(type="move", account=client.user)
        assert {n.user_id for n in notes} == {stays.pk, moves_along.pk}
        assert all(n.target_id == target.pk for n in notes)
        assert User.objects.get(pk=client.user.pk).followers_count == 1
        shown = api(scopes=["read:accounts"]).get(f"/api/v1/accounts/{client.user.nickname}").json()
        assert shown["moved"]["acct"] == "newhome"

    def test_moving_followers_again_changes_nothing(self, api):
        from accounts import tasks

        client, target, _, _ = self._setup(api)
        client.post("/api/pleroma/move_account", {"password": PASSWORD, "target_account": "newhome"})
        tasks.move_followers(str(client.user.pk), str(target.pk))
        assert User.objects.get(pk=target.pk).followers_count == 1

    def test_refusals(self, api, settings):
        settings.ALLOW_PRIVATE_NETWORKS = False
        client, target, _, _ = self._setup(api)
        UserFactory(nickname="stranger")
        wrong = client.post("/api/pleroma/move_account", {"password": "x", "target_account": "newhome"})
        assert (wrong.status_code, wrong.json()) == (200, {"error": "Invalid password."})
        missing = client.post("/api/pleroma/move_account", {"password": PASSWORD, "target_account": "ghost"})
        assert (missing.status_code, missing.json()) == (404, {"error": "Target account not found."})
        remote = client.post("/api/pleroma/move_account", {"password": PASSWORD,
                                                           "target_account": "x@127.0.0.1"})
        assert remote.status_code == 404
        unaliased = client.post("/api/pleroma/move_account", {"password": PASSWORD, "target_account": "stranger"})
        assert unaliased.json() == {"error": "Target account must have the origin in `alsoKnownAs`"}
        assert client.post("/api/pleroma/move_account", {"password": PASSWORD}).json() == {
            "error": "Missing field: target_account."}
        assert User.objects.get(pk=client.user.pk).moved_to == ""

    def test_refuses_a_token_without_the_scope(self, api):
        response = api(scopes=["read"]).post("/api/pleroma/move_account",
                                             {"password": PASSWORD, "target_account": "x"})
        assert response.json() == {"error": "Insufficient permissions: write:accounts."}
