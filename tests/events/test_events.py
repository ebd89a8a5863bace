"""Creating, editing and listing events (pleroma-content 6.2-6.4, 6.11)."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from PIL import Image

from core import ids
from events.models import Event, Location, Participation
from notifications.models import Notification
from statuses.models import MediaAttachment
from tests.factories import StatusFactory, UserFactory

MAX_QUERIES = 20
EVENT = {"name": "Event name", "status": "Bring #cake", "start_time": "2031-01-01T01:00:00.000Z",
         "end_time": "2031-01-01T04:00:00.000Z", "join_mode": "free"}


@pytest.fixture
def benis(db):
    return Location.objects.create(
        origin_id="3726208425", name="Benis", search_name="benis", latitude=38.212263,
        longitude=45.7285348, street=" ", locality="بخش مرکزی", region="East Azerbaijan Province",
        country="Iran", type="city")


def count_queries(client, url: str, expected_rows: int) -> int:
    """Queries one GET costs (asserting it listed `expected_rows` items)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.json()) == expected_rows
    return len(queries)


def banner_for(user, data_dir):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    return MediaAttachment.objects.create(
        account=user, type="image", mime_type="image/png",
        file=SimpleUploadedFile("banner.png", buffer.getvalue(), content_type="image/png"))


class TestCreateEvent:
    """POST /api/v1/pleroma/events"""

    def test_creates_a_public_status_with_its_event(self, api):
        client = api(scopes=["write"])
        response = client.post("/api/v1/pleroma/events", EVENT, format="json")
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["visibility"] == "public"
        assert "#cake" in body["content"] and "Event name" not in body["content"]
        assert body["tags"][0]["name"] == "cake"
        assert body["pleroma"]["event"] == {
            "name": "Event name", "start_time": "2031-01-01T01:00:00.000Z",
            "end_time": "2031-01-01T04:00:00.000Z", "join_mode": "free", "participants_count": 1,
            "location": None, "join_state": "accept", "participation_request_count": 0}
        event = Event.objects.get(status_id=ids.decode(body["id"]))
        assert event.start_time == datetime.datetime(2031, 1, 1, 1, tzinfo=datetime.UTC)
        assert Participation.objects.get(event=event).user == client.user

    def test_accepts_a_form_body_and_an_empty_description(self, api):
        client = api(scopes=["write"])
        response = client.post("/api/v1/pleroma/events", {
            "name": "Quiet", "start_time": "2031-05-05T10:00:00+02:00", "join_mode": "restricted"})
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["content"] == ""
        assert body["pleroma"]["event"]["start_time"] == "2031-05-05T08:00:00.000Z"
        assert body["pleroma"]["event"]["end_time"] is None
        assert body["pleroma"]["event"]["join_mode"] == "restricted"

    def test_stores_the_searched_location(self, api, benis):
        client = api(scopes=["write"])
        response = client.post("/api/v1/pleroma/events", {**EVENT, "location_id": "3726208425"},
                               format="json")
        assert response.json()["pleroma"]["event"]["location"] == {
            "name": "Benis", "url": None, "longitude": 45.7285348, "latitude": 38.212263,
            "street": " ", "postal_code": None, "locality": "بخش مرکزی",
            "region": "East Azerbaijan Province", "country": "Iran"}
        event = Event.objects.get()
        assert (event.location_id, event.location_provider) == ("3726208425", "gazetteer")

    def test_an_unknown_location_gives_no_location(self, api):
        response = api(scopes=["write"]).post("/api/v1/pleroma/events", {**EVENT, "location_id": "nope"},
                                              format="json")
        assert response.status_code == 200
        assert response.json()["pleroma"]["event"]["location"] is None

    def test_attaches_the_callers_banner(self, api, data_dir):
        client = api(scopes=["write"])
        media = banner_for(client.user, data_dir)
        response = client.post("/api/v1/pleroma/events", {**EVENT, "banner_id": ids.encode(media.pk)},
                               format="json")
        attachments = response.json()["media_attachments"]
        assert [a["id"] for a in attachments] == [ids.encode(media.pk)]
        assert attachments[0]["description"] == "Banner"
        assert Event.objects.get().banner == media

    def test_ignores_someone_elses_banner(self, api, data_dir):
        media = banner_for(UserFactory(), data_dir)
        response = api(scopes=["write"]).post(
            "/api/v1/pleroma/events", {**EVENT, "banner_id": ids.encode(media.pk)}, format="json")
        assert response.json()["media_attachments"] == []
        media.refresh_from_db()
        assert media.status_id is None

    @pytest.mark.parametrize("change,status,error", [
        ({"end_time": "2030-12-31T23:00:00Z"}, 422, "Event can't end before its start"),
        ({"start_time": None}, 422, "Start date is required"),
        ({"name": "  "}, 422, "Event name is required"),
        ({"name": None}, 422, "Event name is required"),
        ({"start_time": "tomorrow"}, 400, 'start_time - Invalid format. Expected :"date-time".'),
        ({"end_time": "2031-13-45T99:00:00Z"}, 400, 'end_time - Invalid format. Expected :"date-time".'),
        ({"join_mode": "invite"}, 400, "join_mode - Invalid value for enum."),
    ])
    def test_refuses_bad_input(self, api, change, status, error):
        body = {k: v for k, v in {**EVENT, **change}.items() if v is not None}
        response = api(scopes=["write"]).post("/api/v1/pleroma/events", body, format="json")
        assert response.status_code == status
        assert response.json()["error"] == error
        assert not Event.objects.exists()

    def test_allows_an_end_equal_to_the_start(self, api):
        body = {**EVENT, "end_time": EVENT["start_time"]}
        assert api(scopes=["write"]).post("/api/v1/pleroma/events", body, format="json").status_code == 200

    def test_refuses_a_write_statuses_token(self, api):
        response = api(scopes=["write:statuses"]).post("/api/v1/pleroma/events", EVENT, format="json")
        assert response.status_code == 403
        assert response.json() == {"error": "Insufficient permissions: write."}

    def test_refuses_anonymous(self, anon):
        response = anon.post("/api/v1/pleroma/events", EVENT, format="json")
        assert response.status_code == 403
        assert response.json() == {"error": "Invalid credentials."}

    def test_is_rate_limited(self, api, settings):
        settings.RATE_LIMIT_ENABLED = True
        client = api(scopes=["write"])
        codes = [client.post("/api/v1/pleroma/events", EVENT, format="json").status_code
                 for _ in range(16)]
        assert codes[:15] == [200] * 15 and codes[15] == 429


