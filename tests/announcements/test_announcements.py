"""/api/v1/announcements (list, dismiss, reactions) and Pleroma's admin API for them."""

import datetime

import pytest
from django.utils import timezone

from announcements import services
from announcements.models import Announcement, AnnouncementReaction, AnnouncementRead
from core import ids
from emoji import registry
from emoji.models import Emoji, EmojiPack
from tests.factories import UserFactory


@pytest.fixture
def client(api):
    return api(scopes=["read", "write"])


@pytest.fixture
def admin(api):
    return api(scopes=["admin:read", "admin:write"], user=UserFactory(is_admin=True))


def publish(content="Maintenance tonight", **fields):
    return services.create_announcement(content=content, **fields)


class TestListAnnouncements:
    """GET /api/v1/announcements"""

    def test_renders_the_entity(self, client):
        a = publish("Hello :blobcat:", all_day=True)
        body = client.get("/api/v1/announcements").json()
        assert len(body) == 1
        entity = body[0]
        assert entity["id"] == ids.encode(a.pk)
        assert entity["content"] == "Hello :blobcat:"
        assert entity["all_day"] is True and entity["read"] is False
        assert entity["published_at"].endswith("Z") and entity["starts_at"] is None
        assert entity["reactions"] == [] and entity["mentions"] == [] and entity["emojis"] == []

    def test_shows_only_the_current_ones_oldest_first(self, client):
        now = timezone.now()
        first = publish("one")
        publish("future", starts_at=(now + datetime.timedelta(days=1)).isoformat())
        publish("past", starts_at=(now - datetime.timedelta(days=2)).isoformat(),
                ends_at=(now - datetime.timedelta(days=1)).isoformat())
        second = publish("two", ends_at=(now + datetime.timedelta(days=1)).isoformat())
        assert [a["id"] for a in client.get("/api/v1/announcements").json()] == [
            ids.encode(first.pk), ids.encode(second.pk)]

    def test_dismissed_ones_are_left_out_unless_asked_for(self, client):
        a = publish()
        assert client.post(f"/api/v1/announcements/{ids.encode(a.pk)}/dismiss").json() == {}
        assert client.post(f"/api/v1/announcements/{ids.encode(a.pk)}/dismiss").status_code == 200
        assert AnnouncementRead.objects.filter(user=client.user).count() == 1
        assert client.get("/api/v1/announcements").json() == []
        again = client.get("/api/v1/announcements", {"with_dismissed": "true"}).json()
        assert [a["read"] for a in again] == [True]

    def test_needs_a_user(self, anon, api):
        assert anon.get("/api/v1/announcements").json() == {"error": "Invalid credentials."}
        assert api(scopes=["read"]).get("/api/v1/announcements").status_code == 200

    def test_renders_in_a_constant_number_of_queries(self, client, django_assert_max_num_queries):
        for n in range(15):
            a = publish(f"n{n}")
            services.react(UserFactory(), ids.encode(a.pk), "☕")
        with django_assert_max_num_queries(6):  # token, list, reads, reactions, own reactions, dismissed
            assert len(client.get("/api/v1/announcements").json()) == 15


class TestDismiss:
    """POST /api/v1/announcements/:id/dismiss"""

    def test_refuses_unknown_and_not_current_ones(self, client):
        ended = publish(ends_at=(timezone.now() - datetime.timedelta(seconds=5)).isoformat(),
                        starts_at=(timezone.now() - datetime.timedelta(days=1)).isoformat())
        for pk in (ids.encode(ended.pk), "junk"):
            response = client.post(f"/api/v1/announcements/{pk}/dismiss")
            assert response.status_code == 404 and response.json() == {"error": "Record not found"}

    def test_needs_write_accounts(self, api):
        a = publish()
        response = api(scopes=["read"]).post(f"/api/v1/announcements/{ids.encode(a.pk)}/dismiss")
        assert response.status_code == 403


