"""The streaming API over a WebSocket, against the real servers (gunicorn for the REST
API, uvicorn for streaming, Redis pub/sub between them)."""

from __future__ import annotations

import time

import pytest
from websockets.exceptions import InvalidStatus

from tests.streaming.clients import WebSocketStream
from tests.streaming.conftest import ok


def post(server, person, text: str, **fields) -> dict:
    return ok(server.post("/api/v1/statuses", person.token, data={"status": text, **fields}))


def is_update(status_id: str):
    return lambda m: m["event"] == "update" and m["payload"]["id"] == status_id


class TestUserStream:
    """GET /api/v1/streaming?stream=user"""

    def test_a_followed_accounts_post_arrives_within_a_second_as_the_rest_api_renders_it(
            self, streaming_server, people):
        s = streaming_server
        alice, bob = people("alice", "bob")
        ok(s.post(f"/api/v1/accounts/{bob.id}/follow", alice.token))
        with WebSocketStream(s, alice.token, stream="user") as stream:
            started = time.monotonic()
            status = post(s, bob, "hello followers")
            message = stream.until(is_update(status["id"]), timeout=2)[-1]
            elapsed = time.monotonic() - started
        assert elapsed < 1, elapsed
        assert message["stream"] == ["user"]
        assert message["payload"] == ok(s.get(f"/api/v1/statuses/{status['id']}", alice.token))
        assert message["payload"]["account"]["acct"] == "bob"

    def test_what_the_subscriber_may_not_see_never_arrives(self, streaming_server, people):
        s = streaming_server
        alice, bob, carol, dave, mallory, erin = people("alice", "bob", "carol", "dave", "mallory", "erin")
        for followed in (bob, carol, dave):
            ok(s.post(f"/api/v1/accounts/{followed.id}/follow", alice.token))
        ok(s.post(f"/api/v1/accounts/{carol.id}/block", alice.token))
        ok(s.post(f"/api/v1/accounts/{dave.id}/mute", alice.token))
        with WebSocketStream(s, alice.token, stream="user") as stream:
            stream.subscribe("public")
            hidden = {
                post(s, mallory, "followers only", visibility="private")["id"],  # not followed
                post(s, carol, "blocked, in public")["id"],
                post(s, dave, "muted, in public")["id"],
                post(s, bob, "@erin just us", visibility="direct")["id"],  # someone else's DM
            }
            last = post(s, bob, "the last one")
            arrived_on = set()

            def on_both_streams(message) -> bool:
                if is_update(last["id"])(message):
                    arrived_on.add(tuple(message["stream"]))
                return len(arrived_on) == 2

            seen = stream.until(on_both_streams)
        assert not hidden & {m["payload"]["id"] for m in seen if m["event"] == "update"}
        assert {tuple(m["stream"]) for m in seen} == {("user",), ("public",)}
        assert erin  # addressed, not subscribed

    def test_notifications_arrive_rendered_as_the_notifications_list_shows_them(self, streaming_server, people):
        s = streaming_server
        alice, bob = people("alice", "bob")
        with WebSocketStream(s, alice.token, stream="user:notification") as stream:
            mention = post(s, bob, "@alice hi")
            message = stream.until(lambda m: m["event"] == "notification")[-1]
        assert message["stream"] == ["user:notification"]
        assert message["payload"]["type"] == "mention"
        assert message["payload"]["status"]["id"] == mention["id"]
        listed = ok(s.get("/api/v1/notifications", alice.token))
        assert message["payload"] == listed[0]

    def test_a_deleted_status_is_announced_by_id(self, streaming_server, people):
        s = streaming_server
        alice, bob = people("alice", "bob")
        ok(s.post(f"/api/v1/accounts/{bob.id}/follow", alice.token))
        with WebSocketStream(s, alice.token, stream="user") as stream:
            status = post(s, bob, "soon gone")
            stream.until(is_update(status["id"]))
            ok(s.request("DELETE", f"/api/v1/statuses/{status['id']}", bob.token))
            message = stream.until(lambda m: m["event"] == "delete")[-1]
        assert message == {"stream": ["user"], "event": "delete", "payload": status["id"]}

    def test_an_edited_status_arrives_as_status_update_where_the_post_arrived(self, streaming_server, people):
        s = streaming_server
        alice, bob, carol = people("alice", "bob", "carol")
        ok(s.post(f"/api/v1/accounts/{bob.id}/follow", alice.token))
        with WebSocketStream(s, alice.token, stream="user") as stream, \
                WebSocketStream(s, carol.token, stream="user") as other:
            stream.subscribe("public")
            status = post(s, bob, "first version")
            stream.until(is_update(status["id"]))
            ok(s.request("PUT", f"/api/v1/statuses/{status['id']}", bob.token, data={"status": "second version"}))
            edits = []

            def on_both_streams(message) -> bool:
                if message["event"] == "status.update" and message["payload"]["id"] == status["id"]:
                    edits.append(message)
                return len(edits) == 2

            stream.until(on_both_streams, timeout=3)
            private = post(s, bob, "followers only", visibility="private")
            ok(s.request("PUT", f"/api/v1/statuses/{private['id']}", bob.token, data={"status": "still private"}))
            stream.until(lambda m: m["event"] == "status.update" and m["payload"]["id"] == private["id"])
            with pytest.raises(AssertionError, match=r"got \[\]"):
                other.until(lambda m: True, timeout=1)  # not following bob: nothing at all
        assert {tuple(m["stream"]) for m in edits} == {("user",), ("public",)}
        shown = ok(s.get(f"/api/v1/statuses/{status['id']}", alice.token))
        assert {k: v for k, v in edits[0]["payload"].items() if k != "account"} == \
            {k: v for k, v in shown.items() if k != "account"}  # bob has posted since
        assert "second version" in shown["content"] and shown["edited_at"] is not None

    def test_following_streams_the_new_relationship_counts(self, streaming_server, people):
        s = streaming_server
        alice, bob = people("alice", "bob")
        with WebSocketStream(s, alice.token, stream="user") as stream:
            ok(s.post(f"/api/v1/accounts/{bob.id}/follow", alice.token))
            message = stream.until(lambda m: m["event"] == "pleroma:follow_relationships_update")[-1]
            ok(s.post(f"/api/v1/accounts/{bob.id}/unfollow", alice.token))
            ended = stream.until(lambda m: m["event"] == "pleroma:follow_relationships_update")[-1]
        assert message["payload"] == {
            "state": "follow_accept",
            "follower": {"id": alice.id, "follower_count": 0, "following_count": 1},
            "following": {"id": bob.id, "follower_count": 1, "following_count": 0},
        }
        assert ended["payload"]["state"] == "unfollow"
        assert ended["payload"]["following"]["follower_count"] == 0

    def test_the_token_may_come_in_the_websocket_protocol_header(self, streaming_server, people):
        s = streaming_server
        alice, bob = people("alice", "bob")
        ok(s.post(f"/api/v1/accounts/{bob.id}/follow", alice.token))
        with WebSocketStream(s, alice.token, via="protocol", stream="user") as stream:
            assert stream.socket.subprotocol == alice.token
            status = post(s, bob, "protocol token")
            stream.until(is_update(status["id"]))


