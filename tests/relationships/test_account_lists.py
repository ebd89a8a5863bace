"""GET /api/v1/accounts/:id/followers, /following, /api/v1/blocks, /api/v1/mutes,
/api/v1/follow_requests and POST /api/v1/follow_requests/:id/authorize|reject."""

import re

import pytest
from django.utils import timezone

from core import ids
from notifications.models import Notification
from relationships import follows
from relationships.models import Follow
from tests.factories import UserFactory


def link_cursor(response, rel, name):
    match = re.search(rf'<[^>]*[?&]{name}=([^&>]+)[^>]*>; rel="{rel}"', response["Link"])
    return match.group(1)


@pytest.fixture
def client(api):
    return api(scopes=["read", "follow"])


class TestFollowers:
    """GET /api/v1/accounts/:id/followers"""

    def test_lists_followers_newest_follow_first(self, client):
        account = UserFactory()
        first, second = UserFactory(), UserFactory()
        follows.follow(first, account)
        follows.follow(second, account)
        body = client.get(f"/api/v1/accounts/{ids.encode(account.pk)}/followers").json()
        assert [a["id"] for a in body] == [ids.encode(second.pk), ids.encode(first.pk)]

    def test_pending_followers_are_not_listed(self, client):
        account = UserFactory(locked=True)
        follows.follow(UserFactory(), account)
        assert client.get(f"/api/v1/accounts/{account.nickname}/followers").json() == []

    def test_pages_with_link_headers_on_the_follow_row(self, client):
        account = UserFactory()
        followers = UserFactory.create_batch(5)
        for follower in followers:
            follows.follow(follower, account)
        path = f"/api/v1/accounts/{ids.encode(account.pk)}/followers"
        first = client.get(path, {"limit": 2})
        assert [a["id"] for a in first.json()] == [ids.encode(u.pk) for u in followers[:2:-1]][:2]
        assert 'rel="next"' in first["Link"] and 'rel="prev"' in first["Link"]
        assert "limit=2" in first["Link"]
        rows = list(Follow.objects.filter(followed=account).order_by("-id"))
        assert link_cursor(first, "next", "max_id") == ids.encode(rows[1].pk)
        second = client.get(path, {"limit": 2, "max_id": link_cursor(first, "next", "max_id")})
        assert [a["id"] for a in second.json()] == [ids.encode(followers[2].pk), ids.encode(followers[1].pk)]
        third = client.get(path, {"limit": 2, "max_id": link_cursor(second, "next", "max_id")})
        assert [a["id"] for a in third.json()] == [ids.encode(followers[0].pk)]
        back = client.get(path, {"limit": 2, "min_id": link_cursor(second, "prev", "min_id")})
        assert [a["id"] for a in back.json()] == [a["id"] for a in first.json()]
        empty = client.get(path, {"limit": 2, "max_id": link_cursor(third, "next", "max_id")})
        assert empty.json() == [] and "Link" not in empty

    def test_hidden_followers_are_empty_to_others_but_not_the_owner(self, api):
        owner = UserFactory(hide_followers=True)
        follows.follow(UserFactory(), owner)
        other = api(scopes=["read"])
        assert other.get(f"/api/v1/accounts/{ids.encode(owner.pk)}/followers").json() == []
        mine = api(scopes=["read"], user=owner)
        assert len(mine.get(f"/api/v1/accounts/{ids.encode(owner.pk)}/followers").json()) == 1

    def test_with_relationships_fills_the_relationship(self, client):
        account = UserFactory()
        follower = UserFactory()
        follows.follow(follower, account)
        follows.follow(client.user, follower)
        body = client.get(f"/api/v1/accounts/{ids.encode(account.pk)}/followers",
                          {"with_relationships": "true"}).json()
        assert body[0]["pleroma"]["relationship"]["following"] is True
        body = client.get(f"/api/v1/accounts/{ids.encode(account.pk)}/followers").json()
        assert body[0]["pleroma"]["relationship"] == {}

    def test_anonymous_callers_may_list(self, anon):
        account = UserFactory()
        follows.follow(UserFactory(), account)
        response = anon.get(f"/api/v1/accounts/{ids.encode(account.pk)}/followers")
        assert response.status_code == 200 and len(response.json()) == 1

    def test_deactivated_followers_are_left_out(self, client):
        account = UserFactory()
        gone = UserFactory()
        follows.follow(gone, account)
        gone.is_active = False
        gone.save()
        assert client.get(f"/api/v1/accounts/{ids.encode(account.pk)}/followers").json() == []

    def test_unknown_account_is_404(self, client):
        response = client.get("/api/v1/accounts/nobody/followers")
        assert response.status_code == 404

    @pytest.mark.parametrize("count", [1, 20])
    def test_query_count_does_not_grow_with_the_page(self, client, count, django_assert_max_num_queries):
        account = UserFactory()
        for follower in UserFactory.create_batch(count):
            follows.follow(follower, account)
        with django_assert_max_num_queries(11):
            body = client.get(f"/api/v1/accounts/{ids.encode(account.pk)}/followers",
                              {"with_relationships": "1", "limit": 40}).json()
        assert len(body) == count


class TestFollowing:
    """GET /api/v1/accounts/:id/following"""

    def test_lists_followed_accounts(self, client):
        account = UserFactory()
        followed = UserFactory()
        follows.follow(account, followed)
        body = client.get(f"/api/v1/accounts/{ids.encode(account.pk)}/following").json()
        assert [a["id"] for a in body] == [ids.encode(followed.pk)]

    def test_hidden_follows_are_empty_to_others(self, client):
        account = UserFactory(hide_follows=True)
        follows.follow(account, UserFactory())
        assert client.get(f"/api/v1/accounts/{ids.encode(account.pk)}/following").json() == []

    @pytest.mark.parametrize("count", [1, 20])
    def test_query_count_does_not_grow_with_the_page(self, client, count, django_assert_max_num_queries):
        account = UserFactory()
        for followed in UserFactory.create_batch(count):
            follows.follow(account, followed)
        with django_assert_max_num_queries(11):
            body = client.get(f"/api/v1/accounts/{ids.encode(account.pk)}/following",
                              {"with_relationships": "1"}).json()
        assert len(body) == count


