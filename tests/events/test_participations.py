"""Joining and leaving events, participants and requests (pleroma-content 6.5-6.10, 6.13)."""

from __future__ import annotations

import pytest

from core import ids
from events import services
from events.models import Participation
from notifications.models import Notification
from relationships.models import Block
from statuses.models import Status
from tests.factories import StatusFactory, UserFactory


def url(event, suffix: str) -> str:
    return f"/api/v1/pleroma/events/{ids.encode(event.status_id)}/{suffix}"


class TestJoinEvent:
    """POST /api/v1/pleroma/events/:id/join"""

    def test_joins_a_free_event_at_once_without_notifications(self, api, make_event):
        event = make_event()
        client = api(scopes=["write"])
        response = client.post(url(event, "join"))
        assert response.status_code == 200
        block = response.json()["pleroma"]["event"]
        assert block["participants_count"] == 2
        assert block["join_state"] == "accept"
        assert Participation.objects.get(event=event, user=client.user).state == "accept"
        assert not Notification.objects.exists()

    def test_asks_to_join_a_restricted_event(self, api, make_event):
        event = make_event(join_mode="restricted")
        client = api(scopes=["write"])
        response = client.post(url(event, "join"),
                               {"participation_message": "I'm interested in this event"}, format="json")
        block = response.json()["pleroma"]["event"]
        assert (block["participants_count"], block["join_state"]) == (1, "pending")
        assert block["participation_request_count"] is None  # only for the organizer
        participation = Participation.objects.get(event=event, user=client.user)
        assert participation.participation_message == "I'm interested in this event"
        note = Notification.objects.get()
        assert (note.user, note.account, note.type, note.status_id) == (
            event.status.account, client.user, "pleroma:participation_request", event.status_id)

    def test_joining_again_changes_nothing(self, api, make_event):
        event = make_event(join_mode="restricted")
        client = api(scopes=["write"])
        client.post(url(event, "join"), {"participation_message": "first"}, format="json")
        response = client.post(url(event, "join"), {"participation_message": "second"}, format="json")
        assert response.status_code == 200
        assert Participation.objects.get(event=event, user=client.user).participation_message == "first"
        assert Notification.objects.count() == 1

    def test_refuses_the_organizer(self, api, make_event):
        client = api(scopes=["write"])
        response = client.post(url(make_event(client.user), "join"))
        assert response.status_code == 400
        assert response.json() == {"error": "Can't join your own event"}

    def test_refuses_a_status_that_is_not_an_event(self, api):
        post = StatusFactory()
        response = api(scopes=["write"]).post(f"/api/v1/pleroma/events/{ids.encode(post.pk)}/join")
        assert response.status_code == 400
        assert response.json() == {"error": "Could not join"}

    def test_invisible_and_unknown_events_are_not_found(self, api, make_event):
        event = make_event()
        Status.objects.filter(pk=event.status_id).update(visibility="direct")
        client = api(scopes=["write"])
        for path in (url(event, "join"), "/api/v1/pleroma/events/nope/join"):
            response = client.post(path)
            assert response.status_code == 404
            assert response.json() == {"error": "Record not found"}

    def test_refuses_a_write_statuses_token(self, api, make_event):
        response = api(scopes=["write:statuses"]).post(url(make_event(), "join"))
        assert response.status_code == 403
        assert response.json() == {"error": "Insufficient permissions: write."}

    def test_is_rate_limited_per_event(self, api, make_event, settings):
        settings.RATE_LIMIT_ENABLED = True
        event = make_event()
        client = api(scopes=["write"])
        codes = [client.post(url(event, "join" if i % 2 == 0 else "leave")).status_code for i in range(4)]
        assert codes == [200, 200, 200, 429]


class TestLeaveEvent:
    """POST /api/v1/pleroma/events/:id/leave"""

    def test_leaves_an_event(self, api, make_event):
        event = make_event()
        client = api(scopes=["write"])
        client.post(url(event, "join"))
        response = client.post(url(event, "leave"))
        assert response.status_code == 200
        block = response.json()["pleroma"]["event"]
        assert (block["participants_count"], block["join_state"]) == (1, None)
        assert not Participation.objects.filter(user=client.user).exists()

    def test_withdrawing_a_request_removes_its_notification(self, api, make_event):
        event = make_event(join_mode="restricted")
        client = api(scopes=["write"])
        client.post(url(event, "join"))
        assert Notification.objects.count() == 1
        client.post(url(event, "leave"))
        assert not Notification.objects.exists()

    def test_refuses_a_non_participant(self, api, make_event):
        response = api(scopes=["write"]).post(url(make_event(), "leave"))
        assert response.status_code == 400
        assert response.json() == {"error": "Not participating in the event"}

    def test_refuses_the_organizer(self, api, make_event):
        client = api(scopes=["write"])
        response = client.post(url(make_event(client.user), "leave"))
        assert response.status_code == 400
        assert response.json() == {"error": "Can't leave your own event"}


