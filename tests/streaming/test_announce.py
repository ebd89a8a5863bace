"""What writes announce to the streaming servers: once, after commit, never for a rollback;
and the broker's two channels (Redis pub/sub, the SQLite event table)."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time

import pytest
import redis
from django.db import transaction

from relationships import follows
from statuses.services import create_status, delete_status
from streaming import broker
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def published(settings):
    """Reads what was published on the Redis channel since the fixture started."""
    client = redis.Redis.from_url(settings.REDIS_URL)
    pubsub = client.pubsub(ignore_subscribe_messages=True)
    pubsub.subscribe(broker.channel())
    while pubsub.get_message(timeout=0.2) is not None:
        pass

    def read() -> list[dict]:
        events = []
        while (message := pubsub.get_message(timeout=0.3)) is not None:
            events.append(json.loads(message["data"]))
        return events

    yield read
    pubsub.close()
    client.close()


class TestAnnouncements:
    def test_a_posted_status_is_announced_once_after_commit(self, published):
        author = UserFactory()
        with transaction.atomic():
            status = create_status(author, text="hello")
            assert published() == []  # not before the commit
        assert published() == [{"event": "status", "id": status.pk.hex}]

    def test_an_edit_is_announced_once_after_commit(self, published):
        from statuses.services import edit_status

        author = UserFactory()
        status = create_status(author, text="hello")
        published()
        with transaction.atomic():
            edit_status(author, status, text="hello again")
            assert published() == []
        assert published() == [{"event": "status.update", "id": status.pk.hex}]
        status.pinned_at = None
        status.save(update_fields=["pinned_at"])  # other saves announce nothing
        assert published() == []

    def test_a_rolled_back_post_announces_nothing(self, published):
        author = UserFactory()
        with pytest.raises(RuntimeError), transaction.atomic():
            create_status(author, text="never")
            raise RuntimeError
        assert published() == []

    def test_a_direct_status_also_announces_its_conversation(self, published):
        author, friend = UserFactory(), UserFactory(nickname="friend")
        status = create_status(author, text="@friend hi", visibility="direct")
        events = published()
        assert {"event": "status", "id": status.pk.hex} in events
        assert {"event": "conversation", "status": status.pk.hex, "context": status.context_id} in events
        assert {"event": "notification", "id": published_notification(friend), "user": friend.pk.hex} in events
        assert len(events) == 3

    def test_a_deletion_names_who_could_have_seen_it(self, published):
        author, friend = UserFactory(), UserFactory(nickname="friend")
        public = create_status(author, text="@friend #tea time")
        direct = create_status(author, text="@friend #secret", visibility="direct")
        published()
        delete_status(author, public)
        delete_status(author, direct)
        assert published() == [
            {"event": "delete", "id": ids_encode(public.pk), "account": author.pk.hex,
             "visibility": "public", "local": True, "reblog": False, "mentioned": [], "tags": ["tea"]},
            {"event": "delete", "id": ids_encode(direct.pk), "account": author.pk.hex,
             "visibility": "direct", "local": True, "reblog": False, "mentioned": [friend.pk.hex], "tags": []},
        ]

    def test_follows_announce_their_state(self, published):
        fan, star = UserFactory(), UserFactory(locked=True)
        follows.follow(fan, star)
        follows.authorize_follow_request(star, fan)
        follows.unfollow(fan, star)
        states = [e["state"] for e in published() if e["event"] == "follow"]
        assert states == ["follow_pending", "follow_accept", "unfollow"]


def published_notification(user) -> str:
    from notifications.models import Notification

    return Notification.objects.get(user=user).pk.hex


def ids_encode(pk) -> str:
    from core import ids

    return ids.encode(pk)


class TestSqliteChannel:
    """The embedded mode's channel: a table in the data dir, polled."""

    @pytest.fixture
    def embedded(self, settings, tmp_path):
        settings.REDIS_URL = ""
        settings.STREAMING_EVENTS_DB = tmp_path / "streaming.sqlite3"
        return settings.STREAMING_EVENTS_DB

    def test_listeners_get_what_is_published_after_they_start_in_order(self, embedded):
        broker.publish({"event": "before"})

        async def listen() -> list[dict]:
            ready = asyncio.Event()
            received = []

            async def consume():
                async for event in broker.listen(ready):
                    received.append(event)
                    if len(received) == 3:
                        return

            task = asyncio.create_task(consume())
            await ready.wait()
            for n in range(3):
                await asyncio.to_thread(broker.publish, {"event": "after", "n": n})
            await asyncio.wait_for(task, timeout=5)
            return received

        assert asyncio.run(listen()) == [{"event": "after", "n": n} for n in range(3)]

    def test_old_events_are_pruned(self, embedded):
        broker.publish({"event": "old"})
        conn = sqlite3.connect(embedded)
        conn.execute("UPDATE streaming_event SET created = ?", (time.time() - broker.KEEP_SECONDS - 1,))
        conn.commit()
        broker.publish({"event": "new"})
        broker.prune(conn)
        conn.commit()
        assert [r[0] for r in conn.execute("SELECT body FROM streaming_event")] == ['{"event":"new"}']
