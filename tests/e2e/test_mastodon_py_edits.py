"""Mastodon.py against a running server and a real Celery worker: edit a status (text, media descriptions, poll),
read its history and source, and the booster's `update` notification (a real worker)."""

from __future__ import annotations

import pytest
from mastodon import MastodonAPIError, MastodonNotFoundError

from tests.e2e.test_mastodon_py_statuses import login, png
from tests.factories import UserFactory


class TestEditingWithMastodonPy:
    """status_update, status_history, status_source"""

    def test_an_edited_status_keeps_its_history(self, running_server, celery_worker_process):
        UserFactory(nickname="edna")
        UserFactory(nickname="fred")
        edna, fred = login(running_server, "edna"), login(running_server, "fred")
        media = edna.media_post(png(), mime_type="image/png", description="first alt")
        post = edna.status_post("draft #one", media_ids=[media["id"]])
        fred.status_reblog(post["id"])

        edited = edna.status_update(post["id"], "final #two", spoiler_text="cw",
                                    media_attributes=[edna.generate_media_edit_attributes(
                                        media["id"], description="second alt")])
        assert edited["id"] == post["id"]
        assert "final" in edited["content"] and edited["edited_at"] is not None
        assert edited["spoiler_text"] == "cw"
        assert [t["name"] for t in edited["tags"]] == ["two"]
        assert edited["media_attachments"][0]["description"] == "second alt"
        assert fred.status(post["id"])["edited_at"] == edited["edited_at"]

        history = edna.status_history(post["id"])
        assert len(history) == 2
        assert "draft" in history[0]["content"] and "final" in history[1]["content"]
        assert history[0]["media_attachments"][0]["description"] == "first alt"
        assert history[0]["account"]["acct"] == "edna"
        assert history[0]["created_at"] < history[1]["created_at"]

        source = edna.status_source(post["id"])
        assert (source["text"], source["spoiler_text"]) == ("final #two", "cw")

        notification = celery_worker_process.wait_for(
            lambda: [n for n in fred.notifications() if n["type"] == "update"], timeout=30, interval=0.5)
        assert notification[0]["status"]["id"] == post["id"]

    def test_others_statuses_and_voted_polls_are_refused(self, running_server):
        UserFactory(nickname="gail")
        UserFactory(nickname="hank")
        gail, hank = login(running_server, "gail"), login(running_server, "hank")
        poll = gail.make_poll(["tea", "coffee"], expires_in=3600)
        post = gail.status_post("which?", poll=poll)
        with pytest.raises(MastodonNotFoundError):
            hank.status_update(post["id"], "mine now")
        hank.poll_vote(post["poll"]["id"], [0])
        with pytest.raises(MastodonAPIError, match="A poll that has votes cannot be changed"):
            gail.status_update(post["id"], "which?", poll=gail.make_poll(["milk", "juice"], expires_in=3600))
        kept = gail.status_update(post["id"], "which one?", poll=gail.make_poll(["tea", "coffee"], expires_in=3600))
        assert kept["poll"]["votes_count"] == 1
        assert [len(h["poll"]["options"]) for h in gail.status_history(post["id"])] == [2, 2]
