"""Subscriptions, endorsements, an account's favourites, notification settings."""

from accounts.models import User
from notifications.models import Notification
from relationships import follows
from relationships.models import Block, Endorsement, Follow
from statuses import services as status_services
from tests.factories import UserFactory


class TestSubscribe:
    """POST /api/v1/pleroma/accounts/:id/subscribe"""

    def test_subscribing_is_following_with_notify(self, api):
        client = api(scopes=["follow"])
        target = UserFactory()
        response = client.post(f"/api/v1/pleroma/accounts/{_id(target)}/subscribe")
        assert response.status_code == 200
        body = response.json()
        assert body["subscribing"] is True and body["notifying"] is True and body["following"] is True
        assert Follow.objects.get(follower=client.user, followed=target).notify

    def test_a_blocking_account_refuses(self, api):
        client = api(scopes=["write:follows"])
        target = UserFactory(nickname="grumpy")
        Block.objects.create(blocker=target, blocked=client.user)
        response = client.post(f"/api/v1/pleroma/accounts/{_id(target)}/subscribe")
        assert (response.status_code, response.json()) == (
            403, {"error": "Could not subscribe: grumpy is blocking you"})

    def test_unknown_account_and_self(self, api):
        client = api(scopes=["follow"])
        assert client.post("/api/v1/pleroma/accounts/target_id/subscribe").json() == {"error": "Record not found"}
        response = client.post(f"/api/v1/pleroma/accounts/{_id(client.user)}/subscribe")
        assert response.status_code == 400

    def test_refuses_a_token_without_the_scope(self, api):
        response = api(scopes=["read"]).post(f"/api/v1/pleroma/accounts/{_id(UserFactory())}/subscribe")
        assert response.json() == {"error": "Insufficient permissions: follow | write:follows."}


class TestUnsubscribe:
    """POST /api/v1/pleroma/accounts/:id/unsubscribe"""

    def test_keeps_the_follow(self, api):
        client = api(scopes=["follow"])
        target = UserFactory()
        follows.follow(client.user, target, notify=True)
        response = client.post(f"/api/pleroma/accounts/{_id(target)}/unsubscribe")
        assert response.json()["subscribing"] is False and response.json()["following"] is True
        again = client.post(f"/api/v1/pleroma/accounts/{_id(target)}/unsubscribe")
        assert again.status_code == 200


class TestAccountFavourites:
    """GET /api/v1/pleroma/accounts/:id/favourites"""

    def _liker(self, **fields):
        liker = UserFactory(hide_favorites=False, **fields)
        author = UserFactory()
        liked = [status_services.create_status(author, text=f"post {i}") for i in range(3)]
        for status in liked:
            status_services.favourite(liker, status)
        return liker, author, liked

    def test_lists_liked_statuses_newest_like_first(self, anon):
        liker, _, liked = self._liker()
        response = anon.get(f"/api/v1/pleroma/accounts/{_id(liker)}/favourites")
        assert response.status_code == 200
        assert [s["id"] for s in response.json()] == [_id(s) for s in reversed(liked)]
        assert 'rel="next"' in response["Link"]

    def test_pages_by_favourite_id(self, anon):
        liker, _, liked = self._liker()
        first = anon.get(f"/api/v1/pleroma/accounts/{_id(liker)}/favourites", {"limit": 2})
        assert [s["id"] for s in first.json()] == [_id(liked[2]), _id(liked[1])]
        next_url = first["Link"].split(";")[0].strip("<>")
        second = anon.get(next_url.split("localhost:8000")[-1] if "localhost" in next_url else next_url)
        assert [s["id"] for s in second.json()] == [_id(liked[0])]

    def test_hidden_favourites_are_403_even_for_the_owner(self, api):
        client = api(scopes=["read"])
        response = client.get(f"/api/v1/pleroma/accounts/{_id(client.user)}/favourites")
        assert (response.status_code, response.json()) == (403, {"error": "Can't get favorites"})

    def test_respects_the_viewers_visibility(self, api, anon):
        liker = UserFactory(hide_favorites=False)
        author, outsider = api(scopes=["read"]), api(scopes=["read"])
        direct = status_services.create_status(author.user, text=f"@{liker.nickname} psst", visibility="direct")
        status_services.favourite(liker, direct)
        path = f"/api/v1/pleroma/accounts/{_id(liker)}/favourites"
        assert anon.get(path).json() == []
        assert outsider.get(path).json() == []
        assert [s["id"] for s in author.get(path).json()] == [_id(direct)]

    def test_constant_queries_per_page(self, anon, django_assert_max_num_queries):
        liker = UserFactory(hide_favorites=False)
        path = f"/api/v1/pleroma/accounts/{_id(liker)}/favourites"
        authors = [UserFactory() for _ in range(3)]
        status_services.favourite(liker, status_services.create_status(authors[0], text="one"))
        with django_assert_max_num_queries(20) as one:
            anon.get(path)
        baseline = len(one.captured_queries)
        for i in range(24):
            status_services.favourite(liker, status_services.create_status(authors[i % 3], text=f"n {i}"))
        with django_assert_max_num_queries(baseline):
            assert len(anon.get(path, {"limit": 25}).json()) == 25

    def test_unknown_account_is_404(self, anon):
        assert anon.get("/api/v1/pleroma/accounts/nobody_here/favourites").status_code == 404


