"""iCalendar export of one event and the feed of joined events (pleroma-content 6.12)."""

from __future__ import annotations

import datetime

import icalendar
import pytest

from core import ids
from events import services
from events.models import Event, Location
from statuses.models import Status
from tests.events.conftest import END, START
from tests.factories import UserFactory


def parse(response) -> icalendar.Calendar:
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def ics_url(event) -> str:
    return f"/api/v1/pleroma/events/{ids.encode(event.status_id)}/ics"


@pytest.fixture
def located_event(make_event):
    Location.objects.create(origin_id="42", name="Lyon", search_name="lyon", latitude=45.75,
                            longitude=4.85, locality="Lyon", region="Auvergne-Rhône-Alpes",
                            country="France")
    organizer = UserFactory(nickname="alice", display_name="Alice, the organizer")
    return make_event(organizer, name="Picnic; bring food", status="Line one\nLine <two>",
                      location_id="42")


class TestEventIcs:
    """GET (and POST) /api/v1/pleroma/events/:id/ics"""

    @pytest.mark.parametrize("method", ["get", "post"])
    def test_exports_the_event_to_anyone_when_public(self, anon, located_event, settings, method):
        calendar = parse(getattr(anon, method)(ics_url(located_event)))
        assert str(calendar["version"]) == "2.0"
        assert str(calendar["prodid"]) == "-//pleroma_py//Events//EN"
        (vevent,) = calendar.walk("VEVENT")
        assert str(vevent["uid"]) == f"{ids.encode(located_event.pk)}@{settings.INSTANCE_DOMAIN}"
        assert str(vevent["summary"]) == "Picnic; bring food"
        assert str(vevent["description"]) == "Line one\nLine <two>"
        assert vevent.decoded("dtstart") == START
        assert vevent.decoded("dtend") == END
        assert str(vevent["location"]) == "Lyon Lyon Auvergne-Rhône-Alpes France"
        assert (vevent["geo"].latitude, vevent["geo"].longitude) == (45.75, 4.85)
        assert str(vevent["organizer"]) == located_event.status.account.ap_id
        assert str(vevent["organizer"].params["CN"]) == "Alice, the organizer"
        assert str(vevent["url"]) == located_event.status.url
        assert "dtstamp" in vevent

    def test_leaves_out_what_the_event_lacks(self, anon, make_event):
        event = make_event(status="", end_time=None)
        (vevent,) = parse(anon.get(ics_url(event))).walk("VEVENT")
        assert str(vevent["description"]) == ""
        assert "dtend" not in vevent and "location" not in vevent and "geo" not in vevent

    def test_a_private_event_only_for_those_who_see_it(self, api, anon, make_event):
        organizer = UserFactory()
        event = make_event(organizer)
        Status.objects.filter(pk=event.status_id).update(visibility="private")
        for client in (anon, api(scopes=["read"])):
            response = client.get(ics_url(event))
            assert response.status_code == 404
            assert response.json() == {"error": "Record not found"}
        own = api(scopes=["read:statuses"], user=organizer).get(ics_url(event))
        assert parse(own).walk("VEVENT")[0]["summary"] == "Event name"

    def test_unknown_and_non_event_ids_are_not_found(self, anon):
        from tests.factories import StatusFactory

        for pk in ("nope", ids.encode(StatusFactory().pk)):
            response = anon.get(f"/api/v1/pleroma/events/{pk}/ics")
            assert response.status_code == 404
            assert response.json() == {"error": "Record not found"}


class TestJoinedEventsIcs:
    """GET /api/v1/pleroma/events/joined_events.ics"""

    def test_lists_the_events_the_caller_takes_part_in(self, api, make_event, settings):
        client = api(scopes=["read"])
        own = make_event(client.user, name="Mine")
        later = make_event(name="Later", start_time=START + datetime.timedelta(days=7), end_time=None)
        pending = make_event(name="Pending", join_mode="restricted")
        make_event(name="Not joined")
        services.join_event(client.user, later)
        services.join_event(client.user, pending)
        calendar = parse(client.get("/api/v1/pleroma/events/joined_events.ics"))
        assert [str(e["summary"]) for e in calendar.walk("VEVENT")] == ["Later", "Mine"]
        assert str(calendar["x-wr-calname"]) == f"{client.user.nickname}'s events"
        uids = {str(e["uid"]) for e in calendar.walk("VEVENT")}
        assert uids == {f"{ids.encode(e.pk)}@{settings.INSTANCE_DOMAIN}" for e in (own, later)}

    def test_accepts_basic_authentication_for_calendar_apps(self, api, make_event, password):
        from rest_framework.test import APIClient

        user = UserFactory()
        make_event(user)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=basic(user.nickname, password))
        calendar = parse(client.get("/api/v1/pleroma/events/joined_events.ics"))
        assert len(calendar.walk("VEVENT")) == 1

    def test_refuses_anonymous_callers_and_other_scopes(self, api, anon):
        response = anon.get("/api/v1/pleroma/events/joined_events.ics")
        assert response.status_code == 403
        assert response.json() == {"error": "Invalid credentials."}
        response = api(scopes=["read:statuses"]).get("/api/v1/pleroma/events/joined_events.ics")
        assert response.json() == {"error": "Insufficient permissions: read."}

    def test_costs_the_same_whatever_the_number_of_events(self, api, make_event,
                                                          django_assert_max_num_queries):
        client = api(scopes=["read"])
        for _ in range(15):
            services.join_event(client.user, make_event())
        with django_assert_max_num_queries(4):
            client.get("/api/v1/pleroma/events/joined_events.ics")
        assert Event.objects.count() == 15


def basic(nickname: str, password: str) -> str:
    import base64

    return "Basic " + base64.b64encode(f"{nickname}:{password}".encode()).decode()
