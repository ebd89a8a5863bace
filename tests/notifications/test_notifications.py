"""GET /api/v1/notifications, /api/v1/notifications/:id and the ways to delete them."""

import re

import pytest

from core import ids
from notifications.models import Notification
from notifications.services import notify
from relationships import follows
from tests.factories import StatusFactory, UserFactory


@pytest.fixture
def client(api):
    return api(scopes=["read:notifications", "write:notifications"])


def make(user, type="follow", account=None, **kwargs):
    return notify(user, account or UserFactory(), type, **kwargs)


def link_cursor(response, rel, name):
    return re.search(rf'<[^>]*[?&]{name}=([^&>]+)[^>]*>; rel="{rel}"', response["Link"]).group(1)


class TestListNotifications:
    """GET /api/v1/notifications"""

    def test_renders_the_entity(self, client):
        status = StatusFactory(account=client.user)
        reactor = UserFactory()
        reaction = make(client.user, "pleroma:emoji_reaction", reactor, status=status, emoji="☕")
        follow = make(client.user, "follow")
        body = client.get("/api/v1/notifications").json()
        assert [n["id"] for n in body] == [ids.encode(follow.pk), ids.encode(reaction.pk)]
        assert body[0]["type"] == "follow" and "status" not in body[0]
        assert body[0]["pleroma"] == {"is_seen": False, "is_muted": False}
        assert body[0]["created_at"].endswith("Z")
        assert body[0]["group_key"] == f"ungrouped-{body[0]['id']}"
        assert body[1]["account"]["id"] == ids.encode(reactor.pk)
        assert body[1]["emoji"] == "☕" and body[1]["emoji_url"] is None
        assert body[1]["status"]["id"] == ids.encode(status.pk)
        assert body[1]["status"]["content"] == status.content

    def test_move_carries_the_target(self, client):
        old, new = UserFactory(), UserFactory()
        make(client.user, "move", old, target=new)
        body = client.get("/api/v1/notifications").json()
        assert body[0]["account"]["id"] == ids.encode(old.pk)
        assert body[0]["target"]["id"] == ids.encode(new.pk)

    def test_only_the_callers_notifications(self, client):
        make(UserFactory(), "follow")
        assert client.get("/api/v1/notifications").json() == []

    def test_types_filters_exactly_and_ignores_unknown_types(self, client):
        make(client.user, "follow")
        mention = make(client.user, "mention", status=StatusFactory())
        response = client.get("/api/v1/notifications", {"types[]": ["mention", "no_such_type"]})
        assert response.status_code == 200
        assert [n["id"] for n in response.json()] == [ids.encode(mention.pk)]
        only_unknown = client.get("/api/v1/notifications", {"types[]": ["no_such_type"]})
        assert only_unknown.status_code == 200 and only_unknown.json() == []

    def test_include_types_is_an_alias_of_types(self, client):
        make(client.user, "follow")
        make(client.user, "mention", status=StatusFactory())
        body = client.get("/api/v1/notifications", {"include_types[]": ["follow"]}).json()
        assert [n["type"] for n in body] == ["follow"]

    def test_exclude_types(self, client):
        make(client.user, "follow")
        make(client.user, "mention", status=StatusFactory())
        body = client.get("/api/v1/notifications", {"exclude_types[]": ["follow", "bogus"]}).json()
        assert [n["type"] for n in body] == ["mention"]

    def test_chat_mentions_only_when_asked_for(self, client):
        Notification.objects.create(user=client.user, account=UserFactory(), type="pleroma:chat_mention")
        assert client.get("/api/v1/notifications").json() == []
        asked = client.get("/api/v1/notifications", {"types[]": "pleroma:chat_mention"}).json()
        assert len(asked) == 1

    def test_account_id_filter(self, client):
        alice = UserFactory()
        mine = make(client.user, "follow", alice)
        make(client.user, "follow")
        body = client.get("/api/v1/notifications", {"account_id": ids.encode(alice.pk)}).json()
        assert [n["id"] for n in body] == [ids.encode(mine.pk)]
        missing = client.get("/api/v1/notifications", {"account_id": "nobody_at_all"})
        assert missing.status_code == 404
        assert missing.json() == {"error": "Account is not found"}

    def test_exclude_visibilities(self, client):
        direct = make(client.user, "mention", status=StatusFactory(visibility="direct"))
        public = make(client.user, "mention", status=StatusFactory(visibility="public"))
        follow = make(client.user, "follow")
        body = client.get("/api/v1/notifications", {"exclude_visibilities[]": ["direct"]}).json()
        ids_ = [n["id"] for n in body]
        assert ids.encode(direct.pk) not in ids_
        assert ids_ == [ids.encode(follow.pk), ids.encode(public.pk)]

    def test_blocking_later_hides_earlier_notifications(self, client):
        rude = UserFactory()
        make(client.user, "follow", rude)
        follows.block(client.user, rude)
        assert client.get("/api/v1/notifications").json() == []

    def test_being_blocked_later_hides_them_too(self, client):
        other = UserFactory()
        make(client.user, "mention", other, status=StatusFactory(account=other))
        follows.block(other, client.user)
        assert client.get("/api/v1/notifications").json() == []

    def test_muting_hides_notifications_unless_with_muted(self, client):
        noisy = UserFactory()
        notification = make(client.user, "mention", noisy, status=StatusFactory(account=noisy))
        follows.mute(client.user, noisy)
        assert client.get("/api/v1/notifications").json() == []
        body = client.get("/api/v1/notifications", {"with_muted": "true"}).json()
        assert [n["id"] for n in body] == [ids.encode(notification.pk)]
        assert body[0]["pleroma"]["is_muted"] is True
        assert make(client.user, "follow", noisy) is None

    def test_a_mute_without_notifications_keeps_them(self, client):
        quiet = UserFactory()
        make(client.user, "follow", quiet)
        follows.mute(client.user, quiet, notifications=False)
        body = client.get("/api/v1/notifications").json()
        assert len(body) == 1 and body[0]["pleroma"]["is_muted"] is True

    def test_pages_with_link_headers(self, client):
        made = [make(client.user, "follow") for _ in range(5)]
        first = client.get("/api/v1/notifications", {"limit": 2, "exclude_types[]": "mention"})
        assert [n["id"] for n in first.json()] == [ids.encode(made[4].pk), ids.encode(made[3].pk)]
        assert "exclude_types%5B%5D=mention" in first["Link"] or "exclude_types[]=mention" in first["Link"]
        assert link_cursor(first, "next", "max_id") == ids.encode(made[3].pk)
        assert link_cursor(first, "prev", "min_id") == ids.encode(made[4].pk)
        second = client.get("/api/v1/notifications", {"limit": 2, "max_id": ids.encode(made[3].pk)})
        assert [n["id"] for n in second.json()] == [ids.encode(made[2].pk), ids.encode(made[1].pk)]
        newer = client.get("/api/v1/notifications", {"limit": 2, "min_id": ids.encode(made[1].pk)})
        assert [n["id"] for n in newer.json()] == [ids.encode(made[3].pk), ids.encode(made[2].pk)]
        since = client.get("/api/v1/notifications", {"limit": 2, "since_id": ids.encode(made[1].pk)})
        assert [n["id"] for n in since.json()] == [ids.encode(made[4].pk), ids.encode(made[3].pk)]

    @pytest.mark.parametrize("count", [1, 20])
    def test_query_count_does_not_grow_with_the_page(self, client, count, django_assert_max_num_queries):
        for i in range(count):
            other = UserFactory()
            status = StatusFactory(account=client.user)
            kind = ("mention", "favourite", "pleroma:emoji_reaction", "follow")[i % 4]
            make(client.user, kind, other, status=None if kind == "follow" else status, emoji="☕")
        with django_assert_max_num_queries(14):
            body = client.get("/api/v1/notifications").json()
        assert len(body) == count

    def test_refuses_a_token_without_read_notifications(self, api):
        response = api(scopes=["read:statuses"]).get("/api/v1/notifications")
        assert response.status_code == 403
        assert response.json() == {"error": "Insufficient permissions: read:notifications."}

    def test_refuses_anonymous(self, anon):
        response = anon.get("/api/v1/notifications")
        assert response.status_code == 403
        assert response.json() == {"error": "Invalid credentials."}