class TestSubscriptions:
    """{"type": "subscribe" | "unsubscribe", ...} messages on GET /api/v1/streaming"""

    def test_hashtag_and_local_streams_are_subscribed_and_left_on_one_connection(self, streaming_server, people):
        s = streaming_server
        alice, bob = people("alice", "bob")
        with WebSocketStream(s, alice.token) as stream:
            stream.subscribe("hashtag", tag="Cats")
            tagged = post(s, bob, "look #cats")
            message = stream.until(is_update(tagged["id"]))[-1]
            assert message["stream"] == ["hashtag", "cats"]
            stream.unsubscribe("hashtag", tag="cats")
            stream.subscribe("public:local")
            again = post(s, bob, "more #cats")
            seen = stream.until(is_update(again["id"]))
        assert [m["stream"] for m in seen] == [["public:local"]]

    def test_a_direct_message_updates_the_conversation_on_the_direct_stream(self, streaming_server, people):
        s = streaming_server
        alice, bob = people("alice", "bob")
        with WebSocketStream(s, alice.token, stream="direct") as stream:
            dm = post(s, bob, "@alice psst", visibility="direct")
            message = stream.until(lambda m: m["event"] == "conversation")[-1]
        assert message["stream"] == ["direct"]
        conversation = message["payload"]
        assert conversation["last_status"]["id"] == dm["id"]
        assert conversation["unread"] is True
        assert [a["acct"] for a in conversation["accounts"]] == ["bob"]
        assert conversation == ok(s.get("/api/v1/conversations", alice.token))[0]

    def test_public_streams_need_no_token(self, streaming_server, people):
        s = streaming_server
        (bob,) = people("bob")
        with WebSocketStream(s, stream="public") as stream:
            status = post(s, bob, "for everyone")
            message = stream.until(is_update(status["id"]))[-1]
        assert message["payload"]["favourited"] is False

    def test_an_unknown_stream_or_missing_tag_is_answered_with_an_error(self, streaming_server, people):
        (alice,) = people("alice")
        with WebSocketStream(streaming_server, alice.token) as stream:
            stream.send(type="subscribe", stream="nonsense")
            assert stream.next() == {"error": "Unknown stream type", "status": 400}
            stream.send(type="subscribe", stream="hashtag")
            assert stream.next() == {"error": "No tag for stream provided", "status": 400}
            stream.send(type="dance")
            assert stream.next() == {"error": "Bad request", "status": 400}


