"""GET /api/v2/notifications (grouped), a group's routes and /api/v2/notifications/unread_count."""

import pytest

from core import ids
from filters import services as filter_services
from notifications.models import Notification
from notifications.services import notify
from statuses import services
from tests.factories import UserFactory


@pytest.fixture
def client(api):
    return api(scopes=["read:notifications", "write:notifications"])


def favourites(user, status, count):
    return [notify(user, UserFactory(), "favourite", status=status) for _ in range(count)]


class TestGroupedNotifications:
    """GET /api/v2/notifications"""

    def test_groups_favourites_of_a_status_and_follows(self, client):
        status = services.create_status(client.user, text="mine")
        faves = favourites(client.user, status, 3)
        follows = [notify(client.user, UserFactory(), "follow") for _ in range(2)]
        mention = notify(client.user, UserFactory(), "mention", status=status)
        body = client.get("/api/v2/notifications").json()
        assert set(body) == {"accounts", "statuses", "notification_groups"}
        grouped = body["notification_groups"]
        assert [g["type"] for g in grouped] == ["mention", "follow", "favourite"]
        mention_group, follow_group, fave_group = grouped
        assert mention_group["group_key"] == f"ungrouped-{ids.encode(mention.pk)}"
        assert follow_group["notifications_count"] == 2 and follow_group["group_key"].startswith("follow-")
        assert fave_group["notifications_count"] == 3
        assert fave_group["group_key"].startswith(f"favourite-{ids.encode(status.pk)}-")
        assert fave_group["status_id"] == ids.encode(status.pk)
        assert fave_group["most_recent_notification_id"] == ids.encode(faves[-1].pk)
        assert fave_group["page_min_id"] == ids.encode(faves[0].pk)
        assert fave_group["sample_account_ids"] == [ids.encode(f.account_id) for f in reversed(faves)]
        assert {a["id"] for a in body["accounts"]} == {ids.encode(n.account_id) for n in [*faves, *follows, mention]}
        assert [s["id"] for s in body["statuses"]] == [ids.encode(status.pk)]

    def test_grouped_types_chooses_what_groups(self, client):
        status = services.create_status(client.user, text="mine")
        favourites(client.user, status, 2)
        body = client.get("/api/v2/notifications", {"grouped_types[]": "follow"}).json()
        assert [g["notifications_count"] for g in body["notification_groups"]] == [1, 1]

    def test_pages_by_groups_with_link_cursors(self, client):
        status = services.create_status(client.user, text="mine")
        old = favourites(client.user, status, 2)
        follows = [notify(client.user, UserFactory(), "follow") for _ in range(2)]
        first = client.get("/api/v2/notifications", {"limit": 1})
        assert [g["type"] for g in first.json()["notification_groups"]] == ["follow"]
        assert f"max_id={ids.encode(follows[0].pk)}" in first["Link"]
        second = client.get("/api/v2/notifications", {"limit": 1, "max_id": ids.encode(follows[0].pk)}).json()
        assert [g["notifications_count"] for g in second["notification_groups"]] == [2]
        assert second["notification_groups"][0]["page_min_id"] == ids.encode(old[0].pk)

    def test_partial_avatars(self, client):
        status = services.create_status(client.user, text="mine")
        faves = favourites(client.user, status, 3)
        body = client.get("/api/v2/notifications", {"expand_accounts": "partial_avatars"}).json()
        assert [a["id"] for a in body["accounts"]] == [ids.encode(faves[-1].account_id)]
        assert len(body["partial_accounts"]) == 2 and set(body["partial_accounts"][0]) >= {"id", "avatar", "acct"}
        assert client.get("/api/v2/notifications", {"expand_accounts": "some"}).status_code == 422

    def test_filters_hide_groups_of_matching_statuses(self, client):
        hidden = services.create_status(client.user, text="a spoiler")
        shown = services.create_status(client.user, text="fine")
        favourites(client.user, hidden, 2)
        favourites(client.user, shown, 1)
        filter_services.create_filter(client.user, title="S", context=["notifications"], action="hide",
                                      keywords=[{"keyword": "spoiler"}])
        body = client.get("/api/v2/notifications").json()
        assert [g["status_id"] for g in body["notification_groups"]] == [ids.encode(shown.pk)]
        assert [s["id"] for s in body["statuses"]] == [ids.encode(shown.pk)]

    def test_only_the_callers_and_scoped(self, client, api):
        notify(UserFactory(), UserFactory(), "follow")
        assert client.get("/api/v2/notifications").json()["notification_groups"] == []
        assert api(scopes=["read:statuses"]).get("/api/v2/notifications").status_code == 403
        assert client.get("/api/v2/notifications", {"account_id": "nobody"}).json() == {
            "error": "Account is not found"}
        assert client.get("/api/v2/notifications", {"include_filtered": "true"}).status_code == 422

    @pytest.mark.parametrize("size", [1, 20])
    def test_renders_in_a_constant_number_of_queries(self, client, size, django_assert_max_num_queries):
        for n in range(size):
            status = services.create_status(client.user, text=f"post {n}")
            favourites(client.user, status, 2)
            notify(client.user, UserFactory(), "mention", status=status)
        with django_assert_max_num_queries(16):
            body = client.get("/api/v2/notifications", {"limit": 40}).json()
        assert len(body["notification_groups"]) == 2 * size


