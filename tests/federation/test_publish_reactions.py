"""Emoji reactions across servers (reference/federation.md §3.12): what a local reaction
writes to the outbox, and how received reactions show in the client API."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from core import ids
from emoji import services as emoji_services
from federation.models import OutgoingActivity
from relationships.models import Follow
from statuses.models import EmojiReaction
from statuses.services import create_status
from tests.factories import StatusFactory, UserFactory
from tests.federation.incoming import REMOTE, deliver, remote_account
from tests.federation.test_publish_audience import inboxes, outbox, remote


def reactions_url(status, emoji: str | None = None) -> str:
    base = f"/api/v1/pleroma/statuses/{ids.encode(status.pk)}/reactions"
    return base if emoji is None else f"{base}/{quote(emoji)}"


@pytest.fixture
def erin_status(db):
    erin = remote("erin", "three.example")
    return StatusFactory(account=erin, local=False, ap_id="https://three.example/objects/1")


@pytest.fixture
def reactor(api):
    client = api(scopes=["read", "write"])
    Follow.objects.create(follower=remote("bob", "one.example"), followed=client.user)
    return client


class TestReactToARemoteStatus:
    """PUT/DELETE /api/v1/pleroma/statuses/:id/reactions/:emoji"""

    def test_a_unicode_reaction_sends_emoji_react_then_undo(self, reactor, erin_status):
        assert reactor.put(reactions_url(erin_status, "❤")).status_code == 200
        (react,) = outbox("EmojiReact")
        assert react.payload["content"] == "❤️"
        assert react.payload["tag"] == []
        assert react.payload["object"] == "https://three.example/objects/1"
        assert react.payload["actor"] == reactor.user.ap_id
        assert react.payload["to"] == [f"{reactor.user.ap_id}/followers", erin_status.account.ap_id]
        assert inboxes(react) == {"https://three.example/inbox", "https://one.example/inbox"}
        # the same reaction again changes nothing and sends nothing
        assert reactor.put(reactions_url(erin_status, "❤️")).status_code == 200
        assert len(outbox("EmojiReact")) == 1
        assert reactor.delete(reactions_url(erin_status, "❤️")).status_code == 200
        (undo,) = outbox("Undo")
        assert undo.payload["object"]["type"] == "EmojiReact"
        assert undo.payload["object"]["id"] == react.payload["id"]
        assert undo.payload["object"]["content"] == "❤️"
        assert inboxes(undo) == inboxes(react)

    def test_a_custom_reaction_carries_exactly_one_emoji_tag(self, reactor, erin_status, data_dir, settings):
        settings.PLEROMA_URL = "http://localhost:4001"
        pack = emoji_services.create_pack("blobs")
        from tests.emoji.conftest import png

        emoji_services.add_file(pack, data=png(), filename="blobcat.png", shortcode="blobcat")
        assert reactor.put(reactions_url(erin_status, ":blobcat:")).status_code == 200
        (react,) = outbox("EmojiReact")
        image = "http://localhost:4001/emoji/blobs/blobcat.png"
        assert react.payload["content"] == ":blobcat:"
        assert react.payload["tag"] == [{"type": "Emoji", "id": image, "name": ":blobcat:",
                                         "icon": {"type": "Image", "url": image}}]

    def test_reacting_with_a_remote_custom_emoji_sends_its_remote_image(self, reactor, erin_status):
        EmojiReaction.objects.create(account=erin_status.account, status=erin_status, emoji="blob",
                                     emoji_url="https://three.example/emoji/blob.png")
        assert reactor.put(reactions_url(erin_status, ":blob@three.example:")).status_code == 200
        (react,) = outbox("EmojiReact")
        assert react.payload["content"] == ":blob:"
        assert [t["icon"]["url"] for t in react.payload["tag"]] == ["https://three.example/emoji/blob.png"]

    def test_a_refused_reaction_sends_nothing(self, reactor, erin_status):
        assert reactor.put(reactions_url(erin_status, ":nosuchemoji:")).status_code == 400
        assert reactor.delete(reactions_url(erin_status, "👍")).status_code == 400
        assert not OutgoingActivity.objects.exists()


class TestReactToALocalStatus:
    """PUT /api/v1/pleroma/statuses/:id/reactions/:emoji on a local status"""

    def test_the_reactors_remote_followers_hear_of_it(self, reactor):
        status = create_status(UserFactory(nickname="author"), text="hi")
        OutgoingActivity.objects.all().delete()
        assert reactor.put(reactions_url(status, "🔥")).status_code == 200
        (react,) = outbox("EmojiReact")
        assert react.payload["object"] == status.uri
        assert react.payload["context"]
        assert inboxes(react) == {"https://one.example/inbox"}

    def test_a_reaction_without_remote_audience_writes_no_outbox_row(self, api):
        status = create_status(UserFactory(nickname="author"), text="hi")
        OutgoingActivity.objects.all().delete()
        assert api(scopes=["write"]).put(reactions_url(status, "🔥")).status_code == 200
        assert not OutgoingActivity.objects.exists()

    def test_a_reaction_to_a_local_only_status_is_never_sent(self, reactor):
        status = create_status(UserFactory(nickname="author"), text="hi", visibility="local")
        assert reactor.put(reactions_url(status, "🔥")).status_code == 200
        assert not outbox("EmojiReact")


class TestReceivedReactionsInTheApi:
    """GET /api/v1/pleroma/statuses/:id/reactions after remote reactions arrived"""

    def test_remote_custom_emoji_show_their_remote_url(self, anon, api):
        bob = remote_account("bob", REMOTE)
        alice = UserFactory(nickname="alice")
        status = create_status(alice, text="react")
        tag = [{"type": "Emoji", "name": ":blob:", "icon": {"type": "Image", "url": "https://remote.example/b.png"}}]
        react = {"id": f"{REMOTE}#reactions/1", "type": "EmojiReact", "actor": REMOTE, "object": status.uri,
                 "content": ":blob:", "tag": tag}
        assert deliver(anon, bob, react).state == "done"
        # Misskey: a Like with `_misskey_reaction` ":name@.:" and the Emoji tag
        misskey = {"id": f"{REMOTE}#likes/2", "type": "Like", "actor": REMOTE, "object": status.uri,
                   "_misskey_reaction": ":party@.:",
                   "tag": [{"type": "Emoji", "name": ":party:",
                            "icon": {"type": "Image", "url": "https://remote.example/party.png"}}]}
        assert deliver(anon, bob, misskey).state == "done"
        body = api(scopes=["read"]).get(reactions_url(status)).json()
        assert [(r["name"], r["url"], r["count"]) for r in body] == [
            ("blob@remote.example", "https://remote.example/b.png", 1),
            ("party@remote.example", "https://remote.example/party.png", 1)]
        assert body[0]["accounts"][0]["acct"] == bob.acct
        one = api(scopes=["read"]).get(reactions_url(status, ":blob@remote.example:")).json()
        assert [r["url"] for r in one] == ["https://remote.example/b.png"]
