"""Mastodon.py against a running server: two users follow, post with an image, reply,
favourite, reblog, bookmark, read notifications and page through the home timeline."""

from __future__ import annotations

import io

from mastodon import Mastodon
from PIL import Image

from tests.factories import PASSWORD, UserFactory


def login(server, nickname: str) -> Mastodon:
    client_id, client_secret = Mastodon.create_app(
        f"e2e {nickname}", api_base_url=server.url, scopes=["read", "write", "follow", "push"])
    client = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=server.url,
                      version_check_mode="none")
    client.log_in(nickname, PASSWORD, scopes=["read", "write", "follow", "push"])
    return client


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 40)).save(out, format="PNG")
    return out.getvalue()


class TestTwoUsersWithMastodonPy:
    """statuses, media, timelines, favourites, reblogs, bookmarks, notifications"""

    def test_a_conversation_between_two_users(self, running_server):
        UserFactory(nickname="anna")
        UserFactory(nickname="ben")
        anna, ben = login(running_server, "anna"), login(running_server, "ben")
        anna_id = anna.me()["id"]

        relationship = ben.account_follow(anna_id)
        assert relationship["following"] is True

        media = anna.media_post(png(), mime_type="image/png", description="an orange square")
        assert media["type"] == "image"
        assert media["meta"]["original"]["width"] == 64
        post = anna.status_post("Hello @ben, look at this", media_ids=[media["id"]])
        assert post["media_attachments"][0]["description"] == "an orange square"
        assert [m["acct"] for m in post["mentions"]] == ["ben"]

        reply = ben.status_post("Lovely!", in_reply_to_id=post["id"])
        assert reply["in_reply_to_id"] == post["id"]
        context = anna.status_context(post["id"])
        assert [s["id"] for s in context["descendants"]] == [reply["id"]]

        assert ben.status_favourite(post["id"])["favourited"] is True
        reblog = ben.status_reblog(post["id"])
        assert reblog["reblog"]["id"] == post["id"]
        assert ben.status_bookmark(post["id"])["bookmarked"] is True
        assert [s["id"] for s in ben.bookmarks()] == [post["id"]]

        shown = anna.status(post["id"])
        assert shown["favourites_count"] == 1
        assert shown["reblogs_count"] == 1
        assert shown["replies_count"] == 1

        types = {n["type"] for n in anna.notifications()}
        assert {"follow", "favourite", "reblog", "mention"} <= types
        assert "mention" in {n["type"] for n in ben.notifications()}

        for i in range(7):
            anna.status_post(f"update {i}")
        seen = []
        page = ben.timeline_home(limit=3)
        while page:
            seen.extend(s["id"] for s in page)
            page = ben.fetch_next(page)
        assert len(seen) == len(set(seen))
        assert post["id"] in seen and reply["id"] in seen
        assert len(seen) >= 10  # 8 by anna, the reply, the reblog
        assert seen == sorted(seen, reverse=True)
