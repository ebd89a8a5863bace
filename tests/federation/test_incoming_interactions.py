"""Delete, Like, Announce, Block and their Undo received and processed
(reference/federation.md §3.8, §3.11-3.13)."""

from __future__ import annotations

import pytest

from accounts.models import User
from core import ids
from notifications.models import Notification
from relationships import follows
from relationships.models import Block, Follow
from statuses.models import Favourite, Status
from statuses.services import create_status
from tests.factories import UserFactory
from tests.federation.incoming import REMOTE, create, deliver, note, remote_account


@pytest.fixture
def bob(db):
    return remote_account("bob", REMOTE)


@pytest.fixture
def alice(db):
    return UserFactory(nickname="alice")


def like(status, n=1, actor=REMOTE):
    return {"id": f"{actor}#likes/{n}", "type": "Like", "actor": actor, "object": status.uri}


def announce(obj_id: str, n=1, actor=REMOTE):
    return {"id": f"{actor}/statuses/{n}/activity", "type": "Announce", "actor": actor, "object": obj_id,
            "to": ["https://www.w3.org/ns/activitystreams#Public"], "cc": [f"{actor}/followers"],
            "published": "2026-01-07T12:00:00Z"}


def undo(inner, n=1, actor=REMOTE):
    return {"id": f"{actor}#undo/{n}", "type": "Undo", "actor": actor, "object": inner}


