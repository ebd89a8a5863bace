"""Events over ActivityPub (reference/federation.md §3.16, §4.8): Create/Update/Delete of a
local event as an `Event`, remote `Event` objects stored and shown by the event API, and
Join / Leave / Undo{Join} / Accept / Reject of participations in both directions, through
signed inbox POSTs and the outbox rows the actions write."""

from __future__ import annotations

import datetime

import pytest

from core import ids
from events import services as events
from events.models import Event, Participation
from federation.models import IncomingActivity
from notifications.models import Notification
from relationships.models import Follow
from statuses.models import Status
from tests.federation.conftest import AP
from tests.federation.incoming import PUBLIC, REMOTE, create, deliver, remote_account
from tests.federation.test_publish_audience import inboxes, outbox

START = datetime.datetime(2031, 6, 1, 12, 0, tzinfo=datetime.UTC)
END = datetime.datetime(2031, 6, 1, 16, 0, tzinfo=datetime.UTC)
ORGANIZER = "https://remote.example/users/olga"
PLACE = {"type": "Place", "name": "City Park", "longitude": 13.4, "latitude": 52.52,
         "address": {"type": "PostalAddress", "streetAddress": "Parkweg 1", "postalCode": "10115",
                     "addressLocality": "Berlin", "addressRegion": "Berlin", "addressCountry": "Germany"}}


@pytest.fixture
def bob(db):
    """A remote account (the joiner, or a follower)."""
    return remote_account("bob", REMOTE)


@pytest.fixture
def olga(db):
    """A remote organizer."""
    return remote_account("olga", ORGANIZER)


def remote_event(n: int = 1, *, actor: str = ORGANIZER, **fields) -> dict:
    base = actor.rsplit("/users/", 1)[0]
    return {"id": f"{base}/events/{n}", "type": "Event", "attributedTo": actor, "name": "Picnic",
            "content": "<p>Bring a blanket</p>", "startTime": "2031-06-01T12:00:00Z",
            "endTime": "2031-06-01T16:00:00Z", "joinMode": "free", "location": PLACE,
            "published": "2026-01-07T12:00:00Z", "to": [PUBLIC], "cc": [f"{actor}/followers"],
            "url": f"{base}/events/{n}/page", **fields}


def join(event_uri: str, n: int = 1, actor: str = REMOTE, **fields) -> dict:
    return {"id": f"{actor}/joins/{n}", "type": "Join", "actor": actor, "object": event_uri, **fields}


def local_event(organizer, join_mode: str = "free") -> Event:
    return events.create_event(organizer, name="Picnic", status="Bring a blanket", start_time=START,
                               end_time=END, join_mode=join_mode)


def stored_remote_event(anon, olga, **fields) -> Event:
    deliver(anon, olga, create(remote_event(**fields), actor=ORGANIZER))
    return Event.objects.select_related("status").get(status__ap_id=remote_event(**fields)["id"])