class TestParticipations:
    """GET /api/v1/pleroma/events/:id/participations"""

    def test_lists_accepted_participants_with_the_organizer(self, api, make_event):
        organizer = UserFactory()
        event = make_event(organizer)
        first, second, pending_user = UserFactory(), UserFactory(), UserFactory()
        services.join_event(first, event)
        services.join_event(second, event)
        Participation.objects.create(event=event, user=pending_user, state="pending")
        response = api(scopes=["read"]).get(url(event, "participations"))
        assert response.status_code == 200
        assert [a["id"] for a in response.json()] == [ids.encode(u.pk) for u in (second, first, organizer)]

    def test_omits_accounts_the_caller_blocks(self, api, make_event):
        event = make_event()
        blocked = UserFactory()
        services.join_event(blocked, event)
        client = api(scopes=["read"])
        Block.objects.create(blocker=client.user, blocked=blocked)
        ids_seen = [a["id"] for a in client.get(url(event, "participations")).json()]
        assert ids.encode(blocked.pk) not in ids_seen and len(ids_seen) == 1

    def test_a_plain_status_has_no_participants(self, api):
        post = StatusFactory()
        response = api(scopes=["read"]).get(f"/api/v1/pleroma/events/{ids.encode(post.pk)}/participations")
        assert response.status_code == 200
        assert response.json() == []

    def test_an_invisible_event_is_not_found(self, api, make_event):
        event = make_event()
        Status.objects.filter(pk=event.status_id).update(visibility="private")
        response = api(scopes=["read"]).get(url(event, "participations"))
        assert response.status_code == 404
        assert response.json() == {"error": "Record not found"}

    def test_refuses_a_read_statuses_token(self, api, make_event):
        response = api(scopes=["read:statuses"]).get(url(make_event(), "participations"))
        assert response.status_code == 403
        assert response.json() == {"error": "Insufficient permissions: read."}


class TestParticipationRequests:
    """GET /api/v1/pleroma/events/:id/participation_requests"""

    def test_lists_pending_requests_for_the_organizer(self, api, make_event):
        client = api(scopes=["read"])
        event = make_event(client.user, join_mode="restricted")
        asker, quiet, accepted = UserFactory(), UserFactory(), UserFactory()
        services.join_event(asker, event, participation_message="I'm interested in this event")
        services.join_event(quiet, event)
        services.join_event(accepted, event)
        services.authorize_participation(client.user, event, ids.encode(accepted.pk))
        response = client.get(url(event, "participation_requests"))
        assert response.status_code == 200
        assert [(r["account"]["id"], r["participation_message"]) for r in response.json()] == [
            (ids.encode(quiet.pk), None), (ids.encode(asker.pk), "I'm interested in this event")]

    def test_refuses_anyone_but_the_organizer(self, api, make_event):
        event = make_event(join_mode="restricted")
        response = api(scopes=["read"]).get(url(event, "participation_requests"))
        assert response.status_code == 403
        assert response.json() == {"error": "Can't get participation requests"}

    def test_pages_with_a_link_header(self, api, make_event):
        client = api(scopes=["read"])
        event = make_event(client.user, join_mode="restricted")
        for _ in range(3):
            services.join_event(UserFactory(), event)
        response = client.get(url(event, "participation_requests") + "?limit=2")
        assert len(response.json()) == 2
        assert 'rel="next"' in response["Link"]

    def test_costs_the_same_whatever_the_page_size(self, api, make_event):
        from tests.events.test_events import MAX_QUERIES, count_queries

        client = api(scopes=["read"])
        event = make_event(client.user, join_mode="restricted")
        services.join_event(UserFactory(), event, participation_message="hi")
        one = count_queries(client, url(event, "participation_requests") + "?limit=40", 1)
        for _ in range(20):
            services.join_event(UserFactory(), event, participation_message="hi")
        many = count_queries(client, url(event, "participation_requests") + "?limit=40", 21)
        participants = count_queries(client, url(event, "participations") + "?limit=40", 1)
        assert one == many <= MAX_QUERIES
        assert participants <= MAX_QUERIES


