"""GET /api/v2/search and /api/v1/search"""

import pytest

from core import ids
from relationships.models import Block
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


class TestSearchV2:
    """GET /api/v2/search"""

    def test_finds_accounts_statuses_and_hashtags(self, anon, post):
        alice = UserFactory(nickname="alice", display_name="Alice Liddell")
        UserFactory(nickname="alice2")
        UserFactory(nickname="bob", display_name="Alice's friend")
        status = post(alice, "alice in #wonderland")
        post(alice, "alice secret", visibility="private")
        body = anon.get("/api/v2/search", {"q": "alice"}).json()
        assert [a["username"] for a in body["accounts"]] == ["alice", "alice2", "bob"]
        assert [s["id"] for s in body["statuses"]] == [ids.encode(status.pk)]
        assert body["hashtags"] == []
        tags = anon.get("/api/v2/search", {"q": "#wonder"}).json()["hashtags"]
        assert tags == [{"name": "wonderland", "url": "http://localhost:8000/tag/wonderland",
                         "history": [], "following": False}]

    def test_type_limit_and_offset(self, anon, post, user):
        made = [post(user, f"needle {i}") for i in range(3)]
        body = anon.get("/api/v2/search", {"q": "needle", "type": "statuses", "limit": 1, "offset": 1}).json()
        assert [s["id"] for s in body["statuses"]] == [ids.encode(made[1].pk)]
        assert body["accounts"] == [] and body["hashtags"] == []

    def test_following_and_blocks(self, api, follow):
        client = api()
        friend = UserFactory(nickname="zed_friend")
        UserFactory(nickname="zed_other")
        blocked = UserFactory(nickname="zed_blocked")
        follow(client.user, friend)
        Block.objects.create(blocker=blocked, blocked=client.user)
        names = [a["username"] for a in client.get("/api/v2/search", {"q": "zed"}).json()["accounts"]]
        assert sorted(names) == ["zed_friend", "zed_other"]
        names = [a["username"] for a in client.get(
            "/api/v2/search", {"q": "zed", "following": "true"}).json()["accounts"]]
        assert names == ["zed_friend"]

    def test_finds_a_visible_status_by_its_url(self, anon, post, user):
        status = post(user, "linked")
        hidden = post(user, "hidden", visibility="direct")
        body = anon.get("/api/v2/search", {"q": status.url, "type": "statuses"}).json()
        assert [s["id"] for s in body["statuses"]] == [ids.encode(status.pk)]
        assert anon.get("/api/v2/search", {"q": hidden.uri}).json()["statuses"] == []

    def test_bad_type_is_a_400(self, anon):
        response = anon.get("/api/v2/search", {"q": "x", "type": "polls"})
        assert response.status_code == 400
        assert "type" in response.json()["error"]

    def test_empty_query(self, anon):
        assert anon.get("/api/v2/search").json() == {"accounts": [], "statuses": [], "hashtags": []}


class TestSearchV1:
    """GET /api/v1/search"""

    def test_hashtags_are_strings(self, anon, post, user):
        post(user, "#cofe")
        assert anon.get("/api/v1/search", {"q": "cof"}).json()["hashtags"] == ["cofe"]
