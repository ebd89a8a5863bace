"""Directory, suggestions, familiar followers, trends, instance activity and description."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from core import ids
from discovery.models import DismissedSuggestion
from relationships.models import Block, Follow
from statuses import services as status_services
from tests.factories import UserFactory


def usernames(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [a["username"] for a in response.json()]


class TestDirectory:
    """GET /api/v1/directory"""

    def test_lists_discoverable_accounts_active_first_or_newest(self, anon):
        now = timezone.now()
        old = UserFactory(nickname="old", discoverable=True, last_status_at=now,
                          created_at=now - datetime.timedelta(days=9))
        new = UserFactory(nickname="new", discoverable=True, last_status_at=now - datetime.timedelta(days=3),
                          created_at=now)
        UserFactory(nickname="quiet", discoverable=True, created_at=now - datetime.timedelta(days=5))
        UserFactory(nickname="hidden")
        assert usernames(anon.get("/api/v1/directory")) == ["old", "new", "quiet"]
        assert usernames(anon.get("/api/v1/directory", {"order": "new", "local": "true"})) == ["new", "quiet", "old"]
        assert usernames(anon.get("/api/v1/directory", {"limit": 1, "offset": 1})) == ["new"]
        assert old and new

    def test_refuses_bad_input(self, anon):
        assert anon.get("/api/v1/directory", {"order": "random"}).status_code == 400
        assert anon.get("/api/v1/directory", {"limit": "x"}).status_code == 400

    @pytest.mark.parametrize("size", [1, 30])
    def test_constant_queries(self, anon, size, django_assert_max_num_queries):
        UserFactory.create_batch(size, discoverable=True)
        with django_assert_max_num_queries(2):
            assert len(anon.get("/api/v1/directory").json()) == size


class TestSuggestions:
    """GET /api/v1/suggestions, /api/v2/suggestions, DELETE /api/v1/suggestions/:id"""

    def test_suggests_staff_picks_not_followed_nor_blocked_nor_dismissed(self, api):
        client = api(scopes=["read"])
        picked, followed, blocked, dismissed = (UserFactory(is_suggested=True, nickname=n)
                                                for n in ("picked", "followed", "blocked", "dismissed"))
        UserFactory(nickname="ordinary")
        Follow.objects.create(follower=client.user, followed=followed)
        Block.objects.create(blocker=blocked, blocked=client.user)
        assert client.delete(f"/api/v1/suggestions/{ids.encode(dismissed.pk)}").json() == {}
        assert DismissedSuggestion.objects.filter(user=client.user, account=dismissed).exists()
        assert usernames(client.get("/api/v1/suggestions")) == ["picked"]
        [entry] = client.get("/api/v2/suggestions").json()
        assert (entry["source"], entry["account"]["id"]) == ("staff", ids.encode(picked.pk))

    def test_needs_a_user_and_a_known_account(self, api, anon):
        assert anon.get("/api/v1/suggestions").status_code == 403
        assert api(scopes=["read"]).delete(f"/api/v1/suggestions/{ids.encode(ids.new_id())}").status_code == 404


class TestFamiliarFollowers:
    """GET /api/v1/accounts/familiar_followers"""

    def test_lists_followed_accounts_that_follow_each(self, api):
        client = api(scopes=["read:follows"])
        friend, other_friend, stranger, target, lonely = UserFactory.create_batch(5)
        for f in (friend, other_friend):
            Follow.objects.create(follower=client.user, followed=f)
        for f in (friend, stranger):
            Follow.objects.create(follower=f, followed=target)
        response = client.get("/api/v1/accounts/familiar_followers",
                              {"id[]": [ids.encode(target.pk), ids.encode(lonely.pk), "junk"]})
        assert response.status_code == 200
        assert response.json() == [
            {"id": ids.encode(target.pk), "accounts": [response.json()[0]["accounts"][0]]},
            {"id": ids.encode(lonely.pk), "accounts": []}, {"id": "junk", "accounts": []}]
        assert response.json()[0]["accounts"][0]["id"] == ids.encode(friend.pk)

    def test_refuses_too_many_ids(self, api):
        response = api(scopes=["read:follows"]).get("/api/v1/accounts/familiar_followers",
                                                    {"id[]": [ids.encode(ids.new_id()) for _ in range(41)]})
        assert response.status_code == 422

    @pytest.mark.parametrize("size", [1, 20])
    def test_constant_queries(self, api, size, django_assert_max_num_queries):
        client = api(scopes=["read:follows"])
        targets = UserFactory.create_batch(size)
        friend = UserFactory()
        Follow.objects.create(follower=client.user, followed=friend)
        for t in targets:
            Follow.objects.create(follower=friend, followed=t)
        with django_assert_max_num_queries(3):
            response = client.get("/api/v1/accounts/familiar_followers", {"id[]": [ids.encode(t.pk) for t in targets]})
        assert all(len(entry["accounts"]) == 1 for entry in response.json())


class TestTrends:
    """GET /api/v1/trends/tags, /statuses, /links"""

    def test_tags_by_accounts_using_them_this_week(self, anon):
        a, b = UserFactory(), UserFactory()
        status_services.create_status(a, text="#popular #rare")
        status_services.create_status(b, text="#popular")
        status_services.create_status(b, text="#secret", visibility="private")
        names = [t["name"] for t in anon.get("/api/v1/trends/tags").json()]
        assert names == ["popular", "rare"]
        assert [t["name"] for t in anon.get("/api/v1/trends").json()] == names
        assert anon.get("/api/v1/trends/tags").json()[0]["history"][0]["accounts"] == "2"

    def test_statuses_by_favourites_and_reblogs(self, anon):
        author, fan, other = UserFactory(), UserFactory(), UserFactory()
        loved = status_services.create_status(author, text="loved")
        liked = status_services.create_status(author, text="liked")
        status_services.create_status(author, text="ignored")
        status_services.favourite(fan, loved)
        status_services.favourite(other, loved)
        status_services.favourite(fan, liked)
        ids_ = [s["id"] for s in anon.get("/api/v1/trends/statuses").json()]
        assert ids_ == [ids.encode(loved.pk), ids.encode(liked.pk)]

    def test_links_are_empty_and_input_is_checked(self, anon):
        assert anon.get("/api/v1/trends/links").json() == []
        assert anon.get("/api/v1/trends/tags", {"limit": "many"}).status_code == 400

    @pytest.mark.parametrize("size", [1, 15])
    def test_constant_queries(self, anon, size, django_assert_max_num_queries):
        author = UserFactory()
        for i in range(size):
            status_services.favourite(UserFactory(), status_services.create_status(author, text=f"#t{i} hi"))
        with django_assert_max_num_queries(4):
            assert len(anon.get("/api/v1/trends/tags", {"limit": 20}).json()) == size
        with django_assert_max_num_queries(12):
            assert len(anon.get("/api/v1/trends/statuses").json()) == size


class TestInstanceActivity:
    """GET /api/v1/instance/activity, /api/v1/instance/extended_description"""

    def test_counts_this_weeks_statuses_logins_and_registrations(self, api, anon):
        client = api()
        status_services.create_status(client.user, text="hi")
        weeks = anon.get("/api/v1/instance/activity").json()
        assert len(weeks) == 12
        assert (weeks[0]["statuses"], weeks[0]["logins"], weeks[0]["registrations"]) == ("1", "1", "1")
        assert int(weeks[0]["week"]) > int(weeks[1]["week"])
        assert weeks[1]["statuses"] == "0"

    def test_extended_description(self, anon, settings):
        body = anon.get("/api/v1/instance/extended_description").json()
        assert settings.INSTANCE_DESCRIPTION in body["content"] and body["updated_at"]


class TestUnreadCount:
    """GET /api/v1/notifications/unread_count"""

    def test_counts_unread_notifications(self, api):
        client = api(scopes=["read:notifications", "write:statuses"])
        poster = UserFactory()
        for i in range(3):
            status_services.create_status(poster, text=f"@{client.user.nickname} {i}")
        assert client.get("/api/v1/notifications/unread_count").json() == {"count": 3}
        assert client.get("/api/v1/notifications/unread_count", {"limit": 2}).json() == {"count": 2}
        assert client.get("/api/v1/notifications/unread_count", {"types[]": ["follow"]}).json() == {"count": 0}
        client.user.notifications.update(is_seen=True)
        assert client.get("/api/v1/notifications/unread_count").json() == {"count": 0}

    def test_needs_read_notifications(self, api):
        assert api(scopes=["read:statuses"]).get("/api/v1/notifications/unread_count").status_code == 403
