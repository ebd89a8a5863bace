"""Create{Note} received in an inbox and processed by the worker (reference/federation.md
§3.6, §3.9, §4.2-4.6): remote statuses with their content, addressing, thread, mentions,
tags, emoji, media and quotes, as the client API shows them."""

from __future__ import annotations

import pytest

from core import ids
from federation.models import IncomingActivity
from notifications.models import Notification
from statuses.models import MediaAttachment, Mention, Status
from statuses.services import create_status
from tests.factories import UserFactory
from tests.federation.incoming import (
    FOLLOWERS,
    PUBLIC,
    REMOTE,
    create,
    deliver,
    note,
    remote_account,
)


@pytest.fixture
def bob(db):
    return remote_account("bob", REMOTE)


class TestCreateNote:
    """POST /inbox: Create{Note}"""

    def test_a_public_note_becomes_a_remote_status_shown_by_the_api(self, anon, api, bob):
        obj = note(1, content='<p>hi <script>alert(1)</script><b onclick="x()">there</b></p>',
                   url="https://remote.example/@bob/1", summary="cw", sensitive=True,
                   contentMap={"fr": "x"}, **{"@context": [{"@language": "de"}]})
        row = deliver(anon, bob, create(obj))
        assert row.state == "done"
        status = Status.objects.get(ap_id=obj["id"])
        assert (status.account, status.local, status.visibility) == (bob, False, "public")
        body = api(scopes=["read"]).get(f"/api/v1/statuses/{ids.encode(status.pk)}").json()
        assert body["uri"] == obj["id"]
        assert body["url"] == "https://remote.example/@bob/1"
        assert body["account"]["acct"] == "bob@remote.example"
        assert "script" not in body["content"] and "onclick" not in body["content"]
        assert "<b>there</b>" in body["content"]
        assert (body["spoiler_text"], body["sensitive"], body["language"]) == ("cw", True, "de")
        assert body["pleroma"]["local"] is False
        bob.refresh_from_db()
        assert bob.statuses_count == 1

    @pytest.mark.parametrize(("to", "cc", "visibility"), [
        ([PUBLIC], [FOLLOWERS], "public"),
        ([FOLLOWERS], [PUBLIC], "unlisted"),
        ([FOLLOWERS], [], "private"),
        ([], [FOLLOWERS], "private"),
        (["http://testserver/users/alice"], [], "direct"),
        ([], [], "direct"),
    ])
    def test_visibility_comes_from_the_addressing(self, anon, bob, to, cc, visibility):
        UserFactory(nickname="alice")
        deliver(anon, bob, create(note(1, to=to, cc=cc)))
        assert Status.objects.get().visibility == visibility

    def test_a_direct_note_is_seen_by_the_addressed_local_account_only(self, anon, api, bob, settings):
        alice = UserFactory(nickname="alice")
        obj = note(1, to=[alice.ap_id], cc=[],
                   tag=[{"type": "Mention", "href": alice.ap_id, "name": "@alice"}])
        deliver(anon, bob, create(obj))
        status = Status.objects.get()
        path = f"/api/v1/statuses/{ids.encode(status.pk)}"
        assert api(scopes=["read"], user=alice).get(path).status_code == 200
        assert api(scopes=["read"]).get(path).status_code == 404
        assert anon.get(path).status_code == 404

    def test_a_direct_note_opens_a_conversation_for_its_local_recipient(self, anon, api, bob):
        alice = UserFactory(nickname="alice")
        obj = note(1, to=[alice.ap_id], cc=[],
                   tag=[{"type": "Mention", "href": alice.ap_id, "name": "@alice"}])
        deliver(anon, bob, create(obj))
        conversations = api(scopes=["read"], user=alice).get("/api/v1/conversations").json()
        assert [(c["last_status"]["uri"], c["unread"]) for c in conversations] == [(obj["id"], True)]
        assert [a["acct"] for a in conversations[0]["accounts"]] == ["bob@remote.example"]

    def test_mentions_of_local_accounts_are_stored_and_notified(self, anon, api, bob):
        alice = UserFactory(nickname="alice")
        obj = note(1, tag=[{"type": "Mention", "href": alice.ap_id, "name": "@alice"},
                           {"type": "Mention", "href": "https://x.example/users/zed", "name": "@zed@x.example"}])
        zed = remote_account("zed", "https://x.example/users/zed")
        deliver(anon, bob, create(obj))
        status = Status.objects.get()
        assert set(Mention.objects.filter(status=status).values_list("account", flat=True)) == {alice.pk, zed.pk}
        body = api(scopes=["read"]).get(f"/api/v1/statuses/{ids.encode(status.pk)}").json()
        assert sorted((m["acct"], m["url"]) for m in body["mentions"]) == [
            ("alice", alice.ap_id), ("zed@x.example", "https://x.example/users/zed")]
        assert not Notification.objects.filter(user=zed).exists()
        notifications = api(scopes=["read"], user=alice).get("/api/v1/notifications").json()
        assert [(n["type"], n["account"]["acct"], n["status"]["uri"]) for n in notifications] == [
            ("mention", "bob@remote.example", obj["id"])]

    def test_hashtags_and_custom_emoji_are_kept(self, anon, api, bob):
        obj = note(1, content="<p>:blobcat: <a href='x' class='hashtag'>#Cats</a></p>", tag=[
            {"type": "Hashtag", "name": "#Cats", "href": "https://remote.example/tags/cats"},
            {"type": "Emoji", "name": ":blobcat:", "icon": {"type": "Image", "url": "https://remote.example/e/b.png"}},
            {"type": "Emoji", "name": ":evil:", "icon": {"type": "Image", "url": "javascript:alert(1)"}},
        ])
        deliver(anon, bob, create(obj))
        body = api(scopes=["read"]).get("/api/v1/timelines/tag/cats").json()
        assert [s["uri"] for s in body] == [obj["id"]]
        assert body[0]["tags"][0]["name"] == "cats"
        assert body[0]["emojis"] == [{"shortcode": "blobcat", "url": "https://remote.example/e/b.png",
                                      "static_url": "https://remote.example/e/b.png", "visible_in_picker": False}]

    def test_attachments_are_hotlinked_remote_media(self, anon, api, bob):
        obj = note(1, attachment=[
            {"type": "Document", "mediaType": "image/jpeg", "url": "https://remote.example/m/cat.jpg",
             "name": "a cat", "blurhash": "LEHV6nWB2yk8", "width": 1280, "height": 960},
            {"type": "Video", "url": [{"type": "Link", "href": "https://remote.example/m/v.mp4",
                                       "mediaType": "video/mp4"}]},
            {"type": "Document", "mediaType": "image/png"},  # no url: dropped
            {"type": "Document", "url": "file:///etc/passwd"},  # not http(s): dropped
        ])
        deliver(anon, bob, create(obj))
        status = Status.objects.get()
        media = api(scopes=["read"]).get(f"/api/v1/statuses/{ids.encode(status.pk)}").json()["media_attachments"]
        assert [(m["type"], m["url"], m["remote_url"], m["description"], m["blurhash"]) for m in media] == [
            ("image", "https://remote.example/m/cat.jpg", "https://remote.example/m/cat.jpg", "a cat", "LEHV6nWB2yk8"),
            ("video", "https://remote.example/m/v.mp4", "https://remote.example/m/v.mp4", None, None)]
        assert media[0]["meta"]["original"]["width"] == 1280
        assert MediaAttachment.objects.filter(status=status, account=bob).count() == 2

    def test_an_article_is_kept_as_a_note(self, anon, bob):
        obj = {**note(1), "type": "Article", "name": "Title", "content": "<p>Body</p>"}
        deliver(anon, bob, create(obj))
        assert Status.objects.get().content == "<p>Body</p>"

    def test_other_object_types_are_ignored(self, anon, bob):
        row = deliver(anon, bob, create({**note(1), "type": "Tombstone"}))
        assert row.state == "ignored"
        assert not Status.objects.exists()

    def test_a_reply_to_a_local_status_threads_and_counts(self, anon, api, bob):
        alice = UserFactory(nickname="alice")
        parent = create_status(alice, text="root")
        obj = note(1, inReplyTo=parent.uri, tag=[{"type": "Mention", "href": alice.ap_id}])
        deliver(anon, bob, create(obj))
        reply = Status.objects.get(ap_id=obj["id"])
        assert (reply.in_reply_to, reply.in_reply_to_account, reply.context_id) == (parent, alice, parent.context_id)
        parent.refresh_from_db()
        assert parent.replies_count == 1
        context = api(scopes=["read"], user=alice).get(f"/api/v1/statuses/{ids.encode(parent.pk)}/context").json()
        assert [s["uri"] for s in context["descendants"]] == [obj["id"]]
        assert Notification.objects.filter(user=alice, type="mention").count() == 1

    def test_a_quote_of_a_known_status_is_linked(self, anon, bob):
        alice = UserFactory(nickname="alice")
        quoted = create_status(alice, text="quote me")
        deliver(anon, bob, create(note(1, quoteUrl=quoted.uri)))
        assert Status.objects.get(ap_id=note(1)["id"]).quote == quoted
        quoted.refresh_from_db()
        assert quoted.quotes_count == 1

    def test_replies_whose_parent_never_came_join_by_context(self, anon, bob):
        thread = "https://remote.example/contexts/9"
        missing = "https://remote.example/objects/gone"  # not fetchable: remote.example does not resolve
        deliver(anon, bob, create(note(1, inReplyTo=missing, context=thread)))
        deliver(anon, bob, create(note(2, inReplyTo=missing, context=thread)))
        first, second = Status.objects.order_by("id")
        assert first.in_reply_to is None and first.context_id == second.context_id is not None


