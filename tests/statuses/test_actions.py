"""POST /api/v1/statuses/:id/<action> and the favourited_by / reblogged_by lists."""

import pytest

from core import ids
from notifications.models import Notification
from statuses.models import Favourite, Status, ThreadMute

pytestmark = pytest.mark.django_db


def url(status, action):
    return f"/api/v1/statuses/{ids.encode(status.pk)}/{action}"


class TestFavourite:
    """POST /api/v1/statuses/:id/favourite and /unfavourite"""

    def test_favourites_once_and_notifies(self, api, post, user):
        client = api(scopes=["write:favourites"])
        status = post(user, "hi")
        for _ in range(2):
            response = client.post(url(status, "favourite"))
            assert response.status_code == 200
            assert response.json()["favourited"] is True
            assert response.json()["favourites_count"] == 1
        assert Favourite.objects.filter(account=client.user, status=status).count() == 1
        assert Notification.objects.filter(user=user, type="favourite").count() == 1

    def test_unfavourites_idempotently(self, api, post, user):
        client = api()
        status = post(user, "hi")
        client.post(url(status, "favourite"))
        for _ in range(2):
            body = client.post(url(status, "unfavourite")).json()
            assert body["favourited"] is False and body["favourites_count"] == 0
        assert not Notification.objects.filter(user=user, type="favourite").exists()

    def test_needs_write_favourites(self, api, post, user):
        response = api(scopes=["read", "write:statuses"]).post(url(post(user), "favourite"))
        assert response.status_code == 403
        assert response.json() == {"error": "Insufficient permissions: write:favourites."}


class TestReblog:
    """POST /api/v1/statuses/:id/reblog and /unreblog"""

    def test_reblog_is_a_wrapper_and_is_idempotent(self, api, post, user):
        client = api()
        status = post(user, "hi")
        first = client.post(url(status, "reblog")).json()
        second = client.post(url(status, "reblog")).json()
        assert first["id"] == second["id"] != ids.encode(status.pk)
        assert first["reblog"]["id"] == ids.encode(status.pk)
        assert first["reblog"]["reblogged"] is True and first["reblogged"] is True
        assert first["account"]["id"] == ids.encode(client.user.pk)
        assert first["reblogs_count"] == 0 and first["reblog"]["reblogs_count"] == 1
        assert first["visibility"] == "public"
        assert set(first["pleroma"]) == {"local", "pinned_at", "bookmark_folder"}
        assert Notification.objects.filter(user=user, type="reblog").count() == 1

    @pytest.mark.parametrize("original,requested,expected", [
        ("public", None, "public"), ("unlisted", "unlisted", "public"),
        ("public", "private", "private"), ("local", None, "local"),
    ])
    def test_reblog_visibility(self, api, post, user, original, requested, expected):
        status = post(user, "hi", visibility=original)
        data = {"visibility": requested} if requested else {}
        assert api().post(url(status, "reblog"), data).json()["visibility"] == expected

    def test_private_statuses_can_only_be_reblogged_by_their_author(self, api, post, follow):
        author, follower = api(), api()
        follow(follower.user, author.user)
        status = post(author.user, "p", visibility="private")
        response = follower.post(url(status, "reblog"))
        assert response.status_code == 422
        assert response.json() == {"error": "can't announce non-public object"}
        assert author.post(url(status, "reblog")).json()["visibility"] == "private"

    def test_unreblog_returns_the_original(self, api, post, user):
        client = api()
        status = post(user, "hi")
        client.post(url(status, "reblog"))
        body = client.post(url(status, "unreblog")).json()
        assert body["id"] == ids.encode(status.pk)
        assert body["reblogged"] is False and body["reblogs_count"] == 0
        assert not Status.objects.filter(reblog_of=status).exists()


class TestPin:
    """POST /api/v1/statuses/:id/pin and /unpin"""

    def test_pins_own_public_status(self, api, post):
        client = api(scopes=["write:accounts"])
        status = post(client.user, "hi")
        body = client.post(url(status, "pin")).json()
        assert body["pinned"] is True and body["pleroma"]["pinned_at"]
        body = client.post(url(status, "unpin")).json()
        assert body["pinned"] is False and body["pleroma"]["pinned_at"] is None

    def test_refuses_others_and_non_public_statuses(self, api, post, user):
        client = api()
        response = client.post(url(post(user), "pin"))
        assert response.status_code == 422
        assert response.json() == {"error": "Someone else's status cannot be pinned"}
        response = client.post(url(post(client.user, visibility="private"), "pin"))
        assert response.status_code == 422
        assert response.json() == {"error": "Non-public status cannot be pinned"}

    def test_refuses_past_the_pin_limit(self, api, post, settings):
        settings.MAX_PINNED_STATUSES = 1
        client = api()
        client.post(url(post(client.user), "pin"))
        response = client.post(url(post(client.user), "pin"))
        assert response.status_code == 400
        assert response.json() == {"error": "You have already pinned the maximum number of statuses"}

    def test_needs_write_accounts(self, api, post):
        client = api(scopes=["write:statuses"])
        response = client.post(url(post(client.user), "pin"))
        assert response.status_code == 403


class TestThreadMute:
    """POST /api/v1/statuses/:id/mute and /unmute"""

    def test_mutes_the_thread_and_silences_its_notifications(self, api, post, user):
        client = api(scopes=["write:mutes", "read:statuses"])
        mine = post(client.user, "mine")
        body = client.post(url(mine, "mute")).json()
        assert body["pleroma"]["thread_muted"] is True and body["muted"] is True
        assert ThreadMute.objects.filter(user=client.user).count() == 1
        post(user, f"@{client.user.nickname} re", in_reply_to=mine)
        assert not Notification.objects.filter(user=client.user).exists()
        body = client.post(url(mine, "unmute")).json()
        assert body["pleroma"]["thread_muted"] is False


class TestFavouritedBy:
    """GET /api/v1/statuses/:id/favourited_by and /reblogged_by"""

    def test_lists_accounts(self, api, anon, post, user):
        status = post(user, "hi")
        fans = [api() for _ in range(3)]
        for fan in fans:
            fan.post(url(status, "favourite"))
        fans[0].post(url(status, "reblog"))
        body = anon.get(url(status, "favourited_by")).json()
        assert [a["id"] for a in body] == [ids.encode(f.user.pk) for f in reversed(fans)]
        body = anon.get(url(status, "reblogged_by")).json()
        assert [a["id"] for a in body] == [ids.encode(fans[0].user.pk)]

    def test_invisible_statuses_are_not_found(self, anon, post, user):
        status = post(user, "hi", visibility="private")
        assert anon.get(url(status, "favourited_by")).status_code == 404