class TestDelete:
    """POST /inbox: Delete"""

    def test_deleting_a_note_removes_the_status_its_counts_and_notifications(
            self, anon, api, bob, alice, settings, django_capture_on_commit_callbacks):
        import json

        import redis

        from streaming import broker

        parent = create_status(alice, text="root")
        obj = note(1, inReplyTo=parent.uri, tag=[{"type": "Mention", "href": alice.ap_id}])
        deliver(anon, bob, create(obj))
        remote_pk = Status.objects.get(ap_id=obj["id"]).pk
        assert Notification.objects.filter(user=alice, type="mention").exists()
        tombstone = {"id": obj["id"], "type": "Tombstone"}
        pubsub = redis.Redis.from_url(settings.REDIS_URL).pubsub(ignore_subscribe_messages=True)
        pubsub.subscribe(broker.channel())
        while pubsub.get_message(timeout=0.2) is not None:
            pass
        with django_capture_on_commit_callbacks(execute=True):
            row = deliver(anon, bob, {"id": f"{REMOTE}#delete/1", "type": "Delete", "actor": REMOTE,
                                      "object": tombstone})
        assert row.state == "done"
        assert not Status.objects.filter(ap_id=obj["id"]).exists()
        parent.refresh_from_db()
        assert parent.replies_count == 0
        assert not Notification.objects.filter(user=alice, type="mention").exists()
        bob.refresh_from_db()
        assert bob.statuses_count == 0
        client = api(scopes=["read"], user=alice)
        assert [s["id"] for s in client.get("/api/v1/timelines/public").json()] == [ids.encode(parent.pk)]
        events = []
        while (message := pubsub.get_message(timeout=0.3)) is not None:
            events.append(json.loads(message["data"]))
        pubsub.close()
        assert [e for e in events if e["event"] == "delete"] == [{
            "event": "delete", "id": ids.encode(remote_pk), "account": bob.pk.hex, "visibility": "public",
            "local": False, "reblog": False, "mentioned": [], "tags": []}]

    def test_a_delete_by_id_works_too(self, anon, bob):
        deliver(anon, bob, create(note(1)))
        deliver(anon, bob, {"id": f"{REMOTE}#delete/1", "type": "Delete", "actor": REMOTE, "object": note(1)["id"]})
        assert not Status.objects.exists()

    def test_a_create_arriving_after_its_delete_is_dropped(self, anon, bob):
        deliver(anon, bob, {"id": f"{REMOTE}#delete/early", "type": "Delete", "actor": REMOTE,
                            "object": {"id": note(1)["id"], "type": "Tombstone"}})
        assert deliver(anon, bob, create(note(1))).state == "ignored"
        assert not Status.objects.exists()

    def test_deleting_another_actors_note_is_refused(self, anon, bob):
        carol = remote_account("carol", "https://remote.example/users/carol")
        deliver(anon, carol, create(note("c1", actor=carol.remote_ap_id), actor=carol.remote_ap_id))
        row = deliver(anon, bob, {"id": f"{REMOTE}#delete/2", "type": "Delete", "actor": REMOTE,
                                  "object": note("c1", actor=carol.remote_ap_id)["id"]})
        assert row.state == "failed"
        assert row.error == "rejected: Delete of an object owned by another actor"
        assert Status.objects.count() == 1

    def test_deleting_a_local_status_by_its_uri_is_ignored(self, anon, bob, alice):
        status = create_status(alice, text="mine")
        row = deliver(anon, bob, {"id": f"{REMOTE}#delete/3", "type": "Delete", "actor": REMOTE,
                                  "object": status.uri})
        assert row.state == "ignored"
        assert Status.objects.filter(pk=status.pk).exists()

    def test_deleting_the_actor_deactivates_it_and_removes_its_posts_and_follows(self, anon, api, bob, alice):
        follows.follow(bob, alice)
        follows.follow(alice, bob)
        follows.authorize_follow_request(bob, alice)  # bob's server accepted
        mine = create_status(alice, text="liked")
        deliver(anon, bob, create(note(1)))
        deliver(anon, bob, like(mine))
        deliver(anon, bob, announce(mine.uri))
        row = deliver(anon, bob, {"id": f"{REMOTE}#delete", "type": "Delete", "actor": REMOTE, "object": REMOTE})
        assert row.state == "done"
        bob.refresh_from_db()
        assert (bob.is_active, bob.is_deleted) == (False, True)
        assert not Status.objects.filter(account=bob).exists()
        assert not Follow.objects.exists()
        mine.refresh_from_db()
        alice.refresh_from_db()
        assert (mine.favourites_count, mine.reblogs_count) == (0, 0)
        assert (alice.followers_count, alice.following_count) == (0, 0)
        assert api(scopes=["read"], user=alice).get(f"/api/v1/accounts/{ids.encode(bob.pk)}").status_code == 404

    def test_a_delete_of_an_unknown_actor_is_answered_202_and_stores_nothing(self, anon, bob):
        from federation.models import IncomingActivity
        from tests.federation.incoming import send

        ghost = remote_account("ghost", "https://remote.example/users/ghost")
        User.objects.filter(pk=ghost.pk).delete()  # never stored here; its key is gone with it
        response = send(anon, ghost, {"id": f"{ghost.remote_ap_id}#delete", "type": "Delete",
                                      "actor": ghost.remote_ap_id, "object": ghost.remote_ap_id})
        assert response.status_code == 202
        assert not IncomingActivity.objects.exists()