class TestReplyParents:
    """Missing reply parents fetched by signed GETs, up to PLEROMA_FEDERATION_MAX_REPLY_DEPTH"""

    def _chain(self, peer, length: int) -> list[dict]:
        carol = peer.carol.remote_ap_id
        notes = []
        for n in range(length):
            parent = notes[-1]["id"] if notes else None
            notes.append(peer.serve(note(f"p{n}", actor=carol, inReplyTo=parent)))
        return notes

    def test_missing_parents_are_fetched_and_threaded(self, anon, api, bob, peer):
        chain = self._chain(peer, 3)
        reply = note(1, inReplyTo=chain[-1]["id"])
        row = deliver(anon, bob, create(reply))
        assert row.state == "done"
        stored = {s.ap_id: s for s in Status.objects.all()}
        assert set(stored) == {n["id"] for n in chain} | {reply["id"]}
        assert stored[reply["id"]].in_reply_to == stored[chain[2]["id"]]
        assert stored[chain[1]["id"]].in_reply_to == stored[chain[0]["id"]]
        assert len({s.context_id for s in stored.values()}) == 1
        assert stored[chain[2]["id"]].replies_count == 1
        assert all("signature" in {k.lower() for k in headers} for _, headers in peer.requests)
        root = stored[chain[0]["id"]]
        context = api(scopes=["read"]).get(f"/api/v1/statuses/{ids.encode(root.pk)}/context").json()
        assert [s["uri"] for s in context["descendants"]] == [chain[1]["id"], chain[2]["id"], reply["id"]]

    def test_a_chain_deeper_than_the_limit_is_refused_with_nothing_stored(self, anon, bob, peer, settings):
        settings.FEDERATION_MAX_REPLY_DEPTH = 2
        chain = self._chain(peer, 3)
        row = deliver(anon, bob, create(note(1, inReplyTo=chain[-1]["id"])))
        assert row.state == "failed"
        assert "deeper than 2" in row.error
        assert not Status.objects.exists()

    def test_a_chain_within_the_limit_is_stored(self, anon, bob, peer, settings):
        settings.FEDERATION_MAX_REPLY_DEPTH = 3
        chain = self._chain(peer, 3)
        assert deliver(anon, bob, create(note(1, inReplyTo=chain[-1]["id"]))).state == "done"
        assert Status.objects.count() == 4

    def test_a_quoted_note_this_server_lacks_is_fetched(self, anon, api, bob, peer):
        quoted = peer.serve(note("q", actor=peer.carol.remote_ap_id, content="<p>quoted</p>"))
        deliver(anon, bob, create(note(1, quoteUrl=quoted["id"])))
        status = Status.objects.get(ap_id=note(1)["id"])
        assert status.quote == Status.objects.get(ap_id=quoted["id"])
        body = api(scopes=["read"]).get(f"/api/v1/statuses/{ids.encode(status.pk)}").json()
        assert body["pleroma"]["quote"]["content"] == "<p>quoted</p>"
        assert body["pleroma"]["quote"]["account"]["acct"] == peer.carol.nickname

    def test_a_fetched_parent_naming_another_id_is_not_stored(self, anon, bob, peer):
        alias = f"{peer.base}/@carol/1"
        peer.documents["/@carol/1"] = note("real", actor=peer.carol.remote_ap_id)
        deliver(anon, bob, create(note(1, inReplyTo=alias)))
        assert list(Status.objects.values_list("ap_id", flat=True)) == [note(1)["id"]]

    def test_a_quote_that_cannot_be_fetched_stays_a_link(self, anon, bob, peer):
        deliver(anon, bob, create(note(1, quoteUrl=f"{peer.base}/objects/missing")))
        assert Status.objects.get().quote is None

    def test_a_fetched_parent_on_another_host_than_its_author_is_not_stored(self, anon, bob, peer):
        forged = peer.serve({**note("f", actor=peer.carol.remote_ap_id), "attributedTo": REMOTE})
        deliver(anon, bob, create(note(1, inReplyTo=forged["id"])))
        assert list(Status.objects.values_list("ap_id", flat=True)) == [note(1)["id"]]
        assert Status.objects.get().in_reply_to is None


