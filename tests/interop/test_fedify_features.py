"""Pleroma's features against a third-party server (Fedify, tests/interop/peer): emoji
reactions, quotes, moves and reports, both ways (reference/federation.md §3.12-3.14, §4.5,
§8.1 items 10, 14, 15 and 17). Where Fedify has no behaviour for an activity (EmojiReact,
Move, Flag) it still takes it: our delivery ends as done and nothing fails on either side."""

from __future__ import annotations

from urllib.parse import quote

from accounts.models import User
from core import ids
from federation.models import Delivery, IncomingActivity
from relationships.models import Follow
from tests.conftest import PASSWORD
from tests.factories import UserFactory
from tests.interop.conftest import OUR_HOST, PEER_HOST
from tests.interop.test_fedify import (
    AS,
    _activity,
    _create,
    _followed_by,
    _following,
    _local_id_of,
    _note,
    _post,
)

BOB = f"https://{OUR_HOST}/users/bob"
# The terms Fedify's JSON-LD processing must be told of to send them as given (without,
# it reads an EmojiReact as a plain Activity and drops quoteUrl)
REACT_CONTEXT = [AS, {"litepub": "http://litepub.social/ns#", "toot": "http://joinmastodon.org/ns#",
                      "EmojiReact": "litepub:EmojiReact", "Emoji": "toot:Emoji"}]
QUOTE_CONTEXT = [AS, {"quoteUrl": "as:quoteUrl"}]
FEP_044F = "https://w3id.org/fep/044f"
QUOTE_REQUEST_CONTEXT = [AS, {"QuoteRequest": f"{FEP_044F}#QuoteRequest",
                              "instrument": {"@id": "as:instrument", "@type": "@id"}}]


def _delivered(pleroma, fedify, kind: str) -> list[Delivery]:
    """Our deliveries of `kind`: each done with a 2xx from Fedify, whose inbox raised nothing."""
    pleroma.settle()
    rows = list(Delivery.objects.filter(activity__payload__type=kind))
    assert rows, f"no {kind} was sent\n{pleroma.diagnostics()}"
    assert [(row.state, row.last_status is not None and 200 <= row.last_status < 300) for row in rows] == [
        (Delivery.State.DONE, True)] * len(rows), [(r.inbox, r.state, r.last_status, r.last_error) for r in rows]
    posts = fedify.inbox_posts(kind)
    assert posts and all(200 <= post["status"] < 300 for post in posts), posts
    assert fedify.control("GET", "errors") == []
    return rows


def _nothing_failed_here() -> None:
    failed = IncomingActivity.objects.filter(state=IncomingActivity.State.FAILED)
    assert not failed.exists(), [(a.type, a.error) for a in failed]


def _posted(item: dict) -> dict:
    """What our server sent, as it sent it (Fedify's own compaction renames some terms)."""
    assert item["posted"] is not None, item
    return item["posted"]


def _tags(value) -> list[dict]:
    tags = value or []
    return tags if isinstance(tags, list) else [tags]


def _reactions(pleroma, token: str, status_id: str) -> list[dict]:
    response = pleroma.get(f"/api/v1/pleroma/statuses/{status_id}/reactions", token)
    assert response.status_code == 200, response.text
    return response.json()


def _their_note_we_have(pleroma, fedify, token: str, alice: dict, number: int, content: str) -> tuple[dict, str]:
    """(a note of the peer's actor, its id in our API): delivered to our follower bob."""
    note = _note(alice, number, content)
    fedify.send("alice", [BOB], _create(alice, note))
    return note, _local_id_of(pleroma, note["id"])


# --- emoji reactions ------------------------------------------------------------------------