class TestShowNotification:
    """GET /api/v1/notifications/:id"""

    def test_shows_own_notification(self, client):
        notification = make(client.user)
        body = client.get(f"/api/v1/notifications/{ids.encode(notification.pk)}").json()
        assert body["id"] == ids.encode(notification.pk) and body["type"] == "follow"

    def test_another_users_notification_is_404(self, client):
        notification = make(UserFactory())
        response = client.get(f"/api/v1/notifications/{ids.encode(notification.pk)}")
        assert response.status_code == 404
        assert response.json() == {"error": "Record not found"}

    def test_junk_id_is_404(self, client):
        assert client.get("/api/v1/notifications/!!junk!!").status_code == 404


class TestDismissNotification:
    """POST /api/v1/notifications/:id/dismiss"""

    def test_deletes_own_notification(self, client):
        notification = make(client.user)
        response = client.post(f"/api/v1/notifications/{ids.encode(notification.pk)}/dismiss")
        assert response.status_code == 200 and response.json() == {}
        assert not Notification.objects.exists()

    def test_another_users_notification_is_404_and_kept(self, client):
        notification = make(UserFactory())
        response = client.post(f"/api/v1/notifications/{ids.encode(notification.pk)}/dismiss")
        assert response.status_code == 404
        assert Notification.objects.filter(pk=notification.pk).exists()

    def test_refuses_a_read_only_token(self, api):
        client = api(scopes=["read"])
        notification = make(client.user)
        response = client.post(f"/api/v1/notifications/{ids.encode(notification.pk)}/dismiss")
        assert response.status_code == 403
        assert response.json() == {"error": "Insufficient permissions: write:notifications."}


