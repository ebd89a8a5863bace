"""Remote statuses in the client API (reference/federation.md §7): home of a local follower,
the federated and local public timelines, threads, in a constant number of queries."""

from __future__ import annotations

import pytest

from core import ids
from relationships import follows
from statuses.models import Status
from statuses.services import create_status
from tests.factories import UserFactory
from tests.federation.incoming import REMOTE, create, deliver, note, remote_account


@pytest.fixture
def bob(db):
    return remote_account("bob", REMOTE)


class TestHome:
    """GET /api/v1/timelines/home with remote statuses"""

    def test_a_local_follower_sees_the_remote_accounts_posts(self, anon, api, bob):
        alice = UserFactory(nickname="alice")
        follows.follow(alice, bob)
        follows.authorize_follow_request(bob, alice)  # bob's server accepted
        deliver(anon, bob, create(note(1, to=[f"{REMOTE}/followers"], cc=[])))
        deliver(anon, bob, create(note(2)))
        body = api(scopes=["read"], user=alice).get("/api/v1/timelines/home").json()
        assert [(s["uri"], s["visibility"]) for s in body] == [
            (note(2)["id"], "public"), (note(1)["id"], "private")]
        assert body[0]["account"]["acct"] == "bob@remote.example"
        assert body[0]["account"]["url"] == REMOTE

    def test_a_non_follower_does_not_see_followers_only_posts(self, anon, api, bob):
        deliver(anon, bob, create(note(1, to=[f"{REMOTE}/followers"], cc=[])))
        assert api(scopes=["read"]).get("/api/v1/timelines/home").json() == []
        assert api(scopes=["read"]).get("/api/v1/timelines/public").json() == []


class TestPublic:
    """GET /api/v1/timelines/public: federated by default, local=true, remote=true"""

    def test_federated_local_and_remote(self, anon, api, bob):
        alice = UserFactory(nickname="alice")
        local = create_status(alice, text="local post")
        deliver(anon, bob, create(note(1)))
        deliver(anon, bob, create(note(2, to=[f"{REMOTE}/followers"], cc=["https://www.w3.org/ns/activitystreams#Public"])))
        client = api(scopes=["read"])
        assert [s["uri"] for s in client.get("/api/v1/timelines/public").json()] == [note(1)["id"], local.uri]
        assert [s["id"] for s in client.get("/api/v1/timelines/public?local=true").json()] == [ids.encode(local.pk)]
        assert [s["uri"] for s in client.get("/api/v1/timelines/public?remote=true").json()] == [note(1)["id"]]
        assert [s["uri"] for s in anon.get("/api/v1/timelines/public").json()] == [note(1)["id"], local.uri]

    def test_a_page_of_remote_statuses_costs_the_same_queries_for_1_and_20(
            self, anon, api, bob, django_assert_max_num_queries):
        from django.core.cache import cache

        def page_queries(count: int) -> int:
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            cache.clear()
            with CaptureQueriesContext(connection) as captured:
                response = client.get("/api/v1/timelines/public?remote=true&limit=20")
            assert len(response.json()) == count
            return len(captured)

        client = api(scopes=["read"])
        media = [{"type": "Document", "mediaType": "image/png", "url": "https://remote.example/m.png"}]
        emoji = [{"type": "Emoji", "name": ":e:", "icon": {"url": "https://remote.example/e.png"}},
                 {"type": "Hashtag", "name": "#t"}]
        deliver(anon, bob, create(note(0, attachment=media, tag=emoji)))
        one = page_queries(1)
        for n in range(1, 20):
            deliver(anon, bob, create(note(n, attachment=media, tag=emoji)))
        assert page_queries(20) == one
        with django_assert_max_num_queries(one):
            client.get("/api/v1/timelines/public?remote=true&limit=20")


class TestThread:
    """GET /api/v1/statuses/:id/context with remote replies"""

    def test_remote_replies_to_a_local_post_and_their_replies(self, anon, api, bob):
        alice = UserFactory(nickname="alice")
        root = create_status(alice, text="root")
        deliver(anon, bob, create(note(1, inReplyTo=root.uri)))
        deliver(anon, bob, create(note(2, inReplyTo=note(1)["id"])))
        mine = create_status(alice, text="answer", in_reply_to=Status.objects.get(ap_id=note(2)["id"]))
        client = api(scopes=["read"], user=alice)
        context = client.get(f"/api/v1/statuses/{ids.encode(root.pk)}/context").json()
        assert [s["uri"] for s in context["descendants"]] == [note(1)["id"], note(2)["id"], mine.uri]
        assert [(m["acct"], m["url"]) for m in context["descendants"][2]["mentions"]] == [
            ("bob@remote.example", REMOTE)]  # a local reply to a remote post names its author
        second = context["descendants"][1]
        assert second["in_reply_to_account_id"] == ids.encode(bob.pk)
        assert second["pleroma"]["in_reply_to_account_acct"] == "bob@remote.example"