class TestSendingEvents:
    """POST/PUT /api/v1/pleroma/events, DELETE /api/v1/statuses/:id: Create/Update/Delete{Event}"""

    def test_a_new_event_is_sent_as_create_event_with_its_place_and_times(self, api, bob):
        client = api(scopes=["read", "write"])
        Follow.objects.create(follower=bob, followed=client.user, state=Follow.State.ACCEPTED)
        response = client.post("/api/v1/pleroma/events", {
            "name": "Picnic", "status": "Bring a blanket", "start_time": "2031-06-01T12:00:00Z",
            "end_time": "2031-06-01T16:00:00Z", "join_mode": "restricted"})
        assert response.status_code == 200, response.content
        assert outbox("Create") and len(outbox("Create")) == 1  # no Create{Note} besides it
        (activity,) = outbox("Create")
        obj = activity.payload["object"]
        assert obj["type"] == "Event"
        assert obj["id"] == response.json()["uri"]
        assert obj["name"] == "Picnic"
        assert obj["startTime"] == "2031-06-01T12:00:00.000Z"
        assert obj["endTime"] == "2031-06-01T16:00:00.000Z"
        assert obj["joinMode"] == "restricted"
        assert obj["participation_count"] == 1
        assert obj["content"] == response.json()["content"]
        assert obj["to"] == [PUBLIC] and obj["cc"] == [f"{client.user.ap_id}/followers"]
        assert inboxes(activity) == {bob.inbox}

    def test_the_event_object_is_served_as_an_event_with_a_place(self, api, anon):
        client = api(scopes=["read", "write"])
        event = local_event(client.user)
        Event.objects.filter(pk=event.pk).update(location={
            "name": "City Park", "url": None, "longitude": 13.4, "latitude": 52.52, "street": "Parkweg 1",
            "postal_code": "10115", "locality": "Berlin", "region": "Berlin", "country": "Germany"})
        response = anon.get(f"/objects/{ids.encode(event.status_id)}", HTTP_ACCEPT=AP)
        assert response.status_code == 200
        document = response.json()
        assert document["type"] == "Event"
        assert document["location"] == {
            "type": "Place", "name": "City Park", "longitude": 13.4, "latitude": 52.52,
            "address": {"type": "PostalAddress", "streetAddress": "Parkweg 1", "postalCode": "10115",
                        "addressLocality": "Berlin", "addressRegion": "Berlin", "addressCountry": "Germany"}}
        context = anon.get("/schemas/litepub-0.1.jsonld").json()["@context"][2]
        assert context["joinMode"] == "mz:joinMode"
        assert context["streetAddress"] == "schema:streetAddress"
        activity = anon.get(f"/activities/{ids.encode(event.status_id)}", HTTP_ACCEPT=AP).json()
        assert activity["type"] == "Create" and activity["object"]["type"] == "Event"

    def test_an_edit_sends_update_event_also_to_remote_participants(self, api, anon, bob):
        client = api(scopes=["read", "write"])
        event = local_event(client.user)
        deliver(anon, bob, join(event.status.uri))
        response = client.put(f"/api/v1/pleroma/events/{ids.encode(event.status_id)}", {
            "name": "Picnic, moved", "start_time": "2031-06-02T12:00:00Z"})
        assert response.status_code == 200, response.content
        (update,) = outbox("Update")
        obj = update.payload["object"]
        assert obj["type"] == "Event"
        assert obj["name"] == "Picnic, moved"
        assert obj["startTime"] == "2031-06-02T12:00:00.000Z"
        assert "endTime" not in obj or obj["endTime"] is None
        assert obj["updated"]
        assert bob.inbox in inboxes(update)

    def test_deleting_an_event_sends_a_delete_of_an_event(self, api, anon, bob):
        client = api(scopes=["read", "write"])
        event = local_event(client.user)
        deliver(anon, bob, join(event.status.uri))
        assert client.delete(f"/api/v1/statuses/{ids.encode(event.status_id)}").status_code == 200
        (delete,) = outbox("Delete")
        assert delete.payload["object"]["formerType"] == "Event"
        assert bob.inbox in inboxes(delete)


class TestReceivingEvents:
    """POST /inbox: Create{Event}, Update{Event}"""

    def test_a_remote_event_is_stored_and_shown_by_the_event_api(self, api, anon, olga):
        event = stored_remote_event(anon, olga)
        assert event.name == "Picnic"
        assert event.start_time == START and event.end_time == END
        assert event.join_mode == "free"
        assert event.location["street"] == "Parkweg 1" and event.location["longitude"] == 13.4
        client = api(scopes=["read"])
        body = client.get(f"/api/v1/statuses/{ids.encode(event.status_id)}").json()
        assert body["content"] == "<p>Bring a blanket</p>"  # no title prefix for events
        assert body["pleroma"]["event"]["name"] == "Picnic"
        assert body["pleroma"]["event"]["participants_count"] == 1  # the organizer
        assert body["pleroma"]["event"]["location"]["locality"] == "Berlin"
        ics = client.get(f"/api/v1/pleroma/events/{ids.encode(event.status_id)}/ics")
        assert ics.status_code == 200
        text = ics.content.decode()
        assert "SUMMARY:Picnic" in text
        assert "URL:https://remote.example/events/1/page" in text
        assert "UID:https://remote.example/events/1" in text

    def test_an_event_without_start_is_refused_and_nothing_stored(self, anon, olga):
        row = deliver(anon, olga, create(remote_event(startTime=None), actor=ORGANIZER))
        assert row.state == IncomingActivity.State.FAILED
        assert not Status.objects.filter(ap_id=remote_event()["id"]).exists()

    def test_an_update_changes_name_times_and_place(self, anon, olga):
        event = stored_remote_event(anon, olga)
        edited = remote_event(name="Picnic (rain date)", startTime="2031-06-08T12:00:00Z",
                              endTime="2031-06-08T18:00:00Z", location={"type": "Place", "name": "Hall"},
                              updated="2026-01-08T12:00:00Z", content="<p>Indoors</p>")
        row = deliver(anon, olga, {"id": f"{ORGANIZER}#updates/1", "type": "Update", "actor": ORGANIZER,
                                   "to": [PUBLIC], "object": edited})
        assert row.state == IncomingActivity.State.DONE, row.error
        event.refresh_from_db()
        assert event.name == "Picnic (rain date)"
        assert event.start_time == datetime.datetime(2031, 6, 8, 12, 0, tzinfo=datetime.UTC)
        assert event.location["name"] == "Hall" and event.location["street"] is None
        assert Status.objects.get(pk=event.status_id).content == "<p>Indoors</p>"

    def test_search_resolves_a_remote_event_by_its_url(self, api, peer):
        organizer = f"{peer.base}/users/olga"
        peer.serve({"id": organizer, "type": "Person", "preferredUsername": "olga",
                    "inbox": f"{organizer}/inbox", "followers": f"{organizer}/followers",
                    "publicKey": {"id": f"{organizer}#main-key", "owner": organizer,
                                  "publicKeyPem": peer.carol.public_key_pem}})
        document = peer.serve(remote_event(7, actor=organizer))
        client = api(scopes=["read"])
        response = client.get("/api/v2/search", {"q": document["id"], "resolve": "true", "type": "statuses"})
        assert response.status_code == 200, response.content
        [found] = response.json()["statuses"]
        assert found["uri"] == document["id"]
        assert found["pleroma"]["event"]["name"] == "Picnic"
        assert Event.objects.filter(status__ap_id=document["id"]).exists()