class TestDismissByBody:
    """POST /api/v1/notifications/dismiss"""

    def test_deletes_the_notification_named_in_the_body(self, client):
        notification = make(client.user)
        response = client.post("/api/v1/notifications/dismiss", {"id": ids.encode(notification.pk)})
        assert response.status_code == 200
        assert not Notification.objects.exists()

    def test_missing_id_is_400(self, client):
        response = client.post("/api/v1/notifications/dismiss")
        assert response.status_code == 400
        assert response.json() == {"error": "Missing parameter: id"}


class TestClearNotifications:
    """POST /api/v1/notifications/clear"""

    def test_deletes_only_the_callers_notifications(self, client):
        make(client.user)
        make(client.user)
        other = make(UserFactory())
        response = client.post("/api/v1/notifications/clear")
        assert response.status_code == 200 and response.json() == {}
        assert list(Notification.objects.all()) == [other]


class TestDestroyMultiple:
    """DELETE /api/v1/notifications/destroy_multiple"""

    def test_deletes_the_listed_own_notifications(self, client):
        a, b, keep = make(client.user), make(client.user), make(client.user)
        other = make(UserFactory())
        query = "&".join(f"ids[]={ids.encode(n.pk)}" for n in (a, b, other))
        response = client.delete(f"/api/v1/notifications/destroy_multiple?{query}&ids[]=junk")
        assert response.status_code == 200 and response.json() == {}
        assert set(Notification.objects.all()) == {keep, other}

    def test_refuses_a_read_only_token(self, api):
        response = api(scopes=["read"]).delete("/api/v1/notifications/destroy_multiple")
        assert response.status_code == 403