class TestEditEvent:
    """PUT /api/v1/pleroma/events/:id (and POST, as the seed says)"""

    @pytest.mark.parametrize("method", ["put", "post"])
    def test_rebuilds_the_event_from_the_request(self, api, make_event, benis, method):
        client = api(scopes=["write"])
        event = make_event(client.user, location_id="3726208425")
        response = getattr(client, method)(f"/api/v1/pleroma/events/{ids.encode(event.status_id)}", {
            "name": "New name", "status": "New #words", "start_time": "2031-02-01T10:00:00Z"},
            format="json")
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["pleroma"]["event"]["name"] == "New name"
        assert body["pleroma"]["event"]["start_time"] == "2031-02-01T10:00:00.000Z"
        assert body["pleroma"]["event"]["end_time"] is None  # omitted: cleared
        assert body["pleroma"]["event"]["location"] is None
        assert body["pleroma"]["event"]["join_mode"] == "free"
        assert "New" in body["content"] and [t["name"] for t in body["tags"]] == ["words"]
        assert body["edited_at"] is not None

    def test_keeps_name_description_and_start_when_omitted(self, api, make_event):
        client = api(scopes=["write"])
        event = make_event(client.user)
        response = client.put(f"/api/v1/pleroma/events/{ids.encode(event.status_id)}",
                              {"end_time": "2031-01-02T00:00:00Z"}, format="json")
        event_block = response.json()["pleroma"]["event"]
        assert event_block["name"] == "Event name"
        assert event_block["start_time"] == "2031-01-01T01:00:00.000Z"
        assert event_block["end_time"] == "2031-01-02T00:00:00.000Z"
        assert "A description" in response.json()["content"]

    def test_replaces_and_removes_the_banner(self, api, make_event, data_dir):
        client = api(scopes=["write"])
        first, second = banner_for(client.user, data_dir), banner_for(client.user, data_dir)
        event = make_event(client.user, banner_id=ids.encode(first.pk))
        url = f"/api/v1/pleroma/events/{ids.encode(event.status_id)}"
        response = client.put(url, {"banner_id": ids.encode(second.pk)}, format="json")
        assert [m["id"] for m in response.json()["media_attachments"]] == [ids.encode(second.pk)]
        response = client.put(url, {}, format="json")
        assert response.json()["media_attachments"] == []
        assert not MediaAttachment.objects.filter(status_id=event.status_id).exists()

    def test_refuses_an_end_before_the_start(self, api, make_event):
        client = api(scopes=["write"])
        event = make_event(client.user)
        response = client.put(f"/api/v1/pleroma/events/{ids.encode(event.status_id)}",
                              {"end_time": "2030-01-01T00:00:00Z"}, format="json")
        assert response.status_code == 422
        assert response.json() == {"error": "Event can't end before its start"}

    def test_refuses_someone_else(self, api, make_event):
        event = make_event()
        response = api(scopes=["write"]).put(f"/api/v1/pleroma/events/{ids.encode(event.status_id)}",
                                             {"name": "Mine now"}, format="json")
        assert response.status_code == 403
        assert response.json() == {"error": "Access denied"}
        event.refresh_from_db()
        assert event.name == "Event name"

    def test_unknown_and_non_event_ids_are_not_found(self, api):
        client = api(scopes=["write"])
        post = StatusFactory(account=client.user)
        for pk in ("nope", ids.encode(post.pk)):
            response = client.put(f"/api/v1/pleroma/events/{pk}", {"name": "x"}, format="json")
            assert response.status_code == 404
            assert response.json() == {"error": "Record not found"}

    def test_tells_participants_but_not_the_editor(self, api, make_event,
                                                   django_capture_on_commit_callbacks):
        client = api(scopes=["write"])
        event = make_event(client.user)
        guest = UserFactory()
        from events import services

        services.join_event(guest, event)
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            response = client.put(f"/api/v1/pleroma/events/{ids.encode(event.status_id)}",
                                  {"name": "Moved"}, format="json")
        # the edit's hooks (its link card, its federation) schedule their own work besides
        ignored = ("core.render_cache", "streaming.announce", "cards.services")
        assert len([c for c in callbacks if c.__module__ not in ignored]) == 1
        assert response.status_code == 200
        notes = Notification.objects.filter(type="pleroma:event_update")
        assert [(n.user, n.account) for n in notes] == [(guest, client.user)]