class TestReactions:
    """PUT/DELETE /api/v1/announcements/:id/reactions/:name"""

    def test_reacts_and_unreacts(self, client, api):
        a = publish()
        url = f"/api/v1/announcements/{ids.encode(a.pk)}/reactions/☕"
        assert client.put(url).json() == {}
        assert client.put(url).status_code == 200
        api(scopes=["write"]).put(url)
        body = client.get("/api/v1/announcements").json()[0]
        assert body["reactions"] == [{"name": "☕", "count": 2, "me": True, "url": None, "static_url": None}]
        assert client.delete(url).json() == {}
        assert AnnouncementReaction.objects.count() == 1
        assert client.delete(url).status_code == 400

    def test_takes_a_local_custom_emoji(self, client, data_dir):
        Emoji.objects.create(pack=EmojiPack.objects.create(name="blobs"), shortcode="blobcat",
                             filename="blobcat.png")
        registry.invalidate()
        a = publish()
        assert client.put(f"/api/v1/announcements/{ids.encode(a.pk)}/reactions/blobcat").status_code == 200
        reaction = client.get("/api/v1/announcements").json()[0]["reactions"][0]
        assert reaction["name"] == "blobcat" and reaction["url"].endswith("blobcat.png")

    @pytest.mark.parametrize("name", ["notanemoji", "blobcat@remote.example", "abc def"])
    def test_refuses_what_is_not_an_emoji_here(self, client, name):
        a = publish()
        response = client.put(f"/api/v1/announcements/{ids.encode(a.pk)}/reactions/{name}")
        assert response.status_code == 400
        assert response.json() == {"error": "Could not add reaction emoji"}
        assert not AnnouncementReaction.objects.exists()

    def test_needs_write_favourites(self, api):
        a = publish()
        response = api(scopes=["read", "write:accounts"]).put(f"/api/v1/announcements/{ids.encode(a.pk)}/reactions/☕")
        assert response.status_code == 403
        assert response.json() == {"error": "Insufficient permissions: write:favourites."}


class TestAdminAnnouncements:
    """GET/POST /api/v1/pleroma/admin/announcements, GET/PATCH/DELETE .../:id"""

    def test_creates_shows_changes_lists_and_deletes(self, admin):
        response = admin.post("/api/v1/pleroma/admin/announcements",
                              {"content": "Hi *all*", "starts_at": "2026-01-01T10:00:00Z", "all_day": "true"})
        assert response.status_code == 200
        created = response.json()
        assert created["pleroma"] == {"raw_content": "Hi *all*"} and created["all_day"] is True
        assert created["starts_at"] == "2026-01-01T10:00:00.000Z"
        path = f"/api/v1/pleroma/admin/announcements/{created['id']}"
        assert admin.get(path).json()["id"] == created["id"]
        changed = admin.patch(path, {"content": "Bye", "ends_at": "2027-01-01T00:00:00Z"}, format="json").json()
        assert changed["pleroma"]["raw_content"] == "Bye" and changed["ends_at"] == "2027-01-01T00:00:00.000Z"
        assert changed["all_day"] is True
        assert [a["id"] for a in admin.get("/api/v1/pleroma/admin/announcements").json()] == [created["id"]]
        assert admin.delete(path).json() == {}
        assert not Announcement.objects.exists()
        assert admin.get(path).status_code == 404

    @pytest.mark.parametrize(("body", "error"), [
        ({}, "Missing field: content"),
        ({"content": "x", "starts_at": "tomorrow"}, "Invalid starts_at"),
        ({"content": "x", "starts_at": "2026-02-01T00:00:00Z", "ends_at": "2026-01-01T00:00:00Z"},
         "ends_at must be after starts_at"),
        ({"content": ["a", "b"]}, "Content can't be blank"),
    ])
    def test_refuses_bad_input(self, admin, body, error):
        response = admin.post("/api/v1/pleroma/admin/announcements", body, format="json")
        assert response.status_code == 422
        assert response.json() == {"error": error}
        assert not Announcement.objects.exists()

    def test_refuses_non_staff_and_missing_scopes(self, api):
        user = api(scopes=["admin:read", "admin:write"])
        assert user.get("/api/v1/pleroma/admin/announcements").json() == {"error": "User is not a staff member."}
        staff = api(scopes=["read"], user=UserFactory(is_admin=True))
        assert staff.get("/api/v1/pleroma/admin/announcements").status_code == 403

    def test_lists_with_offset_pagination(self, admin, django_assert_max_num_queries):
        made = [publish(f"n{n}") for n in range(5)]
        with django_assert_max_num_queries(5):
            page = admin.get("/api/v1/pleroma/admin/announcements", {"limit": 2, "offset": 1}).json()
        assert [a["id"] for a in page] == [ids.encode(made[3].pk), ids.encode(made[2].pk)]
