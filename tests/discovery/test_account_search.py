"""GET /api/v1/accounts/search"""

from __future__ import annotations

import pytest

from relationships.models import Block, Follow
from tests.factories import UserFactory


def nicknames(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [a["username"] for a in response.json()]


class TestSearchAccounts:
    """GET /api/v1/accounts/search"""

    def test_matches_nickname_and_display_name_prefixes(self, anon):
        UserFactory(nickname="alice"), UserFactory(nickname="alicia"), UserFactory(nickname="bob")
        UserFactory(nickname="zed", display_name="Alison Z")
        found = nicknames(anon.get("/api/v1/accounts/search", {"q": "ali"}))
        assert set(found) == {"alice", "alicia", "zed"}
        assert found[-1] == "zed"  # a display-name match ranks below nickname matches

    def test_an_exact_nickname_comes_first(self, anon):
        UserFactory(nickname="annabel"), UserFactory(nickname="ann")
        assert nicknames(anon.get("/api/v1/accounts/search", {"q": "ann"}))[0] == "ann"
        assert nicknames(anon.get("/api/v1/accounts/search", {"q": "@ann"}))[0] == "ann"

    def test_ranks_followed_accounts_higher(self, api):
        client = api()
        UserFactory(nickname="carla")
        followed = UserFactory(nickname="carlb")
        Follow.objects.create(follower=client.user, followed=followed)
        assert nicknames(client.get("/api/v1/accounts/search", {"q": "carl"})) == ["carlb", "carla"]

    def test_following_limits_to_followed_accounts(self, api):
        client = api()
        UserFactory(nickname="dana")
        followed = UserFactory(nickname="danb")
        Follow.objects.create(follower=client.user, followed=followed)
        assert nicknames(client.get("/api/v1/accounts/search", {"q": "dan", "following": "true"})) == ["danb"]

    def test_following_for_anonymous_is_empty(self, anon):
        UserFactory(nickname="erin")
        assert nicknames(anon.get("/api/v1/accounts/search", {"q": "erin", "following": "1"})) == []

    def test_leaves_out_blocked_and_deactivated_accounts(self, api):
        client = api()
        blocked, blocker = UserFactory(nickname="frank"), UserFactory(nickname="frida")
        UserFactory(nickname="fred", is_active=False)
        Block.objects.create(blocker=client.user, blocked=blocked)
        Block.objects.create(blocker=blocker, blocked=client.user)
        UserFactory(nickname="fritz")
        assert nicknames(client.get("/api/v1/accounts/search", {"q": "fr"})) == ["fritz"]

    def test_local_and_own_domain_addresses(self, anon, settings):
        UserFactory(nickname="gina")
        assert nicknames(anon.get("/api/v1/accounts/search", {"q": f"gina@{settings.INSTANCE_DOMAIN}"})) == ["gina"]
        # no federation yet: another server's account is not looked up, nor faked
        assert nicknames(anon.get("/api/v1/accounts/search", {"q": "gina@remote.example",
                                                              "resolve": "true"})) == []

    def test_limit_and_offset(self, anon):
        for i in range(5):
            UserFactory(nickname=f"hal{i}")
        assert nicknames(anon.get("/api/v1/accounts/search", {"q": "hal", "limit": 2})) == ["hal0", "hal1"]
        assert nicknames(anon.get("/api/v1/accounts/search", {"q": "hal", "limit": 2, "offset": 2})) == [
            "hal2", "hal3"]

    @pytest.mark.parametrize("params", [{}, {"q": "x", "limit": "many"}, {"q": "x", "offset": "-1"}])
    def test_refuses_bad_input(self, anon, params):
        response = anon.get("/api/v1/accounts/search", params)
        assert response.status_code == 400
        assert "error" in response.json()

    @pytest.mark.parametrize("size", [1, 30])
    def test_constant_queries(self, api, size, django_assert_max_num_queries):
        client = api()
        for i in range(size):
            Follow.objects.create(follower=client.user, followed=UserFactory(nickname=f"ivy{i}"))
        with django_assert_max_num_queries(10):
            response = client.get("/api/v1/accounts/search", {"q": "ivy", "with_relationships": "true"})
        assert len(response.json()) == size
        assert response.json()[0]["pleroma"]["relationship"]["following"] is True


class TestSearchRemoteAccounts:
    """GET /api/v1/accounts/search with nick@host, and GET /api/v1/directory?local=true"""

    def _remote(self, nickname: str, **extra):
        return UserFactory(nickname=f"{nickname}@remote.example", domain="remote.example",
                           remote_ap_id=f"https://remote.example/users/{nickname}", **extra)

    def test_a_known_remote_account_is_found_by_its_handle_and_a_prefix(self, anon):
        self._remote("bob")
        UserFactory(nickname="bob")
        found = anon.get("/api/v1/accounts/search", {"q": "@bob@remote.example"}).json()
        assert [a["acct"] for a in found] == ["bob@remote.example"]
        assert [a["acct"] for a in anon.get("/api/v1/accounts/search", {"q": "bob@remote"}).json()] \
            == ["bob@remote.example"]

    def test_resolve_looks_up_unknown_handles_only_for_signed_in_callers(self, anon, api):
        # remote.example does not resolve here: the lookup fails and nothing is found, no 500
        response = api().get("/api/v1/accounts/search", {"q": "nobody@remote.example", "resolve": "true"})
        assert (response.status_code, response.json()) == (200, [])
        assert anon.get("/api/v1/accounts/search", {"q": "nobody@remote.example",
                                                    "resolve": "true"}).json() == []

    def test_the_directory_keeps_remote_accounts_out_with_local(self, anon):
        self._remote("carol", discoverable=True)
        UserFactory(nickname="dave", discoverable=True)
        everyone = {a["acct"] for a in anon.get("/api/v1/directory").json()}
        assert everyone == {"carol@remote.example", "dave"}
        assert [a["acct"] for a in anon.get("/api/v1/directory", {"local": "true"}).json()] == ["dave"]