class TestAuthorizeParticipation:
    """POST /api/v1/pleroma/events/:id/participation_requests/:participant_id/authorize"""

    def test_accepts_the_request_and_tells_the_participant(self, api, make_event):
        client = api(scopes=["write"])
        event = make_event(client.user, join_mode="restricted")
        guest = UserFactory()
        services.join_event(guest, event, participation_message="please")
        response = client.post(url(event, f"participation_requests/{ids.encode(guest.pk)}/authorize"))
        assert response.status_code == 200
        block = response.json()["pleroma"]["event"]
        assert (block["participants_count"], block["participation_request_count"]) == (2, 0)
        assert Participation.objects.get(event=event, user=guest).state == "accept"
        note = Notification.objects.get(type="pleroma:participation_accepted")
        assert (note.user, note.account, note.status_id) == (guest, client.user, event.status_id)
        participants = client.get(url(event, "participations"))
        assert participants.status_code == 403  # a write-only token cannot read
        participants = api(scopes=["read"], user=client.user).get(url(event, "participations")).json()
        assert [a["id"] for a in participants] == [ids.encode(guest.pk), ids.encode(client.user.pk)]

    def test_accepting_twice_is_harmless(self, api, make_event):
        client = api(scopes=["write"])
        event = make_event(client.user, join_mode="restricted")
        guest = UserFactory()
        services.join_event(guest, event)
        path = url(event, f"participation_requests/{ids.encode(guest.pk)}/authorize")
        client.post(path)
        assert client.post(path).status_code == 200
        assert Notification.objects.filter(type="pleroma:participation_accepted").count() == 1

    def test_refuses_anyone_but_the_organizer(self, api, make_event):
        event = make_event(join_mode="restricted")
        guest = UserFactory()
        services.join_event(guest, event)
        response = api(scopes=["write"]).post(
            url(event, f"participation_requests/{ids.encode(guest.pk)}/authorize"))
        assert response.status_code == 403
        assert response.json() == {"error": "Access denied"}
        assert Participation.objects.get(user=guest).state == "pending"

    @pytest.mark.parametrize("who", ["stranger", "unknown"])
    def test_someone_who_never_asked_is_not_found(self, api, make_event, who):
        client = api(scopes=["write"])
        event = make_event(client.user, join_mode="restricted")
        participant = ids.encode(UserFactory().pk) if who == "stranger" else "nope"
        response = client.post(url(event, f"participation_requests/{participant}/authorize"))
        assert response.status_code == 404
        assert response.json() == {"error": "Record not found"}


class TestRejectParticipation:
    """POST /api/v1/pleroma/events/:id/participation_requests/:participant_id/reject"""

    def test_rejects_and_dismisses_the_request(self, api, make_event):
        client = api(scopes=["write"])
        event = make_event(client.user, join_mode="restricted")
        guest = UserFactory()
        services.join_event(guest, event)
        response = client.post(url(event, f"participation_requests/{ids.encode(guest.pk)}/reject"))
        assert response.status_code == 200
        assert response.json()["pleroma"]["event"]["participation_request_count"] == 0
        assert Participation.objects.get(event=event, user=guest).state == "reject"
        assert not Notification.objects.filter(type="pleroma:participation_request").exists()

    def test_a_rejected_user_sees_reject_and_cannot_ask_again(self, api, make_event):
        organizer = UserFactory()
        event = make_event(organizer, join_mode="restricted")
        client = api(scopes=["write"])
        client.post(url(event, "join"))
        services.reject_participation(organizer, event, ids.encode(client.user.pk))
        response = client.post(url(event, "join"))
        assert response.json()["pleroma"]["event"]["join_state"] == "reject"

    def test_removes_an_accepted_participant(self, api, make_event):
        client = api(scopes=["write"])
        event = make_event(client.user)
        guest = UserFactory()
        services.join_event(guest, event)
        response = client.post(url(event, f"participation_requests/{ids.encode(guest.pk)}/reject"))
        assert response.json()["pleroma"]["event"]["participants_count"] == 1

    def test_refuses_anyone_but_the_organizer(self, api, make_event):
        event = make_event(join_mode="restricted")
        guest = UserFactory()
        services.join_event(guest, event)
        response = api(scopes=["write"]).post(
            url(event, f"participation_requests/{ids.encode(guest.pk)}/reject"))
        assert response.status_code == 403
        assert response.json() == {"error": "Access denied"}

    def test_the_organizer_cannot_reject_themselves(self, api, make_event):
        client = api(scopes=["write"])
        event = make_event(client.user)
        response = client.post(url(event, f"participation_requests/{ids.encode(client.user.pk)}/reject"))
        assert response.status_code == 400
        assert response.json() == {"error": "Can't leave your own event"}


class TestParticipationMessages:
    """events.serializers.participation_messages (for the notification entity)"""

    def test_finds_the_message_of_requests_and_acceptances(self, make_event, django_assert_num_queries):
        from events.serializers import participation_messages

        organizer, asker = UserFactory(), UserFactory()
        event = make_event(organizer, join_mode="restricted")
        services.join_event(asker, event, participation_message="please")
        services.authorize_participation(organizer, event, ids.encode(asker.pk))
        notes = list(Notification.objects.order_by("id"))
        with django_assert_num_queries(1):
            messages = participation_messages(notes)
        assert messages == {notes[0].pk: "please", notes[1].pk: "please"}
        assert participation_messages([]) == {}


class TestParticipationNotifications:
    """GET /api/v1/notifications for participation requests"""

    def test_request_notification_carries_the_participation_message(self, api):
        organiser = api(scopes=["read", "write"])
        response = organiser.post("/api/v1/pleroma/events", {
            "name": "Meetup", "status": "come", "start_time": "2031-01-01T10:00:00Z",
            "join_mode": "restricted"}, format="json")
        assert response.status_code == 200, response.content
        guest = api(scopes=["read", "write"])
        guest.post(f"/api/v1/pleroma/events/{response.json()['id']}/join",
                   {"participation_message": "Can I bring a friend?"}, format="json")
        notes = organiser.get("/api/v1/notifications", {"types[]": "pleroma:participation_request"}).json()
        assert [n["participation_message"] for n in notes] == ["Can I bring a friend?"]