class TestGroup:
    """GET /api/v2/notifications/:group_key, .../accounts, POST .../dismiss"""

    def test_shows_lists_accounts_and_dismisses(self, client):
        status = services.create_status(client.user, text="mine")
        faves = favourites(client.user, status, 2)
        key = client.get("/api/v2/notifications").json()["notification_groups"][0]["group_key"]
        shown = client.get(f"/api/v2/notifications/{key}").json()
        assert [g["notifications_count"] for g in shown["notification_groups"]] == [2]
        accounts = client.get(f"/api/v2/notifications/{key}/accounts").json()
        assert [a["id"] for a in accounts] == [ids.encode(f.account_id) for f in reversed(faves)]
        assert client.post(f"/api/v2/notifications/{key}/dismiss").json() == {}
        assert not Notification.objects.filter(user=client.user).exists()
        assert client.get(f"/api/v2/notifications/{key}").status_code == 404

    @pytest.mark.parametrize("key", ["junk", "favourite-xx", "follow-99999999999999", "ungrouped-!!"])
    def test_unknown_keys_are_not_found(self, client, key):
        response = client.get(f"/api/v2/notifications/{key}")
        assert response.status_code == 404 and response.json() == {"error": "Record not found"}

    def test_another_users_group_is_not_found(self, client):
        theirs = notify(UserFactory(), UserFactory(), "mention")
        key = f"ungrouped-{ids.encode(theirs.pk)}"
        assert client.get(f"/api/v2/notifications/{key}").status_code == 404
        assert client.post(f"/api/v2/notifications/{key}/dismiss").status_code == 404
        assert Notification.objects.filter(pk=theirs.pk).exists()


class TestUnreadCount:
    """GET /api/v2/notifications/unread_count"""

    def test_counts_groups_of_unseen_notifications_up_to_limit(self, client):
        status = services.create_status(client.user, text="mine")
        favourites(client.user, status, 3)
        notify(client.user, UserFactory(), "mention", status=status)
        seen = notify(client.user, UserFactory(), "mention", status=status)
        Notification.objects.filter(pk=seen.pk).update(is_seen=True)
        assert client.get("/api/v2/notifications/unread_count").json() == {"count": 2}
        assert client.get("/api/v2/notifications/unread_count", {"limit": 1}).json() == {"count": 1}
        assert client.get("/api/v2/notifications/unread_count", {"types[]": "mention"}).json() == {"count": 1}