class TestPin:
    """POST /api/v1/accounts/:id/pin and /unpin"""

    def test_pins_and_unpins_a_followed_account(self, api):
        client = api(scopes=["follow", "read"])
        target = UserFactory()
        follows.follow(client.user, target)
        pinned = client.post(f"/api/v1/accounts/{_id(target)}/pin")
        assert pinned.status_code == 200 and pinned.json()["endorsed"] is True
        assert [a["id"] for a in client.get("/api/v1/endorsements").json()] == [_id(target)]
        unpinned = client.post(f"/api/v1/accounts/{_id(target)}/unpin")
        assert unpinned.json()["endorsed"] is False
        assert client.get("/api/v1/endorsements").json() == []

    def test_refuses_unfollowed_and_over_the_limit(self, api, settings):
        client = api(scopes=["write:accounts"])
        settings.MAX_ENDORSED_USERS = 1
        first, second, stranger = UserFactory(), UserFactory(), UserFactory()
        follows.follow(client.user, first)
        follows.follow(client.user, second)
        refused = client.post(f"/api/v1/accounts/{_id(stranger)}/pin")
        assert (refused.status_code, refused.json()) == (400, {"error": "You must follow an account to pin it"})
        client.post(f"/api/v1/accounts/{_id(first)}/pin")
        over = client.post(f"/api/v1/accounts/{_id(second)}/pin")
        assert over.json() == {"error": "You have already pinned the maximum number of users"}

    def test_refuses_a_token_without_the_scope(self, api):
        response = api(scopes=["read"]).post(f"/api/v1/accounts/{_id(UserFactory())}/pin")
        assert response.json() == {"error": "Insufficient permissions: follow | write:accounts."}


class TestAccountEndorsements:
    """GET /api/v1/pleroma/accounts/:id/endorsements"""

    def test_lists_in_endorsement_order_without_deactivated(self, api, anon):
        owner = UserFactory()
        a, b, gone = UserFactory(), UserFactory(), UserFactory()
        for account in (b, a, gone):
            Endorsement.objects.create(owner=owner, account=account)
        User.objects.filter(pk=gone.pk).update(is_active=False)
        response = anon.get(f"/api/v1/pleroma/accounts/{_id(owner)}/endorsements")
        assert [x["id"] for x in response.json()] == [_id(b), _id(a)]
        viewer = api(scopes=["read"])
        follows.follow(viewer.user, a)
        rows = viewer.get(f"/api/v1/pleroma/accounts/{_id(owner)}/endorsements",
                          {"with_relationships": "true"}).json()
        assert rows[1]["pleroma"]["relationship"]["following"] is True

    def test_unknown_account_is_404(self, anon):
        response = anon.get("/api/v1/pleroma/accounts/test/endorsements")
        assert (response.status_code, response.json()) == (404, {"error": "Record not found"})


class TestNotificationSettings:
    """PUT /api/pleroma/notification_settings"""

    def test_partial_updates_exposed_in_verify_credentials(self, api):
        client = api(scopes=["write:accounts", "read:accounts"])
        response = client.put("/api/pleroma/notification_settings?block_from_strangers=true")
        assert response.json() == {"status": "success"}
        client.put("/api/pleroma/notification_settings", {"hide_notification_contents": "1"}, format="json")
        stored = User.objects.get(pk=client.user.pk).notification_settings
        assert stored == {"block_from_strangers": True, "hide_notification_contents": True}
        me = client.get("/api/v1/accounts/verify_credentials").json()
        assert me["pleroma"]["notification_settings"] == stored

    def test_block_from_strangers_stops_their_notifications(self, api):
        client = api(scopes=["write:accounts"])
        client.put("/api/pleroma/notification_settings?block_from_strangers=1")
        client.user.refresh_from_db()
        friend, stranger = UserFactory(), UserFactory()
        follows.follow(client.user, friend)
        follows.follow(stranger, client.user)
        follows.follow(friend, client.user)
        assert list(Notification.objects.filter(user=client.user).values_list("account_id", flat=True)) == [friend.pk]

    def test_refuses_a_token_without_the_scope(self, api):
        response = api(scopes=["read"]).put("/api/pleroma/notification_settings?block_from_strangers=1")
        assert response.json() == {"error": "Insufficient permissions: write:accounts."}


def _id(obj) -> str:
    from core import ids

    return ids.encode(obj.pk)


class TestOwnEndorsements:
    """GET /api/v1/endorsements"""

    def test_constant_queries_for_1_and_21_accounts(self, api, django_assert_max_num_queries):
        client = api(scopes=["read:accounts"])
        Endorsement.objects.create(owner=client.user, account=UserFactory())
        with django_assert_max_num_queries(10) as one:
            assert len(client.get("/api/v1/endorsements").json()) == 1
        baseline = len(one.captured_queries)
        for _ in range(20):
            Endorsement.objects.create(owner=client.user, account=UserFactory())
        with django_assert_max_num_queries(baseline):
            assert len(client.get("/api/v1/endorsements", {"limit": 40}).json()) == 21

    def test_refuses_a_token_without_the_scope(self, api):
        assert api(scopes=["write"]).get("/api/v1/endorsements").json() == {
            "error": "Insufficient permissions: read:accounts."}