class TestReactionsToFedify:
    """PUT/DELETE /api/v1/pleroma/statuses/:id/reactions/:emoji on a Fedify post"""

    def test_unicode_and_custom_reactions_and_their_undo_reach_fedify(self, pleroma, fedify, settings):
        from emoji import services as emoji_services
        from tests.emoji.conftest import png

        alice, token = _following(pleroma, fedify)
        note, status_id = _their_note_we_have(pleroma, fedify, token, alice, 1, "<p>react to me</p>")
        settings.EMOJI_DIR = pleroma.data_dir / "emoji"  # the server serves the file it names
        emoji_services.add_file(emoji_services.create_pack("blobs"), data=png(), filename="blobcat.png",
                                shortcode="blobcat")

        assert pleroma.request("PUT", f"/api/v1/pleroma/statuses/{status_id}/reactions/{quote('❤')}",
                               token).status_code == 200
        react = _posted(fedify.wait_received("EmojiReact", server=pleroma))
        assert (react["actor"], react["object"], react["content"]) == (BOB, note["id"], "❤️")
        assert _tags(react.get("tag")) == []

        assert pleroma.request("PUT", f"/api/v1/pleroma/statuses/{status_id}/reactions/:blobcat:",
                               token).status_code == 200
        custom = _posted(fedify.wait_received("EmojiReact", lambda item: item["id"] != react["id"], server=pleroma))
        image = f"https://{OUR_HOST}/emoji/blobs/blobcat.png"
        assert (custom["object"], custom["content"]) == (note["id"], ":blobcat:")
        assert _tags(custom["tag"]) == [{"type": "Emoji", "id": image, "name": ":blobcat:",
                                         "icon": {"type": "Image", "url": image}}]
        parsed = next(i for i in fedify.received("EmojiReact") if i["id"] == custom["id"])["activity"]
        assert ":blobcat:" in str(parsed.get("tag")), parsed  # Fedify read the Emoji tag too

        for emoji in (quote("❤️"), ":blobcat:"):
            assert pleroma.request("DELETE", f"/api/v1/pleroma/statuses/{status_id}/reactions/{emoji}",
                                   token).status_code == 200
        pleroma.settle()
        undone = {_posted(item)["object"]["id"]: _posted(item)["object"] for item in fedify.received("Undo")}
        assert set(undone) == {react["id"], custom["id"]}
        assert undone[custom["id"]]["content"] == ":blobcat:"
        assert all(inner["type"] == "EmojiReact" for inner in undone.values())
        # Fedify has no behaviour for EmojiReact: it takes it all the same
        _delivered(pleroma, fedify, "EmojiReact")
        _delivered(pleroma, fedify, "Undo")


class TestReactionsFromFedify:
    """EmojiReact, Misskey's Like with `_misskey_reaction` and their Undo from a Fedify actor"""

    def test_their_reaction_shows_on_our_post_and_its_undo_removes_it(self, pleroma, fedify):
        alice, token = _followed_by(pleroma, fedify)
        ours = _post(pleroma, token, "react here")
        react = _activity(alice, "EmojiReact", 1, ours["uri"], content="🔥", **{"@context": REACT_CONTEXT})
        fedify.send("alice", [BOB], react)  # serialised by Fedify's own vocabulary

        def shown():
            status = pleroma.get(f"/api/v1/statuses/{ours['id']}", token).json()
            return status["pleroma"]["emoji_reactions"]

        [entry] = pleroma.until(shown)
        assert (entry["name"], entry["count"], entry["me"]) == ("🔥", 1, False)
        [listed] = _reactions(pleroma, token, ours["id"])
        assert (listed["name"], listed["count"]) == ("🔥", 1)
        assert [a["acct"] for a in listed["accounts"]] == [f"alice@{PEER_HOST}"]
        notifications = pleroma.get("/api/v1/notifications", token, params={"types[]": "pleroma:emoji_reaction"})
        assert [(n["emoji"], n["account"]["acct"]) for n in notifications.json()] == [("🔥", f"alice@{PEER_HOST}")]

        fedify.send("alice", [BOB], _activity(alice, "Undo", 1, react, **{"@context": REACT_CONTEXT}))
        pleroma.until(lambda: shown() == [])
        assert _reactions(pleroma, token, ours["id"]) == []
        _nothing_failed_here()

    def test_a_misskey_like_with_a_reaction_is_a_reaction_not_a_favourite(self, pleroma, fedify):
        alice, token = _followed_by(pleroma, fedify)
        ours = _post(pleroma, token, "misskey style")
        like = _activity(alice, "Like", 1, ours["uri"], _misskey_reaction="🎉", content="🎉")
        [answer] = fedify.send_raw("alice", [BOB], like)  # Fedify's vocabulary has no _misskey_reaction
        assert 200 <= answer["status"] < 300, answer
        [entry] = pleroma.until(lambda: _reactions(pleroma, token, ours["id"]))
        assert (entry["name"], [a["acct"] for a in entry["accounts"]]) == ("🎉", [f"alice@{PEER_HOST}"])
        status = pleroma.get(f"/api/v1/statuses/{ours['id']}", token).json()
        assert status["favourites_count"] == 0
        legacy = _activity(alice, "Like", 2, ours["uri"], _misskey_reaction="pudding")
        assert 200 <= fedify.send_raw("alice", [BOB], legacy)[0]["status"] < 300
        pleroma.until(lambda: {e["name"] for e in _reactions(pleroma, token, ours["id"])} == {"🎉", "🍮"})
        _nothing_failed_here()

    def test_their_custom_emoji_reaction_shows_the_remote_image(self, pleroma, fedify):
        alice, token = _followed_by(pleroma, fedify)
        ours = _post(pleroma, token, "custom please")
        image = f"https://{PEER_HOST}/emoji/blobfox.png"
        react = _activity(alice, "EmojiReact", 1, ours["uri"], content=":blobfox:", tag=[
            {"type": "Emoji", "id": f"https://{PEER_HOST}/emoji/blobfox", "name": ":blobfox:",
             "icon": {"type": "Image", "mediaType": "image/png", "url": image}}], **{"@context": REACT_CONTEXT})
        fedify.send("alice", [BOB], react)
        [entry] = pleroma.until(lambda: _reactions(pleroma, token, ours["id"]))
        assert (entry["name"], entry["count"], entry["url"]) == (f"blobfox@{PEER_HOST}", 1, image)
        [shown] = pleroma.get(f"/api/v1/statuses/{ours['id']}", token).json()["pleroma"]["emoji_reactions"]
        assert (shown["name"], shown["url"]) == (f"blobfox@{PEER_HOST}", image)
        _nothing_failed_here()


