"""Backups built by a real Celery worker through Redis, including a worker killed mid-build."""

from __future__ import annotations

import os

import pytest

from backups.models import Backup
from statuses.models import Favourite, MediaAttachment
from tests.backups.conftest import check_archive, make_backup_data, png_bytes, read_archive
from tests.factories import StatusFactory, UserFactory

BACKUPS = "/api/v1/pleroma/backups"

pytestmark = pytest.mark.django_db(transaction=True)


def download(client, backup: Backup):
    return client.get(f"{BACKUPS}/{backup.file_name}")


def state_of(backup_id: int) -> str:
    return Backup.objects.get(pk=backup_id).state


class TestBackupOnAWorker:
    """POST /api/v1/pleroma/backups with `celery -A pleroma_py worker` consuming the queue"""

    def test_the_worker_builds_an_archive_its_url_serves_without_a_header(self, api, anon,
                                                                          celery_worker_process, data_dir):
        data = make_backup_data()
        client = api(scopes=["read:backups"], user=data.user)
        response = client.post(BACKUPS)
        assert response.status_code == 200
        backup_id = response.json()[0]["id"]
        celery_worker_process.wait_for(lambda: state_of(backup_id) == "complete", timeout=120)
        backup = Backup.objects.get(pk=backup_id)
        listed = client.get(BACKUPS).json()[0]
        assert (listed["processed"], listed["state"]) == (True, "complete")
        assert listed["file_size"] == backup.path.stat().st_size
        reply = download(anon, backup)
        assert reply.status_code == 200
        check_archive(read_archive(b"".join(reply.streaming_content)), data)
        assert api(scopes=["read:backups"]).get(BACKUPS).json() == []

        mails = celery_worker_process.wait_for(lambda: list((data_dir / "mail").glob("*.log")), timeout=60)
        text = mails[0].read_text()
        assert f"To: {data.user.email}" in text
        assert backup.file_name in text

    def test_a_worker_killed_mid_build_leaves_no_archive_and_the_retry_completes(
            self, api, celery_worker_process, data_dir):
        data = make_backup_data()
        friend = UserFactory()
        extra = [StatusFactory(account=friend) for _ in range(250)]
        Favourite.objects.bulk_create([Favourite(account=data.user, status=s) for s in extra])
        data.liked += extra
        # The last file the build copies is a FIFO: opening it blocks until someone writes,
        # which holds the worker mid-build, after every collection has been written.
        stuck = MediaAttachment.objects.create(account=data.user, file="attachments/stuck.png",
                                               mime_type="image/png", type="image")
        fifo = data_dir / "media" / "attachments" / "stuck.png"
        fifo.parent.mkdir(parents=True, exist_ok=True)
        os.mkfifo(fifo)
        data.media.append(stuck)

        client = api(scopes=["read:backups"], user=data.user)
        backup_id = client.post(BACKUPS).json()[0]["id"]
        backup = Backup.objects.get(pk=backup_id)
        backup_dir = data_dir / "backups"

        def blocked():
            row = client.get(BACKUPS).json()[0]
            temps = list(backup_dir.glob(".*.tmp")) if backup_dir.exists() else []
            return row if row["state"] == "running" and row["processed_number"] >= 200 and temps else None

        running = celery_worker_process.wait_for(blocked, timeout=120)
        assert running["processed"] is False
        celery_worker_process.kill()

        assert not backup.path.exists()
        assert download(client, backup).status_code == 404
        assert client.get(BACKUPS).json()[0]["state"] == "running"

        fifo.unlink()
        fifo.write_bytes(png_bytes(color=(0, 90, 200)))
        celery_worker_process.restart()
        celery_worker_process.wait_for(lambda: state_of(backup_id) == "complete", timeout=120)

        assert [p.name for p in backup_dir.iterdir()] == [backup.file_name]
        reply = download(client, backup)
        assert reply.status_code == 200
        check_archive(read_archive(b"".join(reply.streaming_content)), data)
