"""The streaming API as Server-Sent Events (GET /api/v1/streaming/<stream>), and its
health check, against the real servers."""

from __future__ import annotations

import time

import requests

from tests.streaming.clients import EventStream
from tests.streaming.conftest import ok


def post(server, person, text: str, **fields) -> dict:
    return ok(server.post("/api/v1/statuses", person.token, data={"status": text, **fields}))


def next_update(stream: EventStream, status_id: str, timeout: float = 5) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        event, payload = stream.next(max(deadline - time.monotonic(), 0.01))
        if event == "update" and payload["id"] == status_id:
            return payload


class TestUserEvents:
    """GET /api/v1/streaming/user"""

    def test_followed_posts_and_notifications_arrive_as_events(self, streaming_server, people):
        s = streaming_server
        alice, bob, carol = people("alice", "bob", "carol")
        ok(s.post(f"/api/v1/accounts/{bob.id}/follow", alice.token))
        with EventStream(s, "user", alice.token) as stream:
            assert stream.response.headers["content-type"].startswith("text/event-stream")
            post(s, carol, "a stranger, followers only", visibility="private")
            status = post(s, bob, "@alice over SSE")
            events = [stream.next() for _ in range(2)]
        assert {name for name, _ in events} == {"update", "notification"}
        payloads = dict(events)
        assert payloads["update"]["id"] == status["id"]
        assert payloads["notification"]["status"]["id"] == status["id"]

    def test_heartbeats_keep_the_stream_open(self, streaming_server, people):
        (alice,) = people("alice")
        with EventStream(streaming_server, "user/notification", alice.token) as stream:
            time.sleep(2.5)  # the test servers beat every second (PLEROMA_STREAMING_HEARTBEAT)
        assert stream.comments.count(":thump") >= 1

    def test_a_bad_token_is_a_json_401(self, streaming_server):
        with EventStream(streaming_server, "user", "wrong") as stream:
            assert stream.response.status_code == 401
            assert stream.response.json() == {"error": "Invalid access token"}

    def test_the_user_stream_needs_a_token(self, streaming_server):
        with EventStream(streaming_server, "direct") as stream:
            assert stream.response.status_code == 401
            assert stream.response.json() == {"error": "Missing access token"}


class TestPublicEvents:
    """GET /api/v1/streaming/public, /public/local, /hashtag?tag="""

    def test_anonymous_public_and_hashtag_streams(self, streaming_server, people):
        s = streaming_server
        (bob,) = people("bob")
        with EventStream(s, "public/local") as local, EventStream(s, "hashtag", tag="news") as tagged:
            post(s, bob, "unlisted #news", visibility="unlisted")
            status = post(s, bob, "public #news")
            assert next_update(local, status["id"])["content"]
            assert next_update(tagged, status["id"])["id"] == status["id"]
            # the unlisted one came first and went to neither stream
            assert local.events.empty() and tagged.events.empty()

    def test_a_hashtag_stream_needs_a_tag(self, streaming_server):
        with EventStream(streaming_server, "hashtag") as stream:
            assert stream.response.status_code == 400
            assert stream.response.json() == {"error": "No tag for stream provided"}

    def test_remote_streams_show_no_local_posts(self, streaming_server, people):
        s = streaming_server
        (bob,) = people("bob")
        with EventStream(s, "public/remote") as remote, EventStream(s, "public") as public:
            status = post(s, bob, "local")
            next_update(public, status["id"])
            time.sleep(0.3)
            assert remote.events.empty()


class TestHealth:
    """GET /api/v1/streaming/health"""

    def test_answers_ok(self, streaming_server):
        response = requests.get(f"http://127.0.0.1:{streaming_server.streaming_port}/api/v1/streaming/health",
                                timeout=5)
        assert (response.status_code, response.text) == (200, "OK")

    def test_unknown_streaming_paths_are_json_404s(self, streaming_server):
        response = requests.get(f"http://127.0.0.1:{streaming_server.streaming_port}/api/v1/streaming/nope",
                                timeout=5)
        assert (response.status_code, response.json()) == (404, {"error": "Not found"})


class TestAdvertisement:
    """GET /api/v1/instance, /api/v2/instance: where the streaming API is"""

    def test_both_instance_documents_point_at_the_running_streaming_server(self, streaming_server):
        v1 = ok(streaming_server.get("/api/v1/instance"))
        v2 = ok(streaming_server.get("/api/v2/instance"))
        assert v1["urls"]["streaming_api"] == streaming_server.streaming_url
        assert v2["configuration"]["urls"]["streaming"] == streaming_server.streaming_url
        assert "mastodon_api_streaming" in v1["pleroma"]["metadata"]["features"]
        health = requests.get(v1["urls"]["streaming_api"].replace("ws://", "http://") + "/api/v1/streaming/health",
                              timeout=5)
        assert health.text == "OK"