class TestBlocks:
    """GET /api/v1/blocks"""

    def test_lists_the_callers_blocks(self, client):
        blocked = UserFactory()
        follows.block(client.user, blocked)
        follows.block(UserFactory(), client.user)
        body = client.get("/api/v1/blocks").json()
        assert [a["id"] for a in body] == [ids.encode(blocked.pk)]

    def test_refuses_a_token_without_read_blocks(self, api):
        response = api(scopes=["read:follows"]).get("/api/v1/blocks")
        assert response.status_code == 403
        assert response.json() == {"error": "Insufficient permissions: follow | read:blocks."}

    @pytest.mark.parametrize("count", [1, 20])
    def test_query_count_does_not_grow_with_the_page(self, client, count, django_assert_max_num_queries):
        for blocked in UserFactory.create_batch(count):
            follows.block(client.user, blocked)
        with django_assert_max_num_queries(10):
            body = client.get("/api/v1/blocks", {"with_relationships": "1"}).json()
        assert len(body) == count


class TestMutes:
    """GET /api/v1/mutes"""

    def test_lists_mutes_with_their_expiry(self, client):
        forever, timed = UserFactory(), UserFactory()
        follows.mute(client.user, forever)
        follows.mute(client.user, timed, expires_in=3600)
        body = client.get("/api/v1/mutes").json()
        assert [a["id"] for a in body] == [ids.encode(timed.pk), ids.encode(forever.pk)]
        assert body[0]["mute_expires_at"].endswith("Z")
        assert body[1]["mute_expires_at"] is None

    def test_expired_mutes_are_not_listed(self, client):
        follows.mute(client.user, UserFactory(), expires_in=60)
        from relationships.models import Mute

        Mute.objects.update(expires_at=timezone.now())
        assert client.get("/api/v1/mutes").json() == []

    def test_refuses_a_token_without_read_mutes(self, api):
        response = api(scopes=["read:blocks"]).get("/api/v1/mutes")
        assert response.status_code == 403
        assert response.json() == {"error": "Insufficient permissions: follow | read:mutes."}

    @pytest.mark.parametrize("count", [1, 20])
    def test_query_count_does_not_grow_with_the_page(self, client, count, django_assert_max_num_queries):
        for muted in UserFactory.create_batch(count):
            follows.mute(client.user, muted)
        with django_assert_max_num_queries(10):
            body = client.get("/api/v1/mutes", {"with_relationships": "1"}).json()
        assert len(body) == count


class TestFollowRequests:
    """GET /api/v1/follow_requests"""

    def test_lists_pending_requests_only(self, api):
        client = api(scopes=["read:follows"], locked=True)
        requester = UserFactory()
        follows.follow(requester, client.user)
        follows.authorize_follow_request(client.user, follows.follow(UserFactory(), client.user).follower)
        body = client.get("/api/v1/follow_requests").json()
        assert [a["id"] for a in body] == [ids.encode(requester.pk)]

    def test_refuses_a_token_without_read_follows(self, api):
        response = api(scopes=["read:statuses"]).get("/api/v1/follow_requests")
        assert response.status_code == 403
        assert response.json() == {"error": "Insufficient permissions: follow | read:follows."}

    @pytest.mark.parametrize("count", [1, 20])
    def test_query_count_does_not_grow_with_the_page(self, api, count, django_assert_max_num_queries):
        client = api(scopes=["follow"], locked=True)
        for requester in UserFactory.create_batch(count):
            follows.follow(requester, client.user)
        with django_assert_max_num_queries(3):
            body = client.get("/api/v1/follow_requests").json()
        assert len(body) == count


class TestAuthorizeFollowRequest:
    """POST /api/v1/follow_requests/:id/authorize"""

    def test_accepts_the_request(self, api):
        client = api(scopes=["write:follows"], locked=True)
        requester = UserFactory()
        follows.follow(requester, client.user)
        response = client.post(f"/api/v1/follow_requests/{ids.encode(requester.pk)}/authorize")
        assert response.status_code == 200
        body = response.json()
        assert body["followed_by"] is True and body["requested_by"] is False
        client.user.refresh_from_db()
        requester.refresh_from_db()
        assert client.user.followers_count == 1 and requester.following_count == 1
        assert Notification.objects.get(user=client.user).type == "follow"

    def test_unknown_requester_is_404(self, client):
        response = client.post(f"/api/v1/follow_requests/{ids.encode(ids.new_id())}/authorize")
        assert response.status_code == 404

    def test_refuses_a_read_only_token(self, api):
        requester = UserFactory()
        response = api(scopes=["read"]).post(f"/api/v1/follow_requests/{ids.encode(requester.pk)}/authorize")
        assert response.status_code == 403
        assert response.json() == {"error": "Insufficient permissions: follow | write:follows."}


class TestRejectFollowRequest:
    """POST /api/v1/follow_requests/:id/reject"""

    def test_rejects_the_request(self, api):
        client = api(scopes=["follow"], locked=True)
        requester = UserFactory()
        follows.follow(requester, client.user)
        body = client.post(f"/api/v1/follow_requests/{ids.encode(requester.pk)}/reject").json()
        assert body["followed_by"] is False and body["requested_by"] is False
        assert not Follow.objects.exists()
        assert not Notification.objects.exists()