class TestLike:
    """POST /inbox: Like and Undo{Like}"""

    def test_a_like_favourites_counts_and_notifies(self, anon, api, bob, alice):
        status = create_status(alice, text="like me")
        row = deliver(anon, bob, like(status))
        assert row.state == "done"
        assert Favourite.objects.filter(account=bob, status=status).exists()
        client = api(scopes=["read"], user=alice)
        assert client.get(f"/api/v1/statuses/{ids.encode(status.pk)}").json()["favourites_count"] == 1
        notifications = client.get("/api/v1/notifications").json()
        assert [(n["type"], n["account"]["acct"]) for n in notifications] == [("favourite", "bob@remote.example")]
        accounts = client.get(f"/api/v1/statuses/{ids.encode(status.pk)}/favourited_by").json()
        assert [a["acct"] for a in accounts] == ["bob@remote.example"]

    def test_two_likes_of_the_same_status_are_one(self, anon, bob, alice):
        status = create_status(alice, text="like me")
        deliver(anon, bob, like(status, 1))
        assert deliver(anon, bob, like(status, 2)).state == "ignored"
        status.refresh_from_db()
        assert status.favourites_count == 1
        assert Notification.objects.filter(user=alice, type="favourite").count() == 1

    def test_a_like_of_an_unknown_object_is_ignored(self, anon, bob):
        row = deliver(anon, bob, {"id": f"{REMOTE}#likes/9", "type": "Like", "actor": REMOTE,
                                  "object": "https://x.example/objects/1"})
        assert row.state == "ignored"

    @pytest.mark.parametrize("embedded", [True, False])
    def test_undo_like_unfavourites(self, anon, bob, alice, embedded):
        status = create_status(alice, text="like me")
        activity = like(status)
        deliver(anon, bob, activity)
        row = deliver(anon, bob, undo(activity if embedded else activity["id"]))
        assert row.state == "done"
        status.refresh_from_db()
        assert status.favourites_count == 0
        assert not Favourite.objects.exists()
        assert not Notification.objects.filter(type="favourite").exists()

    def test_a_like_arriving_after_its_undo_is_dropped(self, anon, bob, alice):
        status = create_status(alice, text="like me")
        activity = like(status)
        assert deliver(anon, bob, undo(activity["id"])).state == "ignored"
        assert deliver(anon, bob, activity).state == "ignored"
        assert not Favourite.objects.exists()

    def test_an_undo_of_another_actors_like_is_refused(self, anon, bob, alice):
        carol = remote_account("carol", "https://remote.example/users/carol")
        status = create_status(alice, text="like me")
        activity = like(status, actor=carol.remote_ap_id)
        deliver(anon, carol, activity)
        row = deliver(anon, bob, undo(activity))
        assert row.state == "failed"
        assert Favourite.objects.filter(account=carol).exists()


def react(status, content, n=1, actor=REMOTE, **fields):
    return {"id": f"{actor}#reactions/{n}", "type": "EmojiReact", "actor": actor, "object": status.uri,
            "content": content, **fields}


class TestEmojiReact:
    """POST /inbox: EmojiReact, Misskey reactions, Undo{EmojiReact}"""

    def test_a_unicode_reaction_is_shown_and_notified(self, anon, api, bob, alice):
        status = create_status(alice, text="react")
        assert deliver(anon, bob, react(status, "❤")).state == "done"
        client = api(scopes=["read"], user=alice)
        body = client.get(f"/api/v1/statuses/{ids.encode(status.pk)}").json()
        assert [(r["name"], r["count"]) for r in body["pleroma"]["emoji_reactions"]] == [("❤️", 1)]
        notification = client.get("/api/v1/notifications").json()[0]
        assert (notification["type"], notification["emoji"]) == ("pleroma:emoji_reaction", "❤️")

    def test_a_custom_reaction_needs_its_emoji_tag(self, anon, api, bob, alice):
        status = create_status(alice, text="react")
        tag = [{"type": "Emoji", "name": ":blob:", "icon": {"type": "Image", "url": "https://remote.example/b.png"}}]
        assert deliver(anon, bob, react(status, ":blob:", tag=tag)).state == "done"
        assert deliver(anon, bob, react(status, ":nope:", n=2)).state == "failed"
        body = api(scopes=["read"]).get(f"/api/v1/statuses/{ids.encode(status.pk)}").json()
        assert [(r["name"], r["url"]) for r in body["pleroma"]["emoji_reactions"]] == [
            ("blob@remote.example", "https://remote.example/b.png")]

    def test_a_misskey_like_is_a_reaction_and_undo_removes_it(self, anon, api, bob, alice):
        status = create_status(alice, text="react")
        activity = {**like(status), "_misskey_reaction": "👍"}
        deliver(anon, bob, activity)
        assert not Favourite.objects.exists()
        client = api(scopes=["read"], user=alice)
        assert [r["name"] for r in client.get(f"/api/v1/statuses/{ids.encode(status.pk)}").json()[
            "pleroma"]["emoji_reactions"]] == ["👍"]
        assert deliver(anon, bob, undo(activity["id"])).state == "done"
        assert client.get(f"/api/v1/statuses/{ids.encode(status.pk)}").json()["pleroma"]["emoji_reactions"] == []
        assert client.get("/api/v1/notifications").json() == []


