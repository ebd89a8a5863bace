"""The viewer's filters on the streaming API: `filters_changed` after any change to them
(v1 and v2), and statuses on each stream filtered as the timeline it mirrors (`user` and
`list`: home, the public streams: public)."""

from __future__ import annotations

import pytest

from tests.streaming.clients import WebSocketStream
from tests.streaming.conftest import ok
from tests.streaming.test_websocket import is_update, post


def is_filters_changed(message: dict) -> bool:
    return message["event"] == "filters_changed"


class TestFiltersChanged:
    """filters_changed on the user stream"""

    def test_creating_updating_and_deleting_filters_are_announced_without_payload(self, streaming_server, people):
        s = streaming_server
        alice, = people("alice")
        with WebSocketStream(s, alice.token, stream="user") as stream:
            v1 = ok(s.post("/api/v1/filters", alice.token, data={"phrase": "spoiler", "context[]": ["home"]}))
            first = stream.until(is_filters_changed)[-1]
            v2 = ok(s.post("/api/v2/filters", alice.token, json={
                "title": "Crypto", "context": ["public"], "keywords_attributes": [{"keyword": "crypto"}]}))
            stream.until(is_filters_changed)
            ok(s.request("PUT", f"/api/v2/filters/{v2['id']}", alice.token, json={"title": "Coins"}))
            stream.until(is_filters_changed)
            ok(s.request("DELETE", f"/api/v2/filters/{v2['id']}", alice.token))
            stream.until(is_filters_changed)
            ok(s.request("DELETE", f"/api/v1/filters/{v1['id']}", alice.token))
            stream.until(is_filters_changed)
        assert first == {"stream": ["user"], "event": "filters_changed"}

    def test_only_the_owners_user_streams_hear_of_it(self, streaming_server, people):
        s = streaming_server
        alice, bob = people("alice", "bob")
        with WebSocketStream(s, alice.token, stream="user:notification") as notifications, \
                WebSocketStream(s, bob.token, stream="user") as bobs, \
                WebSocketStream(s, alice.token, stream="user") as alices:
            ok(s.post("/api/v1/filters", alice.token, data={"phrase": "spoiler", "context[]": ["home"]}))
            alices.until(is_filters_changed)
            mine = post(s, bob, "a marker")
            assert not [m for m in bobs.until(is_update(mine["id"])) if is_filters_changed(m)]
            mention = post(s, bob, "@alice marker")
            seen = notifications.until(lambda m: m["event"] == "notification")
        assert [m["event"] for m in seen] == ["notification"]
        assert seen[0]["payload"]["status"]["id"] == mention["id"]

    def test_server_sent_events_carry_it_as_data_undefined(self, streaming_server, people):
        from tests.streaming.clients import EventStream

        s = streaming_server
        alice, = people("alice")
        with EventStream(s, "user", alice.token) as stream:
            ok(s.post("/api/v1/filters", alice.token, data={"phrase": "spoiler", "context[]": ["home"]}))
            event = stream.next()
        assert event == ("filters_changed", "undefined")


@pytest.fixture
def followed(streaming_server, people):
    """alice follows bob and has him on a list; alice's filters: warn `spoiler` (home),
    hide `crypto` (home), hide `politics` (public)."""
    s = streaming_server
    alice, bob = people("alice", "bob")
    ok(s.post(f"/api/v1/accounts/{bob.id}/follow", alice.token))
    lst = ok(s.post("/api/v1/lists", alice.token, data={"title": "friends"}))
    ok(s.post(f"/api/v1/lists/{lst['id']}/accounts", alice.token, data={"account_ids[]": [bob.id]}))
    for phrase, context, irreversible in (("spoiler", "home", False), ("crypto", "home", True),
                                          ("politics", "public", True)):
        ok(s.post("/api/v1/filters", alice.token, data={
            "phrase": phrase, "context[]": [context], "irreversible": str(irreversible).lower()}))
    return alice, bob, lst


class TestFilteredStatuses:
    """update events under the subscriber's filters"""

    @pytest.mark.parametrize("stream_name", ["user", "list"])
    def test_home_filters_apply_to_the_user_and_list_streams(self, streaming_server, followed, stream_name):
        s = streaming_server
        alice, bob, lst = followed
        params = {"list": lst["id"]} if stream_name == "list" else {}
        with WebSocketStream(s, alice.token, stream=stream_name, **params) as stream:
            hidden = post(s, bob, "buy crypto now")
            warned = post(s, bob, "a spoiler ahead")
            elsewhere = post(s, bob, "politics, hidden on public only")
            seen = stream.until(is_update(elsewhere["id"]))
        updates = {m["payload"]["id"]: m["payload"] for m in seen if m["event"] == "update"}
        assert hidden["id"] not in updates
        assert [r["keyword_matches"] for r in updates[warned["id"]]["filtered"]] == [["spoiler"]]
        assert updates[elsewhere["id"]]["filtered"] == []

    def test_public_filters_apply_to_the_public_stream(self, streaming_server, followed):
        s = streaming_server
        alice, bob, _ = followed
        with WebSocketStream(s, alice.token, stream="public") as stream:
            hidden = post(s, bob, "politics again")
            shown = post(s, bob, "crypto is a home filter")
            seen = stream.until(is_update(shown["id"]))
        ids = [m["payload"]["id"] for m in seen if m["event"] == "update"]
        assert hidden["id"] not in ids
        assert seen[-1]["payload"]["filtered"] == []


class TestFilteredNotifications:
    """notification events under the subscriber's `notifications` filters"""

    def test_a_hide_filter_keeps_the_notification_off_and_a_warn_filter_marks_it(self, streaming_server, people):
        s = streaming_server
        alice, bob = people("alice", "bob")
        for phrase, irreversible in (("crypto", "true"), ("spoiler", "false")):
            ok(s.post("/api/v1/filters", alice.token, data={
                "phrase": phrase, "context[]": ["notifications"], "irreversible": irreversible}))
        with WebSocketStream(s, alice.token, stream="user:notification") as stream:
            hidden = post(s, bob, "@alice buy crypto")
            warned = post(s, bob, "@alice a spoiler")
            seen = stream.until(lambda m: m["event"] == "notification"
                                and m["payload"]["status"]["id"] == warned["id"])
        statuses = [m["payload"]["status"]["id"] for m in seen if m["event"] == "notification"]
        assert hidden["id"] not in statuses
        assert [r["keyword_matches"] for r in seen[-1]["payload"]["status"]["filtered"]] == [["spoiler"]]
