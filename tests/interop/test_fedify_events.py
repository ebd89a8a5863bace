"""Events between this server and a Fedify server over https (reference/federation.md §3.16,
§4.8): our Create{Event} verified and accepted by Fedify (which does not know Mobilizon's
terms), a Join from Fedify answered by our Accept (free event) or kept as a participation
request (restricted), and an Event posted by Fedify stored here and joined by our user."""

from __future__ import annotations

from events.models import Event, Participation
from tests.factories import UserFactory
from tests.interop.conftest import OUR_HOST, PEER_HOST
from tests.interop.test_fedify import AS, PUBLIC, _activity, _followed_by, _following

EVENT = {"name": "Picnic", "status": "Bring a blanket", "start_time": "2031-06-01T12:00:00Z",
         "end_time": "2031-06-01T16:00:00Z"}


def _post_event(pleroma, token: str, join_mode: str = "free") -> dict:
    response = pleroma.post("/api/v1/pleroma/events", token, json={**EVENT, "join_mode": join_mode})
    assert response.status_code == 200, f"{response.status_code} {response.text}\n{pleroma.log()[-3000:]}"
    return response.json()


def _join(actor: dict, event_uri: str, number: int = 1, **fields) -> dict:
    return _activity(actor, "Join", number, event_uri, to=[f"https://{OUR_HOST}/users/bob"], **fields)


def _object_id(value) -> str:
    return value["id"] if isinstance(value, dict) else value


class TestEventsToFedify:
    """Create{Event} of ours, delivered and verified by Fedify"""

    def test_our_event_reaches_the_fedify_follower(self, pleroma, fedify):
        _, token = _followed_by(pleroma, fedify)
        ours = _post_event(pleroma, token)
        create = fedify.wait_received("Create", server=pleroma)
        assert create["actor"] == f"https://{OUR_HOST}/users/bob"
        event = create["activity"]["object"]
        assert event["type"] == "Event"
        assert event["id"] == ours["uri"]
        assert event["name"] == "Picnic"
        assert event["startTime"] == "2031-06-01T12:00:00.000Z"
        assert event["endTime"] == "2031-06-01T16:00:00.000Z"
        assert fedify.control("GET", "errors") == []
        from federation.models import Delivery

        assert set(Delivery.objects.values_list("state", flat=True)) == {Delivery.State.DONE}


class TestJoinsFromFedify:
    """Join of our events by a Fedify actor"""

    def test_a_join_of_a_free_event_is_accepted_and_fedify_gets_the_accept(self, pleroma, fedify):
        alice = fedify.create_actor("alice")
        UserFactory(nickname="bob")
        token = pleroma.token("bob")
        ours = _post_event(pleroma, token)
        join = _join(alice, ours["uri"], participationMessage="count me in")
        fedify.send("alice", [f"https://{OUR_HOST}/users/bob"], join)
        accept = fedify.wait_received("Accept", server=pleroma)
        assert accept["actor"] == f"https://{OUR_HOST}/users/bob"
        assert _object_id(accept["activity"]["object"]) == join["id"]
        participation = Participation.objects.get(user__remote_ap_id=alice["id"])
        assert participation.state == "accept"
        assert participation.ap_id == join["id"]
        listed = pleroma.get(f"/api/v1/pleroma/events/{ours['id']}/participations", token).json()
        assert {a["acct"] for a in listed} == {"bob", f"alice@{PEER_HOST}"}

    def test_a_join_of_a_restricted_event_is_a_request_accepted_on_authorize(self, pleroma, fedify):
        alice = fedify.create_actor("alice")
        UserFactory(nickname="bob")
        token = pleroma.token("bob")
        ours = _post_event(pleroma, token, "restricted")
        join = _join(alice, ours["uri"])
        fedify.send("alice", [f"https://{OUR_HOST}/users/bob"], join)
        path = f"/api/v1/pleroma/events/{ours['id']}/participation_requests"
        [request] = pleroma.until(lambda: pleroma.get(path, token).json())
        assert request["account"]["acct"] == f"alice@{PEER_HOST}"
        assert fedify.received("Accept") == []
        response = pleroma.post(f"{path}/{request['account']['id']}/authorize", token)
        assert response.status_code == 200
        accept = fedify.wait_received("Accept", server=pleroma)
        assert _object_id(accept["activity"]["object"]) == join["id"]
        assert Participation.objects.get(user__remote_ap_id=alice["id"]).state == "accept"


class TestEventsFromFedify:
    """An Event posted by a Fedify actor, and our user's Join of it"""

    def test_their_event_is_stored_and_our_join_is_answered(self, pleroma, fedify):
        alice, token = _following(pleroma, fedify)
        event = {"@context": AS, "id": f"{alice['id']}/notes/1", "type": "Event", "attributedTo": alice["id"],
                 "name": "Fedify meetup", "content": "<p>talks</p>", "startTime": "2031-07-01T18:00:00Z",
                 "endTime": "2031-07-01T20:00:00Z", "published": "2026-01-01T00:00:00Z",
                 "location": {"type": "Place", "name": "Hall 1", "latitude": 52.5, "longitude": 13.4},
                 "to": [PUBLIC], "cc": [f"{alice['id']}/followers"]}
        fedify.send("alice", [f"https://{OUR_HOST}/users/bob"],
                    _activity(alice, "Create", 1, event, to=event["to"], cc=event["cc"]))
        stored = pleroma.until(lambda: Event.objects.filter(status__ap_id=event["id"]).first())
        assert stored.name == "Fedify meetup"
        assert stored.location["name"] == "Hall 1"
        status_id = pleroma.get("/api/v2/search", token, params={
            "q": event["id"], "resolve": "true", "type": "statuses"}).json()["statuses"][0]["id"]
        shown = pleroma.get(f"/api/v1/statuses/{status_id}", token).json()["pleroma"]["event"]
        assert shown["start_time"] == "2031-07-01T18:00:00.000Z"
        joined = pleroma.post(f"/api/v1/pleroma/events/{status_id}/join", token)
        assert joined.status_code == 200, joined.text
        assert joined.json()["pleroma"]["event"]["join_state"] == "pending"
        join = fedify.wait_received("Join", server=pleroma)
        assert join["actor"] == f"https://{OUR_HOST}/users/bob"
        assert _object_id(join["activity"]["object"]) == event["id"]
        fedify.send("alice", [f"https://{OUR_HOST}/users/bob"],
                    _activity(alice, "Accept", 1, join["id"]))
        pleroma.until(lambda: pleroma.get(f"/api/v1/statuses/{status_id}", token).json()
                      ["pleroma"]["event"]["join_state"] == "accept")