class TestRefusals:
    """GET /api/v1/streaming: who may open which stream"""

    def refused(self, server, token=None, **params) -> tuple[int, bytes]:
        with pytest.raises(InvalidStatus) as caught:
            WebSocketStream(server, token, **params)
        response = caught.value.response
        return response.status_code, response.body

    def test_a_bad_token_is_refused_with_401(self, streaming_server):
        assert self.refused(streaming_server, "not-a-token", stream="public") == (
            401, b'{"error": "Invalid access token"}')

    def test_user_streams_need_a_token(self, streaming_server):
        for stream in ("user", "user:notification", "direct"):
            assert self.refused(streaming_server, stream=stream) == (401, b'{"error": "Missing access token"}')

    def test_a_token_without_a_read_scope_is_refused(self, streaming_server, people):
        (alice,) = people("alice", scopes="write follow")
        assert self.refused(streaming_server, alice.token, stream="user") == (
            401, b'{"error": "Access token does not have the required scopes"}')

    def test_a_statuses_only_token_may_not_read_notifications(self, streaming_server, people):
        (alice,) = people("alice", scopes="read:statuses")
        status, _ = self.refused(streaming_server, alice.token, stream="user:notification")
        assert status == 401
        with WebSocketStream(streaming_server, alice.token, stream="user"):
            pass

    def test_an_unknown_stream_is_refused_with_400(self, streaming_server):
        assert self.refused(streaming_server, stream="everything") == (400, b'{"error": "Unknown stream type"}')


class TestListStream:
    """GET /api/v1/streaming?stream=list&list=<id>"""

    def test_members_posts_arrive_with_the_lists_replies_policy_and_others_do_not(self, streaming_server, people):
        s = streaming_server
        alice, bob, carol, dave = people("alice", "bob", "carol", "dave")
        for followed in (bob, carol, dave):
            ok(s.post(f"/api/v1/accounts/{followed.id}/follow", alice.token))
        lst = ok(s.post("/api/v1/lists", alice.token, data={"title": "friends", "replies_policy": "list"}))
        ok(s.post(f"/api/v1/lists/{lst['id']}/accounts", alice.token, data={"account_ids[]": [bob.id, carol.id]}))
        dave_post = post(s, dave, "dave, not on the list")
        with WebSocketStream(s, alice.token, stream="list", list=lst["id"]) as stream:
            hidden = {
                post(s, dave, "not a member")["id"],
                post(s, bob, "@dave reply to a non-member", in_reply_to_id=dave_post["id"])["id"],
            }
            carol_post = post(s, carol, "a member")
            reply = post(s, bob, "@carol reply to a member", in_reply_to_id=carol_post["id"])
            seen = stream.until(is_update(reply["id"]))
            ok(s.request("DELETE", f"/api/v1/statuses/{reply['id']}", bob.token))
            deleted = stream.until(lambda m: m["event"] == "delete" and m["payload"] == reply["id"])[-1]
        updates = [m for m in seen if m["event"] == "update"]
        assert not hidden & {m["payload"]["id"] for m in updates}
        assert [m["payload"]["id"] for m in updates] == [carol_post["id"], reply["id"]]
        assert {tuple(m["stream"]) for m in updates} == {("list", lst["id"])}
        assert updates[0]["payload"] == ok(s.get(f"/api/v1/statuses/{carol_post['id']}", alice.token))
        assert deleted["stream"] == ["list", lst["id"]]

    def test_someone_elses_list_is_not_found(self, streaming_server, people):
        s = streaming_server
        alice, bob = people("alice", "bob")
        lst = ok(s.post("/api/v1/lists", alice.token, data={"title": "mine"}))
        with WebSocketStream(s, bob.token) as stream:
            stream.send(type="subscribe", stream="list", list=lst["id"])
            assert stream.next() == {"error": "No list for stream provided", "status": 404}