class TestJoinedEvents:
    """GET /api/v1/pleroma/events/joined_events"""

    def test_lists_joined_events_latest_join_first(self, api, make_event):
        from events import services

        client = api(scopes=["read"])
        own = make_event(client.user)
        free, restricted = make_event(), make_event(join_mode="restricted")
        services.join_event(client.user, free)
        services.join_event(client.user, restricted)
        make_event()  # not joined
        response = client.get("/api/v1/pleroma/events/joined_events")
        assert response.status_code == 200
        assert [s["id"] for s in response.json()] == [
            ids.encode(e.status_id) for e in (restricted, free, own)]
        assert [s["pleroma"]["event"]["join_state"] for s in response.json()] == [
            "pending", "accept", "accept"]
        pending = client.get("/api/v1/pleroma/events/joined_events?state=pending").json()
        assert [s["id"] for s in pending] == [ids.encode(restricted.status_id)]

    def test_pages_on_the_join(self, api, make_event):
        from events import services

        client = api(scopes=["read"])
        events = [make_event() for _ in range(3)]
        for event in events:
            services.join_event(client.user, event)
        response = client.get("/api/v1/pleroma/events/joined_events?limit=2")
        assert [s["id"] for s in response.json()] == [ids.encode(e.status_id) for e in events[:0:-1]]
        joins = Participation.objects.filter(user=client.user).order_by("-id")
        assert f"max_id={ids.encode(joins[1].pk)}" in response["Link"]
        rest = client.get(f"/api/v1/pleroma/events/joined_events?limit=2&max_id={ids.encode(joins[1].pk)}")
        assert [s["id"] for s in rest.json()] == [ids.encode(events[0].status_id)]

    def test_refuses_a_bad_state(self, api):
        response = api(scopes=["read"]).get("/api/v1/pleroma/events/joined_events?state=maybe")
        assert response.status_code == 400
        assert response.json()["error"] == "state - Invalid value for enum."

    def test_refuses_a_read_statuses_token(self, api):
        response = api(scopes=["read:statuses"]).get("/api/v1/pleroma/events/joined_events")
        assert response.status_code == 403
        assert response.json() == {"error": "Insufficient permissions: read."}

    def test_costs_the_same_whatever_the_page_size(self, api, make_event):
        from events import services

        client = api(scopes=["read"])
        services.join_event(client.user, make_event())
        one = count_queries(client, "/api/v1/pleroma/events/joined_events?limit=40", 1)
        for _ in range(20):
            services.join_event(client.user, make_event(join_mode="restricted"))
        cache.clear()  # both pages cold: the viewer's filters are loaded again too
        many = count_queries(client, "/api/v1/pleroma/events/joined_events?limit=40", 21)
        assert one == many <= MAX_QUERIES


class TestEventOnStatuses:
    """pleroma.event on statuses rendered by the statuses endpoints"""

    def test_a_plain_status_has_no_event(self, api):
        client = api(scopes=["read"])
        post = StatusFactory()
        response = client.get(f"/api/v1/statuses/{ids.encode(post.pk)}")
        assert response.json()["pleroma"]["event"] is None

    def test_an_event_status_has_its_event_for_others(self, api, make_event):
        client = api(scopes=["read"])
        event = make_event()
        response = client.get(f"/api/v1/statuses/{ids.encode(event.status_id)}")
        block = response.json()["pleroma"]["event"]
        assert block["participants_count"] == 1
        assert block["join_state"] is None
        assert block["participation_request_count"] is None
