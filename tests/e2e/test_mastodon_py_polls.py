"""Mastodon.py against a running server and a real Celery worker: a poll posted, voted on
and closed at its expiry (poll notifications), and a scheduled post published on time."""

from __future__ import annotations

import os
import re
import time
from datetime import UTC, datetime, timedelta

import pytest

from core import ids
from statuses import tasks
from tests.e2e.servers import _make_server, database_url
from tests.e2e.test_mastodon_py_statuses import login
from tests.factories import UserFactory

LEAD_SECONDS = 2


@pytest.fixture(scope="module")
def _scheduling_server(django_db_setup, tmp_path_factory):
    """A server whose scheduled statuses need only a short lead time (default: 5 minutes)."""
    from django.conf import settings
    from django.db import connection

    server = _make_server(
        tmp_path_factory.mktemp("servers"), "scheduling", database_url(connection.settings_dict),
        REDIS_URL=os.environ.get("REDIS_URL", ""), SECRET_KEY=settings.SECRET_KEY,
        PLEROMA_SCHEDULED_STATUS_MIN_LEAD_SECONDS=str(LEAD_SECONDS),
    )
    server.start()
    yield server
    server.stop()


@pytest.fixture
def scheduling_server(transactional_db, _scheduling_server):
    _scheduling_server._apps.clear()
    return _scheduling_server


def ran(worker, task: str) -> int:
    """How many times the worker finished `statuses.tasks.<task>`."""
    return len(re.findall(rf"Task statuses\.tasks\.{task}\[[^\]]+\] succeeded", worker.log()))


class TestPollsAndScheduledStatusesWithMastodonPy:
    """POST /api/v1/statuses (poll, scheduled_at), /api/v1/polls/:id/votes, /api/v1/scheduled_statuses"""

    def test_a_poll_is_voted_on_and_closed_by_the_worker(self, scheduling_server, celery_worker_process):
        UserFactory(nickname="anna")
        UserFactory(nickname="ben")
        anna, ben = login(scheduling_server, "anna"), login(scheduling_server, "ben")

        posted = anna.status_post("Tea or coffee?", poll=anna.make_poll(["tea", "coffee"], expires_in=6))
        poll = posted["poll"]
        # A second delivery of the closing task (as a broker redelivery would make): it must
        # find the poll closed and send nothing more.
        tasks.close_poll.apply_async((str(ids.decode(poll["id"])),),
                                     eta=datetime.now(UTC) + timedelta(seconds=7))
        assert [o["title"] for o in poll["options"]] == ["tea", "coffee"]
        assert poll["voted"] is True and poll["expired"] is False

        voted = ben.poll_vote(poll["id"], [1])
        assert voted["own_votes"] == [1]
        assert [o["votes_count"] for o in voted["options"]] == [0, 1]
        with pytest.raises(Exception, match="Already voted"):
            ben.poll_vote(poll["id"], [0])
        assert ben.status(posted["id"])["poll"]["votes_count"] == 1

        def closed(client):
            return [n for n in client.notifications(types=["poll"]) if n["status"]["id"] == posted["id"]]

        ben_told = celery_worker_process.wait_for(lambda: closed(ben), timeout=40, interval=0.5)
        assert ben_told[0]["status"]["poll"]["expired"] is True
        assert closed(anna)[0]["account"]["acct"] == "anna"
        assert anna.poll(poll["id"])["expired"] is True
        celery_worker_process.wait_for(lambda: ran(celery_worker_process, "close_poll") == 2, timeout=30)
        assert len(closed(anna)) == 1 and len(closed(ben)) == 1

    def test_a_scheduled_post_is_published_by_the_worker(self, scheduling_server, celery_worker_process):
        UserFactory(nickname="cleo")
        cleo = login(scheduling_server, "cleo")
        at = datetime.now(UTC) + timedelta(seconds=LEAD_SECONDS + 4)
        scheduled = cleo.status_post("from the past", scheduled_at=at, visibility="unlisted")
        tasks.publish_scheduled_status.apply_async((str(ids.decode(scheduled["id"])),), eta=at)  # a duplicate
        assert "params" in scheduled and scheduled["params"]["text"] == "from the past"
        assert [s["id"] for s in cleo.scheduled_statuses()] == [scheduled["id"]]
        me = cleo.me()
        assert cleo.account_statuses(me["id"]) == []

        published = celery_worker_process.wait_for(
            lambda: cleo.account_statuses(me["id"]), timeout=40, interval=0.5)
        assert [s["pleroma"]["content"]["text/plain"] for s in published] == ["from the past"]
        assert published[0]["visibility"] == "unlisted"
        assert cleo.scheduled_statuses() == []
        celery_worker_process.wait_for(lambda: ran(celery_worker_process, "publish_scheduled_status") == 2,
                                       timeout=30)
        assert len(cleo.account_statuses(me["id"])) == 1  # the duplicate posted nothing

    def test_moving_and_cancelling_a_scheduled_post(self, scheduling_server, celery_worker_process):
        UserFactory(nickname="dora")
        dora = login(scheduling_server, "dora")
        first = dora.status_post("soon", scheduled_at=datetime.now(UTC) + timedelta(minutes=30))
        moved = dora.scheduled_status_update(first["id"], datetime.now(UTC) + timedelta(seconds=LEAD_SECONDS + 3))
        assert moved["id"] == first["id"]
        second = dora.status_post("never", scheduled_at=datetime.now(UTC) + timedelta(seconds=LEAD_SECONDS + 3))
        dora.scheduled_status_delete(second["id"])
        me = dora.me()
        published = celery_worker_process.wait_for(
            lambda: dora.account_statuses(me["id"]), timeout=40, interval=0.5)
        assert [s["pleroma"]["content"]["text/plain"] for s in published] == ["soon"]
        assert dora.scheduled_statuses() == []
        time.sleep(2)  # the cancelled post's task was due at the same time: it posted nothing
        assert len(dora.account_statuses(me["id"])) == 1
