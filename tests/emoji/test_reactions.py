"""Emoji reactions: PUT/DELETE/GET /api/v1/pleroma/statuses/:id/reactions[/:emoji]."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import ids
from notifications.models import Notification
from relationships.models import Block, Mute
from statuses import services as statuses
from statuses.models import EmojiReaction
from tests.factories import UserFactory


def url(status, emoji=None):
    base = f"/api/v1/pleroma/statuses/{ids.encode(status.pk)}/reactions"
    return base if emoji is None else f"{base}/{quote(emoji)}"


@pytest.fixture
def author(db):
    return UserFactory(nickname="author")


@pytest.fixture
def status(author):
    return statuses.create_status(author, text="react to me")


@pytest.fixture
def dinosaur(make_pack, settings):
    settings.PLEROMA_URL = "http://localhost:4001"
    make_pack("dinos", {"dinosaur": "dino walking.png"})


def reactions_of(body):
    return body["pleroma"]["emoji_reactions"]


class TestReact:
    """PUT /api/v1/pleroma/statuses/:id/reactions/:emoji"""

    def test_reacts_with_a_fully_qualified_unicode_emoji(self, api, status):
        other = api(scopes=["write:statuses"])
        EmojiReaction.objects.create(account=other.user, status=status, emoji="👍")
        response = other.put(url(status, "\u26a0"))
        assert response.status_code == 200
        other_id = ids.encode(other.user.pk)
        assert reactions_of(response.json()) == [
            {"name": "👍", "count": 1, "me": True, "url": None, "account_ids": [other_id]},
            {"name": "\u26a0\ufe0f", "count": 1, "me": True, "url": None, "account_ids": [other_id]}]
        assert EmojiReaction.objects.filter(emoji="\u26a0\ufe0f").count() == 1

    def test_reacts_with_a_custom_emoji_of_this_instance(self, api, status, dinosaur):
        client = api(scopes=["write"])
        response = client.put(url(status, ":dinosaur:"))
        assert response.status_code == 200
        assert reactions_of(response.json()) == [{
            "name": "dinosaur", "count": 1, "me": True,
            "url": "http://localhost:4001/emoji/dinos/dino walking.png",
            "account_ids": [ids.encode(client.user.pk)]}]
        assert client.put(url(status, "dinosaur")).status_code == 200
        assert EmojiReaction.objects.count() == 1

    def test_accepts_a_single_regional_indicator_and_flags(self, api, status):
        client = api()
        assert client.put(url(status, "🇦")).status_code == 200
        assert client.put(url(status, "🇺🇸")).status_code == 200
        assert [r["name"] for r in reactions_of(client.get(f"/api/v1/statuses/{ids.encode(status.pk)}").json())] \
            == ["🇦", "🇺🇸"]

    @pytest.mark.parametrize("emoji", ["x", "👍👍", "nope", ":wow@remote:", "a b", "."])
    def test_refuses_what_is_not_an_emoji_here(self, api, status, emoji, data_dir):
        response = api().put(url(status, emoji))
        assert response.status_code == 400
        assert response.json() == {"error": "Could not add reaction emoji"}
        assert not EmojiReaction.objects.exists()

    def test_reuses_a_remote_emoji_already_on_the_status(self, api, status, author):
        other = UserFactory()
        EmojiReaction.objects.create(account=other, status=status, emoji="wow",
                                     emoji_url="https://remote/emoji/wow")
        client = api(user=author)
        response = client.put(url(status, ":wow@remote:"))
        assert response.status_code == 200
        assert reactions_of(response.json()) == [{
            "name": "wow@remote", "count": 2, "me": True, "url": "https://remote/emoji/wow",
            "account_ids": [ids.encode(author.pk), ids.encode(other.pk)]}]

    def test_is_idempotent_and_notifies_the_author_once(self, api, status, author, dinosaur):
        client = api()
        client.put(url(status, "☕"))
        client.put(url(status, "☕"))
        client.put(url(status, "dinosaur"))
        notes = Notification.objects.filter(user=author, type="pleroma:emoji_reaction").order_by("id")
        assert [(n.emoji, n.emoji_url) for n in notes] == [
            ("☕", None), (":dinosaur:", "http://localhost:4001/emoji/dinos/dino walking.png")]
        assert all(n.account_id == client.user.pk for n in notes)

    def test_does_not_notify_for_own_status(self, api, status, author):
        api(user=author).put(url(status, "☕"))
        assert not Notification.objects.exists()

    def test_refuses_invisible_and_unknown_statuses(self, api, author):
        secret = statuses.create_status(author, text="dm", visibility="direct")
        response = api().put(url(secret, "☕"))
        assert response.status_code == 404
        assert response.json() == {"error": "Record not found"}
        response = api().put("/api/v1/pleroma/statuses/nonexistent/reactions/☕")
        assert response.status_code == 404

    def test_needs_write_statuses(self, api, status):
        response = api(scopes=["read"]).put(url(status, "☕"))
        assert response.status_code == 403
        assert response.json() == {"error": "Insufficient permissions: write:statuses."}
        response = api(anonymous=True).put(url(status, "☕"))
        assert response.status_code == 403
        assert response.json() == {"error": "Invalid credentials."}


class TestUnreact:
    """DELETE /api/v1/pleroma/statuses/:id/reactions/:emoji"""

    def test_removes_only_the_callers_reaction_and_its_notification(self, api, status, author, dinosaur):
        other = api()
        EmojiReaction.objects.create(account=author, status=status, emoji="wow",
                                     emoji_url="https://remote/emoji/wow")
        for emoji in ("☕", ":dinosaur:", ":wow@remote:"):
            assert other.put(url(status, emoji)).status_code == 200
        assert other.delete(url(status, "☕")).status_code == 200
        assert other.delete(url(status, ":dinosaur:")).status_code == 200
        response = other.delete(url(status, ":wow@remote:"))
        assert response.status_code == 200
        assert reactions_of(response.json()) == [{
            "name": "wow@remote", "count": 1, "me": False, "url": "https://remote/emoji/wow",
            "account_ids": [ids.encode(author.pk)]}]
        assert not Notification.objects.filter(type="pleroma:emoji_reaction").exists()

    def test_unqualified_spelling_removes_the_qualified_reaction(self, api, status):
        client = api()
        client.put(url(status, "\u26a0\ufe0f"))
        assert client.delete(url(status, "\u26a0")).status_code == 200
        assert not EmojiReaction.objects.exists()

    def test_refuses_a_reaction_the_caller_did_not_add(self, api, status):
        EmojiReaction.objects.create(account=UserFactory(), status=status, emoji="☕")
        response = api().delete(url(status, "☕"))
        assert response.status_code == 400
        assert response.json() == {"error": "Could not remove reaction emoji"}
        assert api().delete(url(status, ":zoop@remote:")).json() == {"error": "Could not remove reaction emoji"}
        assert EmojiReaction.objects.count() == 1


class TestListReactions:
    """GET /api/v1/pleroma/statuses/:id/reactions and .../reactions/:emoji"""

    def test_lists_entries_in_first_use_order_with_newest_reactors_first(self, api, anon, status):
        alice, bob = api(), api()
        alice.put(url(status, "😀"))
        bob.put(url(status, "☕"))
        bob.put(url(status, "😀"))
        body = alice.get(url(status)).json()
        assert [(e["name"], e["count"], e["me"], e["url"]) for e in body] == [
            ("😀", 2, True, None), ("☕", 1, False, None)]
        assert [a["id"] for a in body[0]["accounts"]] == [ids.encode(bob.user.pk), ids.encode(alice.user.pk)]
        assert [e["me"] for e in anon.get(url(status)).json()] == [False, False]

    def test_filters_one_emoji_with_the_same_normalisation_as_put(self, api, status, dinosaur):
        client = api()
        client.put(url(status, "\u26a0"))
        client.put(url(status, "dinosaur"))
        assert [e["name"] for e in client.get(url(status, "\u26a0")).json()] == ["\u26a0\ufe0f"]
        assert [e["name"] for e in client.get(url(status, ":dinosaur:")).json()] == ["dinosaur"]
        assert client.get(url(status, "🎅")).json() == []

    def test_hides_blocked_and_muted_reactors_unless_with_muted(self, api, status):
        viewer, blocked, muted = api(), api(), api()
        for client in (viewer, blocked, muted):
            client.put(url(status, "😀"))
        Block.objects.create(blocker=viewer.user, blocked=blocked.user)
        Mute.objects.create(muter=viewer.user, muted=muted.user)
        assert viewer.get(url(status)).json()[0]["count"] == 1
        assert viewer.get(url(status), {"with_muted": "true"}).json()[0]["count"] == 2
        entity = viewer.get(f"/api/v1/statuses/{ids.encode(status.pk)}").json()
        assert reactions_of(entity)[0]["account_ids"] == [ids.encode(viewer.user.pk)]

    def test_leaves_out_deactivated_reactors(self, api, status):
        gone, stays = api(), api()
        gone.put(url(status, "😀"))
        stays.put(url(status, "😀"))
        gone.user.is_active = False
        gone.user.save()
        body = stays.get(url(status)).json()
        assert body[0]["count"] == 1
        assert [a["id"] for a in body[0]["accounts"]] == [ids.encode(stays.user.pk)]

    def test_answers_an_empty_list_for_unknown_or_invisible_statuses(self, anon, author, status):
        assert anon.get(url(status)).json() == []
        secret = statuses.create_status(author, text="dm", visibility="direct")
        EmojiReaction.objects.create(account=author, status=secret, emoji="😀")
        assert anon.get(url(secret)).json() == []
        assert anon.get("/api/v1/pleroma/statuses/unknown/reactions").json() == []

    def test_a_token_without_read_statuses_is_treated_as_anonymous(self, api, status):
        client = api(scopes=["write"])
        client.put(url(status, "😀"))
        assert client.get(url(status)).json()[0]["me"] is False


class TestReactionsOnTimelines:
    """pleroma.emoji_reactions on GET /api/v1/timelines/public"""

    @staticmethod
    def _count(client):
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/api/v1/timelines/public", {"limit": 40})
        assert response.status_code == 200
        return len(queries), response.json()

    def test_uses_a_constant_number_of_queries_per_page(self, api, author):
        viewer = api()
        reactors = [UserFactory() for _ in range(3)]
        first = statuses.create_status(author, text="first")
        for reactor in reactors:
            EmojiReaction.objects.create(account=reactor, status=first, emoji="😀")
        small, body = self._count(viewer)
        assert reactions_of(body[0])[0]["count"] == 3
        for i in range(20):
            extra = statuses.create_status(author, text=f"status {i}")
            for reactor in reactors:
                EmojiReaction.objects.create(account=reactor, status=extra, emoji="☕")
        cache.clear()  # both pages cold: the viewer's filters are loaded again too
        large, body = self._count(viewer)
        assert len(body) == 21
        assert large == small