# --- quotes ---------------------------------------------------------------------------------

class TestQuotesToFedify:
    """POST /api/v1/statuses with quote_id of a Fedify post"""

    def test_our_quote_carries_every_quote_field_and_reaches_fedify(self, pleroma, fedify):
        alice, token = _followed_by(pleroma, fedify)
        Follow.objects.create(follower=User.objects.get(nickname="bob"),
                              followed=User.objects.get(remote_ap_id=alice["id"]), state=Follow.State.ACCEPTED)
        note, status_id = _their_note_we_have(pleroma, fedify, token, alice, 1, "<p>quote me</p>")
        ours = _post(pleroma, token, "look at this", quote_id=status_id)
        assert ours["pleroma"]["quote"]["id"] == status_id
        create = fedify.wait_received("Create", lambda item: _posted(item)["object"]["id"] == ours["uri"],
                                      server=pleroma)
        sent = _posted(create)["object"]
        assert (sent["quoteUrl"], sent["quoteUri"], sent["_misskey_quote"]) == (note["id"],) * 3
        assert create["activity"]["object"].get("quoteUrl") == note["id"]  # Fedify read it as its quoteUrl
        assert sent["quote"] == note["id"]  # FEP-044f
        _delivered(pleroma, fedify, "Create")
        # FEP-044f asks the quoted author; Fedify has no behaviour for QuoteRequest and takes it
        [request] = _delivered(pleroma, fedify, "QuoteRequest")
        assert (request.activity.payload["object"], request.activity.payload["actor"]) == (note["id"], BOB)