class TestAnnounce:
    """POST /inbox: Announce and Undo{Announce}"""

    def test_an_announce_of_a_local_status_is_a_remote_reblog(self, anon, api, bob, alice):
        follows.follow(alice, bob)
        follows.authorize_follow_request(bob, alice)  # bob's server accepted
        status = create_status(alice, text="boost me")
        activity = announce(status.uri)
        assert deliver(anon, bob, activity).state == "done"
        boost = Status.objects.get(reblog_of=status)
        assert (boost.account, boost.ap_id, boost.local, boost.visibility) == (bob, activity["id"], False, "public")
        client = api(scopes=["read"], user=alice)
        assert client.get(f"/api/v1/statuses/{ids.encode(status.pk)}").json()["reblogs_count"] == 1
        assert [n["type"] for n in client.get("/api/v1/notifications").json()] == ["reblog"]
        home = client.get("/api/v1/timelines/home").json()
        assert home[0]["reblog"]["id"] == ids.encode(status.pk)
        assert home[0]["account"]["acct"] == "bob@remote.example"

    def test_an_announce_of_an_unknown_note_fetches_it(self, anon, bob, peer):
        boosted = peer.serve(note("b1", actor=peer.carol.remote_ap_id))
        assert deliver(anon, bob, announce(boosted["id"])).state == "done"
        original = Status.objects.get(ap_id=boosted["id"])
        assert original.account == peer.carol
        assert Status.objects.get(reblog_of=original).account == bob

    def test_announcing_twice_is_one_reblog(self, anon, bob, alice):
        status = create_status(alice, text="boost me")
        deliver(anon, bob, announce(status.uri, 1))
        assert deliver(anon, bob, announce(status.uri, 2)).state == "ignored"
        status.refresh_from_db()
        assert status.reblogs_count == 1

    def test_a_private_status_cannot_be_announced(self, anon, bob, alice):
        status = create_status(alice, text="followers only", visibility="private")
        row = deliver(anon, bob, announce(status.uri))
        assert row.state == "failed"
        assert not Status.objects.filter(reblog_of=status).exists()

    @pytest.mark.parametrize("embedded", [True, False])
    def test_undo_announce_removes_the_reblog(self, anon, bob, alice, embedded):
        status = create_status(alice, text="boost me")
        activity = announce(status.uri)
        deliver(anon, bob, activity)
        assert deliver(anon, bob, undo(activity if embedded else activity["id"])).state == "done"
        assert not Status.objects.filter(reblog_of=status).exists()
        status.refresh_from_db()
        assert status.reblogs_count == 0
        assert not Notification.objects.filter(type="reblog").exists()


class TestBlock:
    """POST /inbox: Block and Undo{Block}"""

    def test_a_block_ends_the_follows_both_ways(self, anon, api, bob, alice):
        follows.follow(alice, bob)
        follows.authorize_follow_request(bob, alice)  # bob's server accepted
        follows.follow(bob, alice)
        activity = {"id": f"{REMOTE}#blocks/1", "type": "Block", "actor": REMOTE, "object": alice.ap_id}
        assert deliver(anon, bob, activity).state == "done"
        assert Block.objects.filter(blocker=bob, blocked=alice).exists()
        assert not Follow.objects.exists()
        relationship = api(scopes=["read"], user=alice).get(
            f"/api/v1/accounts/relationships?id[]={ids.encode(bob.pk)}").json()[0]
        assert (relationship["blocked_by"], relationship["following"], relationship["followed_by"]) == (
            True, False, False)

    def test_undo_block_lifts_it(self, anon, bob, alice):
        activity = {"id": f"{REMOTE}#blocks/1", "type": "Block", "actor": REMOTE, "object": alice.ap_id}
        deliver(anon, bob, activity)
        assert deliver(anon, bob, undo(activity["id"])).state == "done"
        assert not Block.objects.exists()

    def test_a_block_of_someone_not_ours_is_ignored(self, anon, bob):
        row = deliver(anon, bob, {"id": f"{REMOTE}#blocks/2", "type": "Block", "actor": REMOTE,
                                  "object": "https://x.example/users/z"})
        assert row.state == "ignored"

