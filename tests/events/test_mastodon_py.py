"""Mastodon.py against a running server: events' statuses post and parse like any other."""

from __future__ import annotations

import icalendar
from mastodon import Mastodon
from mastodon.return_types import Status

from tests.factories import UserFactory


def client_for(server, nickname: str) -> Mastodon:
    UserFactory(nickname=nickname)
    return Mastodon(access_token=server.token(nickname), api_base_url=server.url,
                    version_check_mode="none")


def pleroma_request(client: Mastodon, method: str, path: str, params=None, **kwargs):
    """Mastodon.py has no event methods: its request helper posts them, parsed as Status."""
    return client._Mastodon__api_request(method, path, params or {}, **kwargs)


class TestEventsWithMastodonPy:
    """POST /api/v1/pleroma/events, /join, GET statuses and timelines through Mastodon.py"""

    def test_posts_joins_and_reads_an_event(self, running_server):
        organizer, guest = client_for(running_server, "organizer"), client_for(running_server, "guest")
        created = pleroma_request(organizer, "POST", "/api/v1/pleroma/events", {
            "name": "Release party", "status": "Come along #party",
            "start_time": "2031-03-01T18:00:00Z", "end_time": "2031-03-01T23:00:00Z",
            "join_mode": "restricted"}, override_type=Status)
        assert isinstance(created, Status)
        assert created.pleroma.event.name == "Release party"
        assert created.pleroma.event.join_state == "accept"

        joined = pleroma_request(guest, "POST", f"/api/v1/pleroma/events/{created.id}/join",
                                 {"participation_message": "Count me in"}, override_type=Status)
        assert joined.pleroma.event.join_state == "pending"

        requests = pleroma_request(organizer, "GET",
                                   f"/api/v1/pleroma/events/{created.id}/participation_requests")
        assert [(r["account"]["acct"], r["participation_message"]) for r in requests] == [
            ("guest", "Count me in")]
        accepted = pleroma_request(
            organizer, "POST",
            f"/api/v1/pleroma/events/{created.id}/participation_requests/{requests[0]['account']['id']}/authorize",
            override_type=Status)
        assert accepted.pleroma.event.participants_count == 2

        # Plain Mastodon.py calls read the event's status without tripping on it.
        status = guest.status(created.id)
        assert status.content == created.content
        assert status.pleroma.event.join_state == "accept"
        assert created.id in [s.id for s in guest.timeline_public()]
        assert created.id in [s.id for s in guest.account_statuses(created.account.id)]
        notes = organizer.notifications()
        assert "pleroma:participation_request" in [n.type for n in notes]

        joined_events = pleroma_request(guest, "GET", "/api/v1/pleroma/events/joined_events")
        assert [e["id"] for e in joined_events] == [created.id]

        calendar = running_server.get(f"/api/v1/pleroma/events/{created.id}/ics")
        assert calendar.headers["Content-Type"] == "text/calendar; charset=utf-8"
        (vevent,) = icalendar.Calendar.from_ical(calendar.content).walk("VEVENT")
        assert str(vevent["summary"]) == "Release party"
