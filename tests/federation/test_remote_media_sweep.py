"""The sweep of remote attachments left `pending` by a lost copy task (beat job
statuses.tasks.sweep_remote_media): an attachment pending for longer than
PLEROMA_REMOTE_MEDIA_SWEEP_AFTER_SECONDS whose task is neither queued nor waiting out a
retry gets a new task, the oldest first and a bounded number per run."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from core import ids
from statuses import tasks
from statuses.models import MediaAttachment
from statuses.services import remote_media
from tests.factories import StatusFactory
from tests.federation.incoming import REMOTE, remote_account
from tests.federation.test_remote_media import MediaServer, png, served

Pending = MediaAttachment.CacheState.PENDING


@pytest.fixture
def celery_worker_env() -> dict[str, str]:
    return {"PLEROMA_ALLOW_PRIVATE_NETWORKS": "true"}  # the origin is on the loopback


@pytest.fixture
def origin(settings, data_dir):
    settings.ALLOW_PRIVATE_NETWORKS = True
    server = MediaServer()
    yield server
    server.stop()


def pending_attachment(status, url: str, *, age: datetime.timedelta, position: int = 0) -> MediaAttachment:
    """A received attachment whose copy was never made (no task for it ran)."""
    return MediaAttachment.objects.create(
        account=status.account, status=status, file="", type="image", mime_type="image/png", position=position,
        remote_url=url, cache_state=Pending, created_at=timezone.now() - age)


class TestSweepWithAWorker:
    """statuses.tasks.sweep_remote_media run by a real worker"""

    def test_a_pending_attachment_without_a_task_is_copied(self, celery_worker_process, origin, anon, api):
        bob = remote_account("bob", REMOTE)
        status = StatusFactory(account=bob, ap_id=f"{REMOTE}/objects/1", local=False)
        lost = pending_attachment(status, origin.serve("/m/lost.png", png(30, 20), "image/png"),
                                  age=datetime.timedelta(minutes=10))
        down = pending_attachment(status, origin.serve("/m/down.png", b"", "text/plain", status=503),
                                  age=datetime.timedelta(minutes=10), position=1)
        fresh = pending_attachment(status, origin.serve("/m/fresh.png", png(), "image/png"),
                                   age=datetime.timedelta(seconds=5), position=2)

        tasks.sweep_remote_media.delay()

        copied = celery_worker_process.wait_for(
            lambda: MediaAttachment.objects.filter(pk=lost.pk, cache_state="cached").first())
        assert copied.file.name and copied.meta["original"]["width"] == 30
        assert origin.hits.get("/m/lost.png") == 1
        body = api(scopes=["read"]).get(f"/api/v1/statuses/{ids.encode(status.pk)}").json()
        [shown] = [m for m in body["media_attachments"] if m["remote_url"].endswith("/m/lost.png")]
        response, _ = served(anon, shown["url"])
        assert response.status_code == 200 and response["Content-Type"] == "image/png"

        # The unreachable one waits out its retry: a second sweep leaves it to that retry.
        celery_worker_process.wait_for(lambda: "Retry in 60s" in celery_worker_process.log())
        assert remote_media.requeue_lost() == 0
        assert origin.hits.get("/m/down.png") == 1
        # the young one may still have its task coming
        assert "/m/fresh.png" not in origin.hits
        assert set(MediaAttachment.objects.filter(pk__in=[fresh.pk, down.pk]).values_list(
            "cache_state", flat=True)) == {Pending}


class TestRequeueLost:
    """statuses.services.remote_media.requeue_lost (tasks run eagerly)"""

    def test_queues_at_most_a_batch_the_oldest_first(self, origin):
        bob = remote_account("bob", REMOTE)
        status = StatusFactory(account=bob, ap_id=f"{REMOTE}/objects/2", local=False)
        rows = [pending_attachment(status, origin.serve(f"/m/{n}.png", png(), "image/png"),
                                   age=datetime.timedelta(minutes=10 + n), position=n) for n in range(3)]
        assert remote_media.requeue_lost(batch=2) == 2
        states = {row.pk: MediaAttachment.objects.get(pk=row.pk).cache_state for row in rows}
        assert (states[rows[2].pk], states[rows[1].pk], states[rows[0].pk]) == ("cached", "cached", Pending)
        assert remote_media.requeue_lost(batch=2) == 1
        assert MediaAttachment.objects.get(pk=rows[0].pk).cache_state == "cached"
        assert remote_media.requeue_lost(batch=2) == 0

    def test_nothing_is_queued_when_caching_is_off(self, origin, settings):
        bob = remote_account("bob", REMOTE)
        status = StatusFactory(account=bob, ap_id=f"{REMOTE}/objects/4", local=False)
        pending_attachment(status, origin.serve("/m/off.png", png(), "image/png"), age=datetime.timedelta(hours=1))
        settings.REMOTE_MEDIA_CACHE = False
        assert remote_media.requeue_lost() == 0
        assert not origin.hits