class TestQuotesFromFedify:
    """A Fedify Note quoting our post: linked, and listed by GET /api/v1/pleroma/statuses/:id/quotes"""

    def test_each_quote_field_links_the_quote(self, pleroma, fedify):
        alice, token = _following(pleroma, fedify)
        ours = _post(pleroma, token, "quote this")
        # quoteUrl as Fedify's vocabulary writes it; _misskey_quote and FEP-044f `quote` as given
        by_quote_url = _note(alice, 1, "<p>via quoteUrl</p>", quoteUrl=ours["uri"])
        fedify.send("alice", [BOB], {**_create(alice, by_quote_url), "@context": QUOTE_CONTEXT})
        by_misskey = _note(alice, 2, "<p>via _misskey_quote</p>", _misskey_quote=ours["uri"])
        by_fep_044f = _note(alice, 3, "<p>via quote</p>", quote=ours["uri"])
        # FEP-044f asks first (a QuoteRequest naming the quoting note), then posts
        request = {"@context": QUOTE_REQUEST_CONTEXT, "id": f"{alice['id']}/quote_requests/1",
                   "type": "QuoteRequest", "actor": alice["id"], "object": ours["uri"],
                   "instrument": by_fep_044f["id"]}
        fedify.send("alice", [BOB], request)
        pleroma.settle()
        for note in (by_misskey, by_fep_044f):
            [answer] = fedify.send_raw("alice", [BOB], _create(alice, note))
            assert 200 <= answer["status"] < 300, answer
        quoting = {}
        for note in (by_quote_url, by_misskey, by_fep_044f):
            quoting[note["id"]] = _local_id_of(pleroma, note["id"])
            status = pleroma.get(f"/api/v1/statuses/{quoting[note['id']]}", token).json()
            assert status["pleroma"]["quote"] is not None, (note["id"], status["pleroma"])
            assert status["pleroma"]["quote"]["id"] == ours["id"]
            assert status["pleroma"]["quote_id"] == ours["id"]

        def listed():
            response = pleroma.get(f"/api/v1/pleroma/statuses/{ours['id']}/quotes", token)
            assert response.status_code == 200, response.text
            return {s["id"] for s in response.json()}

        pleroma.until(lambda: listed() == set(quoting.values()))
        assert pleroma.get(f"/api/v1/statuses/{ours['id']}", token).json()["pleroma"]["quotes_count"] == 3
        _nothing_failed_here()


# --- moves ----------------------------------------------------------------------------------

class TestMoveFromFedify:
    """Move from a Fedify actor to its other actor that lists it in alsoKnownAs"""

    def test_our_followers_who_allow_it_follow_the_new_actor(self, pleroma, fedify):
        old, token = _following(pleroma, fedify)
        new = fedify.create_actor("alice2", aliases=[old["id"]])
        stays = UserFactory(nickname="carol", allow_following_move=False)
        old_account = User.objects.get(remote_ap_id=old["id"])
        Follow.objects.create(follower=stays, followed=old_account, state=Follow.State.ACCEPTED)
        move = _activity(old, "Move", 1, old["id"], target=new["id"], to=[f"{old['id']}/followers"])
        fedify.send("alice", [BOB], move)

        follow = fedify.wait_received("Follow", lambda item: item["activity"]["object"] == new["id"],
                                      server=pleroma, timeout=15)
        assert follow["actor"] == BOB
        assert fedify.control("GET", "followers?identifier=alice2") == [BOB]
        new_account = pleroma.until(lambda: User.objects.filter(remote_ap_id=new["id"]).first())
        bob = User.objects.get(nickname="bob")
        pleroma.until(lambda: Follow.objects.filter(follower=bob, followed=new_account,
                                                    state=Follow.State.ACCEPTED).exists())
        assert not Follow.objects.filter(follower=bob, followed=old_account).exists()
        assert Follow.objects.filter(follower=stays, followed=old_account).exists()
        assert not Follow.objects.filter(follower=stays, followed=new_account).exists()
        assert User.objects.get(pk=old_account.pk).moved_to == new["id"]
        notifications = pleroma.get("/api/v1/notifications", token, params={"types[]": "move"}).json()
        assert [(n["account"]["acct"], (n.get("target") or {}).get("acct")) for n in notifications] == [
            (f"alice@{PEER_HOST}", f"alice2@{PEER_HOST}")]
        _nothing_failed_here()


