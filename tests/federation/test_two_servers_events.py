"""Events between two running servers (reference/federation.md §3.16, §4.8), through each
server's client API over real HTTP: an event reaches the organizer's followers as an event,
a user of the other server joins it (free: accepted at once; restricted: a request the
organizer authorizes) and leaves it, an edit reaches the other side, and the other side's
ICS export of the remote event names its own URL."""

from __future__ import annotations

from tests.federation import test_two_servers_scenarios as scenarios
from tests.federation.test_two_servers_scenarios import TIMEOUT, Side, eventually, follow, in_home

# the two servers and their directions, as the other two-server scenarios have them
first, second, sides = scenarios.first, scenarios.second, scenarios.sides

EVENT = {"name": "Picnic", "status": "Bring a blanket", "start_time": "2031-06-01T12:00:00Z",
         "end_time": "2031-06-01T16:00:00Z"}


def post_event(side: Side, nickname: str, join_mode: str = "free") -> dict:
    return side.post(nickname, "/api/v1/pleroma/events", data={**EVENT, "join_mode": join_mode})


def event_of(side: Side, nickname: str, status_id: str) -> dict:
    return side.get(nickname, f"/api/v1/statuses/{status_id}")["pleroma"]["event"]


def participants(side: Side, nickname: str, status_id: str) -> set[str]:
    return {a["acct"] for a in side.get(nickname, f"/api/v1/pleroma/events/{status_id}/participations")}


def resolve(side: Side, nickname: str, uri: str) -> dict:
    """The remote status at `uri` as `nickname` sees it, fetched by search."""
    found = side.get(nickname, "/api/v2/search", params={"q": uri, "resolve": "true", "type": "statuses"})
    assert len(found["statuses"]) == 1, side.server.log()[-4000:]
    return found["statuses"][0]


class TestJoiningAFreeEvent:
    def test_a_follower_sees_the_event_joins_it_at_once_and_leaves(self, sides):
        here, there = sides
        here.user("alice")
        there.user("bob")
        follow(there, "bob", here, "alice")
        event = post_event(here, "alice")
        seen = eventually(lambda: in_home(there, "bob", event["uri"]), "the event in bob's home",
                          TIMEOUT, here, there)
        assert seen["pleroma"]["event"]["name"] == "Picnic"
        assert seen["pleroma"]["event"]["start_time"] == "2031-06-01T12:00:00.000Z"
        assert seen["pleroma"]["event"]["join_mode"] == "free"
        assert seen["content"] == event["content"]
        joined = there.post("bob", f"/api/v1/pleroma/events/{seen['id']}/join")
        assert joined["pleroma"]["event"]["join_state"] == "pending"  # until the organizer's server answers
        eventually(lambda: event_of(there, "bob", seen["id"])["join_state"] == "accept",
                   "bob's join accepted", TIMEOUT, here, there)
        bob = f"bob@{there.domain}"
        assert bob in participants(here, "alice", event["id"])
        assert event_of(here, "alice", event["id"])["participants_count"] == 2
        left = there.post("bob", f"/api/v1/pleroma/events/{seen['id']}/leave")
        assert left["pleroma"]["event"]["join_state"] is None
        eventually(lambda: bob not in participants(here, "alice", event["id"]),
                   "bob gone from the participants", TIMEOUT, here, there)


class TestJoiningARestrictedEvent:
    def test_a_request_waits_for_the_organizer_who_authorizes_it(self, first, second):
        # The reader's server is the one with threads: its search waits for the organizer's
        # server, which verifies the signed fetch by fetching the reader's instance actor.
        here, there = second, first
        here.user("alice")
        there.user("bob")
        event = post_event(here, "alice", "restricted")
        seen = resolve(there, "bob", event["uri"])  # found by its URL, no follow needed
        assert seen["pleroma"]["event"]["join_mode"] == "restricted"
        there.post("bob", f"/api/v1/pleroma/events/{seen['id']}/join",
                   data={"participation_message": "may I come?"})
        requests = eventually(lambda: here.get("alice", f"/api/v1/pleroma/events/{event['id']}/participation_requests"),
                              "bob's request at the organizer", TIMEOUT, here, there)
        [request] = requests
        assert request["account"]["acct"] == f"bob@{there.domain}"
        assert request["participation_message"] == "may I come?"
        assert any(n["type"] == "pleroma:participation_request" for n in here.notifications("alice"))
        assert event_of(there, "bob", seen["id"])["join_state"] == "pending"
        here.post("alice", f"/api/v1/pleroma/events/{event['id']}/participation_requests/"
                           f"{request['account']['id']}/authorize")
        eventually(lambda: event_of(there, "bob", seen["id"])["join_state"] == "accept",
                   "bob's request authorized on his server", TIMEOUT, here, there)
        assert any(n["type"] == "pleroma:participation_accepted" for n in there.notifications("bob"))


class TestEventChanges:
    def test_an_edit_reaches_the_other_side_and_its_ics_names_the_remote_event(self, first, second):
        here, there = second, first
        here.user("alice")
        there.user("bob")
        follow(there, "bob", here, "alice")
        event = post_event(here, "alice")
        seen = eventually(lambda: in_home(there, "bob", event["uri"]), "the event in bob's home",
                          TIMEOUT, here, there)
        here.call("PUT", "alice", f"/api/v1/pleroma/events/{event['id']}", data={
            "name": "Picnic (rain date)", "status": "Indoors", "start_time": "2031-06-08T12:00:00Z",
            "end_time": "2031-06-08T18:00:00Z"})
        edited = eventually(lambda: (e := event_of(there, "bob", seen["id"]))["name"] == "Picnic (rain date)" and e,
                            "the edit on bob's server", TIMEOUT, here, there)
        assert edited["start_time"] == "2031-06-08T12:00:00.000Z"
        assert edited["end_time"] == "2031-06-08T18:00:00.000Z"
        response = there.server.get(f"/api/v1/pleroma/events/{seen['id']}/ics", there.tokens["bob"])
        assert response.status_code == 200
        assert response.headers["Content-Type"].startswith("text/calendar")
        text = response.text.replace("\r\n ", "")
        assert "SUMMARY:Picnic (rain date)" in text
        assert "DTSTART:20310608T120000Z" in text
        assert f"URL:{event['url']}" in text
        assert f"UID:{event['uri']}" in text