class TestCreateChecks:
    """Create activities refused with nothing stored (§3.3, §3.4)"""

    def test_an_object_on_another_host_than_the_actor_is_refused(self, anon, bob):
        obj = note(1, actor="https://other.example/users/eve")
        obj["attributedTo"] = REMOTE
        row = deliver(anon, bob, create(obj, n=1))
        assert row.state == "failed"
        assert row.error == "rejected: Object id and actor are on different hosts"
        assert not Status.objects.exists()

    def test_an_object_attributed_to_someone_else_is_refused(self, anon, bob):
        obj = {**note(1), "attributedTo": "https://remote.example/users/carol"}
        row = deliver(anon, bob, create(obj))
        assert row.state == "failed"
        assert not Status.objects.exists()

    def test_the_same_create_twice_is_one_status(self, anon, bob):
        activity = create(note(1))
        deliver(anon, bob, activity)
        deliver(anon, bob, activity)
        assert IncomingActivity.objects.count() == 1
        assert Status.objects.count() == 1

    def test_the_same_object_in_two_creates_is_one_status(self, anon, api, bob):
        alice = UserFactory(nickname="alice")
        obj = note(1, tag=[{"type": "Mention", "href": alice.ap_id}])
        deliver(anon, bob, create(obj, n="a"))
        second = deliver(anon, bob, create(obj, n="b"))
        assert second.state == "ignored"
        assert Status.objects.count() == 1
        assert Notification.objects.filter(user=alice).count() == 1
        bob.refresh_from_db()
        assert bob.statuses_count == 1

    def test_content_over_the_remote_limit_is_refused(self, anon, bob):
        row = deliver(anon, bob, create(note(1, content="<p>" + "a" * 100_001 + "</p>")))
        assert row.state == "failed"
        assert not Status.objects.exists()
