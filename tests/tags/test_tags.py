"""Hashtags: /api/v1/tags/:name (+ follow, unfollow), /api/v1/followed_tags, home, featured tags."""

from __future__ import annotations

import pytest

from core import ids
from statuses.models import Hashtag
from statuses.services import create_status
from tags.models import FeaturedTag, FollowedTag
from tests.factories import UserFactory


class TestShowTag:
    """GET /api/v1/tags/:name"""

    def test_shows_the_tag_with_seven_days_of_history(self, anon, user):
        create_status(user, text="#Cofe")
        create_status(UserFactory(), text="#cofe again")
        create_status(user, text="#cofe secret", visibility="private")
        body = anon.get("/api/v1/tags/cofe").json()
        assert (body["name"], body["url"], body["following"]) == ("cofe", "http://localhost:8000/tag/cofe", False)
        assert len(body["history"]) == 7
        assert (body["history"][0]["uses"], body["history"][0]["accounts"]) == ("2", "2")
        assert body["history"][1]["uses"] == "0" and body["history"][0]["day"].isdigit()

    def test_an_unknown_tag_is_not_found(self, anon):
        assert anon.get("/api/v1/tags/never").status_code == 404
        assert anon.get("/api/v1/tags/no%20way").status_code == 404


class TestFollowTag:
    """POST /api/v1/tags/:name/follow, /unfollow, GET /api/v1/followed_tags"""

    def test_follows_and_unfollows(self, api):
        client = api(scopes=["read", "write:follows"])
        response = client.post("/api/v1/tags/%23NewTag/follow")
        assert response.status_code == 200, response.content
        assert (response.json()["name"], response.json()["following"]) == ("newtag", True)
        assert client.post("/api/v1/tags/newtag/follow").status_code == 200  # again: no-op
        assert FollowedTag.objects.filter(user=client.user).count() == 1
        assert client.get("/api/v1/tags/newtag").json()["following"] is True
        assert client.post("/api/v1/tags/newtag/unfollow").json()["following"] is False
        assert not FollowedTag.objects.exists()

    def test_refuses_bad_names_and_scopes(self, api):
        client = api(scopes=["write:follows"])
        assert client.post("/api/v1/tags/bad-tag/follow").status_code == 422
        assert client.post("/api/v1/tags/never/unfollow").status_code == 404
        response = api(scopes=["read"]).post("/api/v1/tags/x/follow")
        assert response.status_code == 403
        assert not Hashtag.objects.filter(name="x").exists()

    def test_lists_followed_tags_newest_first_in_pages(self, api):
        client = api(scopes=["read:follows", "write:follows"])
        for name in ("a", "b", "c"):
            client.post(f"/api/v1/tags/{name}/follow")
        FollowedTag.objects.create(user=UserFactory(), hashtag=Hashtag.objects.get(name="a"))
        assert [t["name"] for t in client.get("/api/v1/followed_tags").json()] == ["c", "b", "a"]
        first = client.get("/api/v1/followed_tags", {"limit": 2})
        assert [t["following"] for t in first.json()] == [True, True]
        assert 'rel="next"' in first["Link"]

    @pytest.mark.parametrize("size", [1, 30])
    def test_followed_tags_in_constant_queries(self, api, size, django_assert_max_num_queries):
        client = api(scopes=["read:follows"])
        Hashtag.objects.bulk_create([Hashtag(name=f"t{i}") for i in range(size)])
        FollowedTag.objects.bulk_create([FollowedTag(user=client.user, hashtag=h) for h in Hashtag.objects.all()])
        with django_assert_max_num_queries(4):  # token, page, following, history
            assert len(client.get("/api/v1/followed_tags").json()) == size


class TestFollowedTagsInHome:
    """GET /api/v1/timelines/home with followed hashtags"""

    @pytest.mark.parametrize("many", [False, True])
    def test_public_posts_with_a_followed_tag_come_into_home(self, api, monkeypatch, many):
        from statuses import timelines
        if many:
            monkeypatch.setattr(timelines, "FEW_FOLLOWS", -1)
        client = api()
        stranger = UserFactory()
        tagged = create_status(stranger, text="#cofe is good")
        create_status(stranger, text="#cofe for followers", visibility="private")
        create_status(stranger, text="#tea")
        own = create_status(client.user, text="mine")
        home = lambda: [s["id"] for s in client.get("/api/v1/timelines/home").json()]  # noqa: E731
        assert home() == [ids.encode(own.pk)]
        client.post("/api/v1/tags/cofe/follow")
        assert home() == [ids.encode(own.pk), ids.encode(tagged.pk)]
        later = create_status(stranger, text="more #cofe")
        assert home()[0] == ids.encode(later.pk)


class TestFeaturedTags:
    """/api/v1/featured_tags, /suggestions, /api/v1/accounts/:id/featured_tags"""

    def test_features_lists_and_unfeatures(self, api, anon):
        client = api(scopes=["read:accounts", "write:accounts"])
        create_status(client.user, text="#cats and #cats")
        create_status(client.user, text="#cats again")
        response = client.post("/api/v1/featured_tags", {"name": "#Cats"})
        assert response.status_code == 200, response.content
        body = response.json()
        assert (body["name"], body["statuses_count"]) == ("cats", "2")  # a string, as Mastodon
        assert body["url"].endswith(f"/@{client.user.nickname}/tagged/cats") and body["last_status_at"]
        assert client.get("/api/v1/featured_tags").json() == [body]
        assert anon.get(f"/api/v1/accounts/{ids.encode(client.user.pk)}/featured_tags").json() == [body]
        assert client.post("/api/v1/featured_tags", {"name": "cats"}).status_code == 422
        assert client.delete(f"/api/v1/featured_tags/{body['id']}").json() == {}
        assert not FeaturedTag.objects.exists()

    def test_suggests_used_tags_not_featured(self, api):
        client = api(scopes=["read:accounts", "write:accounts"])
        create_status(client.user, text="#dogs #cats")
        create_status(client.user, text="#dogs")
        client.post("/api/v1/featured_tags", {"name": "cats"})
        assert [t["name"] for t in client.get("/api/v1/featured_tags/suggestions").json()] == ["dogs"]

    def test_refuses_bad_input_and_other_users_tags(self, api):
        client = api(scopes=["read:accounts", "write:accounts"])
        assert client.post("/api/v1/featured_tags", {"name": "no spaces"}).status_code == 422
        assert client.post("/api/v1/featured_tags", {}).status_code == 400
        theirs = FeaturedTag.objects.create(user=UserFactory(), hashtag=Hashtag.objects.create(name="theirs"))
        assert client.delete(f"/api/v1/featured_tags/{ids.encode(theirs.pk)}").status_code == 404
        assert FeaturedTag.objects.filter(pk=theirs.pk).exists()

    def test_at_most_ten(self, api):
        client = api(scopes=["write:accounts"])
        for i in range(10):
            assert client.post("/api/v1/featured_tags", {"name": f"t{i}"}).status_code == 200
        assert client.post("/api/v1/featured_tags", {"name": "eleven"}).status_code == 422

    @pytest.mark.parametrize("size", [1, 10])
    def test_constant_queries(self, api, size, django_assert_max_num_queries):
        client = api(scopes=["read:accounts"])
        for i in range(size):
            FeaturedTag.objects.create(user=client.user, hashtag=Hashtag.objects.create(name=f"f{i}"))
        with django_assert_max_num_queries(3):
            assert len(client.get("/api/v1/featured_tags").json()) == size
