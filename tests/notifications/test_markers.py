"""GET/POST /api/v1/markers and POST /api/v1/pleroma/notifications/read: one read state."""

import pytest

from core import ids
from notifications.models import Marker, Notification
from notifications.services import notify
from tests.factories import UserFactory


def make(user, type="follow"):
    return notify(user, UserFactory(), type)


def unread(user):
    return list(Notification.objects.filter(user=user, is_seen=False).order_by("id"))


class TestGetMarkers:
    """GET /api/v1/markers"""

    def test_fresh_user_has_no_markers(self, api):
        response = api(scopes=["read:statuses"]).get("/api/v1/markers")
        assert response.status_code == 200 and response.json() == {}

    def test_filters_by_timeline(self, api):
        client = api(scopes=["read:statuses", "write:statuses"])
        client.post("/api/v1/markers", {"home[last_read_id]": "abc", "notifications[last_read_id]": "def"})
        body = client.get("/api/v1/markers", {"timeline[]": ["home"]}).json()
        assert set(body) == {"home"}
        assert set(client.get("/api/v1/markers").json()) == {"home", "notifications"}

    def test_refuses_a_token_without_read_statuses(self, api):
        response = api(scopes=["read:notifications"]).get("/api/v1/markers")
        assert response.status_code == 403
        assert response.json() == {"error": "Insufficient permissions: read:statuses."}


class TestSaveMarkers:
    """POST /api/v1/markers"""

    def test_saves_with_a_version_counter(self, api):
        client = api(scopes=["write:statuses"])
        body = client.post("/api/v1/markers", {"home[last_read_id]": "AAA"}).json()
        assert body["home"]["last_read_id"] == "AAA" and body["home"]["version"] == 1
        assert body["home"]["updated_at"].endswith("Z")
        body = client.post("/api/v1/markers", {"home": {"last_read_id": "BBB"}}, format="json").json()
        assert body["home"] == {**body["home"], "last_read_id": "BBB", "version": 2}
        assert Marker.objects.get(user=client.user, timeline="home").version == 2

    def test_notifications_marker_marks_notifications_up_to_it_seen(self, api):
        client = api(scopes=["write:statuses", "read:accounts"])
        first, second, third = make(client.user), make(client.user), make(client.user)
        body = client.post("/api/v1/markers",
                           {"notifications[last_read_id]": ids.encode(second.pk)}).json()
        assert body["notifications"]["pleroma"] == {"unread_count": 1}
        assert unread(client.user) == [third]
        me = client.get("/api/v1/accounts/verify_credentials").json()
        assert me["pleroma"]["unread_notifications_count"] == 1
        assert first.pk != third.pk

    def test_unknown_timelines_are_ignored(self, api):
        client = api(scopes=["write:statuses"])
        response = client.post("/api/v1/markers", {"public[last_read_id]": "x"})
        assert response.status_code == 200 and response.json() == {}

    def test_refuses_a_read_only_token(self, api):
        response = api(scopes=["read"]).post("/api/v1/markers", {"home[last_read_id]": "x"})
        assert response.status_code == 403
        assert response.json() == {"error": "Insufficient permissions: write:statuses."}


class TestReadNotifications:
    """POST /api/v1/pleroma/notifications/read"""

    @pytest.fixture
    def client(self, api):
        return api(scopes=["write:notifications", "read:statuses"])

    def test_id_marks_exactly_one_and_returns_it(self, client):
        first, second = make(client.user), make(client.user)
        response = client.post("/api/v1/pleroma/notifications/read", {"id": ids.encode(first.pk)})
        assert response.status_code == 200
        body = response.json()
        assert body["id"] == ids.encode(first.pk) and body["pleroma"]["is_seen"] is True
        assert unread(client.user) == [second]

    def test_max_id_marks_older_ones_and_returns_them(self, client):
        first, second, third = make(client.user), make(client.user), make(client.user)
        body = client.post("/api/v1/pleroma/notifications/read", {"max_id": ids.encode(second.pk)}).json()
        assert [n["id"] for n in body] == [ids.encode(second.pk), ids.encode(first.pk)]
        assert all(n["pleroma"]["is_seen"] for n in body)
        assert unread(client.user) == [third]

    def test_moves_the_notifications_marker(self, client):
        first, second = make(client.user), make(client.user)
        client.post("/api/v1/pleroma/notifications/read", {"max_id": ids.encode(second.pk)})
        markers = client.get("/api/v1/markers").json()
        assert markers["notifications"]["last_read_id"] == ids.encode(second.pk)
        assert markers["notifications"]["pleroma"]["unread_count"] == 0
        assert first.pk < second.pk

    def test_returns_at_most_80(self, client):
        user = client.user
        sender = UserFactory()
        Notification.objects.bulk_create(
            [Notification(user=user, account=sender, type="follow") for _ in range(85)])
        newest = Notification.objects.filter(user=user).order_by("-id").first()
        body = client.post("/api/v1/pleroma/notifications/read", {"max_id": ids.encode(newest.pk)}).json()
        assert len(body) == 80
        assert unread(user) == []

    def test_legacy_path_works(self, client):
        notification = make(client.user)
        response = client.post("/api/pleroma/notifications/read", {"id": ids.encode(notification.pk)})
        assert response.status_code == 200

    def test_another_users_notification_is_refused(self, client):
        notification = make(UserFactory())
        response = client.post("/api/v1/pleroma/notifications/read", {"id": ids.encode(notification.pk)})
        assert response.status_code == 400
        assert response.json() == {"error": "Cannot get notification"}
        assert Notification.objects.get(pk=notification.pk).is_seen is False

    def test_unknown_id_is_refused(self, client):
        response = client.post("/api/v1/pleroma/notifications/read", {"id": "22222222222222"})
        assert response.status_code == 400
        assert response.json() == {"error": "Cannot get notification"}

    def test_neither_parameter_is_400(self, client):
        response = client.post("/api/v1/pleroma/notifications/read")
        assert response.status_code == 400
        assert response.json() == {"error": "Missing parameter: id or max_id"}

    def test_refuses_a_token_without_write_notifications(self, api):
        response = api(scopes=["read"]).post("/api/v1/pleroma/notifications/read", {"id": "x"})
        assert response.status_code == 403
        assert response.json() == {"error": "Insufficient permissions: write:notifications."}