class TestRemoteUserJoinsALocalEvent:
    """POST /inbox: Join, Leave, Undo{Join} of a local event; the organizer's answers"""

    def test_a_join_of_a_free_event_is_accepted_and_answered(self, api, anon, bob):
        organizer = api(scopes=["read", "write"])
        event = local_event(organizer.user)
        deliver(anon, bob, join(event.status.uri, participationMessage="hi"))
        participation = Participation.objects.get(event=event, user=bob)
        assert participation.state == "accept"
        assert participation.ap_id == f"{REMOTE}/joins/1"
        (accept,) = outbox("Accept")
        assert accept.payload["object"] == f"{REMOTE}/joins/1"
        assert accept.payload["actor"] == organizer.user.ap_id
        assert inboxes(accept) == {bob.inbox}
        # the same actor again (another Join id) is one participation
        deliver(anon, bob, join(event.status.uri, n=2))
        assert Participation.objects.filter(event=event, user=bob).count() == 1
        assert len(outbox("Accept")) == 1
        listed = organizer.get(f"/api/v1/pleroma/events/{ids.encode(event.status_id)}/participations").json()
        assert {a["acct"] for a in listed} == {organizer.user.nickname, bob.nickname}

    def test_a_join_of_a_restricted_event_is_a_request_the_organizer_authorizes(self, api, anon, bob):
        organizer = api(scopes=["read", "write"])
        event = local_event(organizer.user, "restricted")
        deliver(anon, bob, join(event.status.uri, participationMessage="may I?"))
        assert Participation.objects.get(event=event, user=bob).state == "pending"
        assert not outbox("Accept")
        assert Notification.objects.filter(user=organizer.user, account=bob,
                                           type="pleroma:participation_request").exists()
        event_id = ids.encode(event.status_id)
        requests = organizer.get(f"/api/v1/pleroma/events/{event_id}/participation_requests").json()
        assert [(r["account"]["acct"], r["participation_message"]) for r in requests] == [(bob.nickname, "may I?")]
        response = organizer.post(
            f"/api/v1/pleroma/events/{event_id}/participation_requests/{ids.encode(bob.pk)}/authorize")
        assert response.status_code == 200
        assert Participation.objects.get(event=event, user=bob).state == "accept"
        (accept,) = outbox("Accept")
        assert accept.payload["object"] == f"{REMOTE}/joins/1"
        assert inboxes(accept) == {bob.inbox}

    def test_the_organizer_rejects_a_request_and_a_reject_is_sent(self, api, anon, bob):
        organizer = api(scopes=["read", "write"])
        event = local_event(organizer.user, "restricted")
        deliver(anon, bob, join(event.status.uri))
        response = organizer.post(f"/api/v1/pleroma/events/{ids.encode(event.status_id)}"
                                  f"/participation_requests/{ids.encode(bob.pk)}/reject")
        assert response.status_code == 200
        assert Participation.objects.get(event=event, user=bob).state == "reject"
        (reject,) = outbox("Reject")
        assert reject.payload["object"] == f"{REMOTE}/joins/1"

    def test_leave_and_undo_of_the_join_remove_the_participation(self, api, anon, bob):
        organizer = api(scopes=["read", "write"])
        event = local_event(organizer.user, "restricted")
        deliver(anon, bob, join(event.status.uri))
        row = deliver(anon, bob, {"id": f"{REMOTE}#leave/1", "type": "Leave", "actor": REMOTE,
                                  "object": event.status.uri})
        assert row.state == IncomingActivity.State.DONE, row.error
        assert not Participation.objects.filter(event=event, user=bob).exists()
        assert not Notification.objects.filter(type="pleroma:participation_request").exists()
        deliver(anon, bob, join(event.status.uri, n=2))
        row = deliver(anon, bob, {"id": f"{REMOTE}#undo/1", "type": "Undo", "actor": REMOTE,
                                  "object": f"{REMOTE}/joins/2"})
        assert row.state == IncomingActivity.State.DONE, row.error
        assert not Participation.objects.filter(event=event, user=bob).exists()

    def test_a_join_by_an_account_the_organizer_blocks_is_ignored(self, api, anon, bob):
        from relationships.models import Block

        organizer = api(scopes=["read", "write"])
        event = local_event(organizer.user)
        Block.objects.create(blocker=organizer.user, blocked=bob)
        row = deliver(anon, bob, join(event.status.uri))
        assert row.state == IncomingActivity.State.IGNORED
        assert not Participation.objects.filter(user=bob).exists()
        assert not outbox("Accept")

    def test_a_join_of_a_status_that_is_no_event_is_ignored(self, api, anon, bob):
        from statuses.services import create_status

        post = create_status(api().user, text="not an event")
        row = deliver(anon, bob, join(post.uri))
        assert row.state == IncomingActivity.State.IGNORED
        assert not Participation.objects.filter(user=bob).exists()