class TestMoveToFedify:
    """POST /api/pleroma/move_account to a Fedify actor"""

    def test_the_move_reaches_the_fedify_follower_and_a_target_without_the_alias_is_refused(
            self, pleroma, fedify):
        _, token = _followed_by(pleroma, fedify, identifier="watcher")
        fedify.create_actor("stranger")
        refused = pleroma.post("/api/pleroma/move_account", token, data={
            "password": PASSWORD, "target_account": f"stranger@{PEER_HOST}"})
        assert refused.json() == {"error": "Target account must have the origin in `alsoKnownAs`"}
        assert User.objects.get(nickname="bob").moved_to in (None, "")

        target = fedify.create_actor("newbob", aliases=[BOB])
        response = pleroma.post("/api/pleroma/move_account", token, data={
            "password": PASSWORD, "target_account": f"newbob@{PEER_HOST}"})
        assert response.json() == {"status": "success"}, response.text
        move = fedify.wait_received("Move", server=pleroma)
        sent = _posted(move)
        assert (sent["actor"], sent["object"], sent["target"]) == (BOB, BOB, target["id"])
        assert sent["to"] == [f"{BOB}/followers"]
        assert move["recipient"] in ("watcher", None)
        assert len(fedify.inbox_posts("Move")) == 1  # the refused move sent nothing
        assert User.objects.get(nickname="bob").moved_to == target["id"]
        moved = pleroma.get("/api/v1/accounts/verify_credentials", token).json()["moved"]
        assert moved is not None and moved["acct"] == f"newbob@{PEER_HOST}"
        # Fedify has no behaviour for Move: it takes it all the same
        _delivered(pleroma, fedify, "Move")


# --- reports --------------------------------------------------------------------------------

class TestReportToFedify:
    """POST /api/v1/reports with forward=true on a Fedify account"""

    def test_a_flag_signed_by_our_instance_actor_reaches_fedify(self, pleroma, fedify, as_pleroma):
        from federation import documents

        alice, token = _following(pleroma, fedify)
        note, status_id = _their_note_we_have(pleroma, fedify, token, alice, 1, "<p>spam spam</p>")
        account_id = ids.encode(User.objects.get(remote_ap_id=alice["id"]).pk)
        response = pleroma.post("/api/v1/reports", token, json={
            "account_id": account_id, "status_ids": [status_id], "comment": "this is spam", "forward": True})
        assert response.status_code == 200, response.text
        assert response.json()["forwarded"] is True
        flag = fedify.wait_received("Flag", server=pleroma)
        # Fedify verified the signature: the key is our instance actor's, the actor too
        assert flag["actor"] == documents.instance_actor_id()
        sent = _posted(flag)
        assert sent["object"] == [alice["id"], note["id"]]
        assert sent["content"] == "this is spam"
        assert BOB not in str(sent)  # the reporter stays anonymous
        # Fedify has no behaviour for Flag: it takes it all the same
        _delivered(pleroma, fedify, "Flag")

        unforwarded = pleroma.post("/api/v1/reports", token, json={"account_id": account_id, "comment": "again"})
        assert unforwarded.json()["forwarded"] is False
        pleroma.settle()
        assert len(fedify.inbox_posts("Flag")) == 1


class TestReportFromFedify:
    """A Flag from Fedify about our user"""

    def test_it_becomes_a_report_in_the_admin_api(self, pleroma, fedify):
        alice, token = _followed_by(pleroma, fedify)
        ours = _post(pleroma, token, "a reported post")
        UserFactory(nickname="admin", is_admin=True)
        admin_token = pleroma.token("admin", scopes="admin:read:reports")
        flag = _activity(alice, "Flag", 1, [BOB, ours["uri"]], content="bob is rude")
        fedify.send("alice", [BOB], flag)

        def reports():
            response = pleroma.get("/api/v1/pleroma/admin/reports", admin_token)
            assert response.status_code == 200, response.text
            return response.json()["reports"]

        [report] = pleroma.until(reports)
        assert report["content"] == "bob is rude"
        assert report["state"] == "open"
        assert (report["account"]["nickname"], report["account"]["local"]) == ("bob", True)
        assert (report["actor"]["acct"], report["actor"]["local"]) == (f"alice@{PEER_HOST}", False)
        assert [s["id"] for s in report["statuses"]] == [ours["id"]]
        admin_notifications = pleroma.get("/api/v1/notifications", pleroma.token("admin"),
                                          params={"types[]": "admin.report"}).json()
        assert [(n["report"]["id"], n["report"]["forwarded"]) for n in admin_notifications] == [
            (report["id"], False)]
        _nothing_failed_here()