class TestLocalUserJoinsARemoteEvent:
    """POST /api/v1/pleroma/events/:id/join and /leave of a remote event; its organizer's answers"""

    def test_join_is_sent_pending_until_the_organizer_accepts(self, api, anon, olga, bob):
        event = stored_remote_event(anon, olga, joinMode="restricted")
        client = api(scopes=["read", "write"])
        event_id = ids.encode(event.status_id)
        response = client.post(f"/api/v1/pleroma/events/{event_id}/join", {"participation_message": "me too"})
        assert response.status_code == 200, response.content
        assert response.json()["pleroma"]["event"]["join_state"] == "pending"
        participation = Participation.objects.get(event=event, user=client.user)
        (sent,) = outbox("Join")
        assert sent.payload["id"] == participation.ap_id
        assert sent.payload["object"] == event.status.ap_id
        assert sent.payload["actor"] == client.user.ap_id
        assert sent.payload["participationMessage"] == "me too"
        assert sent.payload["state"] == "pending"
        assert inboxes(sent) == {olga.inbox}
        # an Accept by someone else than the organizer changes nothing
        row = deliver(anon, bob, {"id": f"{REMOTE}#accepts/1", "type": "Accept", "actor": REMOTE,
                                  "object": participation.ap_id})
        assert row.state == IncomingActivity.State.FAILED
        assert Participation.objects.get(pk=participation.pk).state == "pending"
        row = deliver(anon, olga, {"id": f"{ORGANIZER}#accepts/1", "type": "Accept", "actor": ORGANIZER,
                                   "object": participation.ap_id})
        assert row.state == IncomingActivity.State.DONE, row.error
        assert Participation.objects.get(pk=participation.pk).state == "accept"
        assert Notification.objects.filter(user=client.user, type="pleroma:participation_accepted").exists()
        body = client.get(f"/api/v1/statuses/{event_id}").json()
        assert body["pleroma"]["event"]["join_state"] == "accept"
        assert body["pleroma"]["event"]["participants_count"] == 2

    def test_a_reject_with_the_join_embedded_rejects(self, api, anon, olga):
        event = stored_remote_event(anon, olga)
        client = api(scopes=["read", "write"])
        client.post(f"/api/v1/pleroma/events/{ids.encode(event.status_id)}/join")
        participation = Participation.objects.get(event=event, user=client.user)
        assert participation.state == "pending"  # a remote event waits for its organizer
        (sent,) = outbox("Join")
        row = deliver(anon, olga, {"id": f"{ORGANIZER}#rejects/1", "type": "Reject", "actor": ORGANIZER,
                                   "object": {k: sent.payload[k] for k in ("id", "type", "actor", "object")}})
        assert row.state == IncomingActivity.State.DONE, row.error
        assert Participation.objects.get(pk=participation.pk).state == "reject"

    def test_leave_sends_undo_of_the_join(self, api, anon, olga):
        event = stored_remote_event(anon, olga)
        client = api(scopes=["read", "write"])
        event_id = ids.encode(event.status_id)
        client.post(f"/api/v1/pleroma/events/{event_id}/join")
        (sent,) = outbox("Join")
        response = client.post(f"/api/v1/pleroma/events/{event_id}/leave")
        assert response.status_code == 200
        assert response.json()["pleroma"]["event"]["join_state"] is None
        (undo,) = outbox("Undo")
        assert undo.payload["object"]["type"] == "Join"
        assert undo.payload["object"]["id"] == sent.payload["id"]
        assert inboxes(undo) == {olga.inbox}
