"""Backups: /api/v1/pleroma/backups, the archive download and the build task."""

from __future__ import annotations

import datetime
import io
import re
import zipfile

import pytest
from django.core import mail
from django.utils import timezone

from backups import services, tasks
from backups.models import Backup
from tests.backups.conftest import check_archive, read_archive
from tests.factories import UserFactory

BACKUPS = "/api/v1/pleroma/backups"


def download_path(url: str) -> str:
    return url.split("://", 1)[1].split("/", 1)[1].join(["/", ""])


class TestCreateBackup:
    """POST /api/v1/pleroma/backups"""

    def test_queues_a_backup_and_returns_the_list(self, api, data_dir, django_capture_on_commit_callbacks):
        client = api(scopes=["read:backups"])
        with django_capture_on_commit_callbacks() as callbacks:
            response = client.post(BACKUPS)
        assert response.status_code == 200
        backup = Backup.objects.get(user=client.user)
        assert response.json() == [{
            "id": backup.pk, "content_type": "application/zip",
            "url": f"http://localhost:8000/api/v1/pleroma/backups/{backup.file_name}",
            "file_size": 0, "processed": False, "state": "pending", "processed_number": 0,
            "inserted_at": response.json()[0]["inserted_at"],
        }]
        pattern = rf"archive-{client.user.nickname}-\d{{8}}T\d{{6}}-[A-Za-z0-9_-]{{43}}\.zip"
        assert re.fullmatch(pattern, backup.file_name)
        assert len(callbacks) == 1  # the build task, enqueued once the row is committed

    def test_builds_the_archive_and_mails_the_user(self, api, backup_data,
                                                   django_capture_on_commit_callbacks):
        client = api(scopes=["read:backups"], user=backup_data.user)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(BACKUPS)
        listed = client.get(BACKUPS).json()
        assert listed[0]["processed"] is True
        assert listed[0]["state"] == "complete"
        backup = Backup.objects.get(user=client.user)
        assert listed[0]["file_size"] == backup.path.stat().st_size > 0
        assert listed[0]["processed_number"] > len(backup_data.statuses)
        download = client.get(download_path(listed[0]["url"]))
        assert download.status_code == 200
        assert download["Content-Type"] == "application/zip"
        check_archive(read_archive(b"".join(download.streaming_content)), backup_data)
        assert len(mail.outbox) == 1
        assert mail.outbox[0].to == [backup_data.user.email]
        assert listed[0]["url"] in mail.outbox[0].body

    def test_refuses_a_second_backup_within_the_limit(self, api, data_dir):
        client = api(scopes=["read:backups"])
        assert client.post(BACKUPS).status_code == 200
        response = client.post(BACKUPS)
        assert response.status_code == 400
        assert response.json() == {"error": "Last export was less than 7 days ago"}
        assert Backup.objects.filter(user=client.user).count() == 1

    def test_uses_the_singular_for_a_one_day_limit(self, api, data_dir, settings):
        settings.BACKUP_LIMIT_DAYS = 1
        client = api(scopes=["read:backups"])
        client.post(BACKUPS)
        assert client.post(BACKUPS).json() == {"error": "Last export was less than a day ago"}

    def test_allows_a_new_backup_after_the_limit_and_after_a_failure(self, api, data_dir):
        client = api(scopes=["read:backups"])
        client.post(BACKUPS)
        Backup.objects.update(created_at=timezone.now() - datetime.timedelta(days=8))
        assert client.post(BACKUPS).status_code == 200
        Backup.objects.filter(created_at__gt=timezone.now() - datetime.timedelta(days=1)).update(
            state=Backup.State.FAILED)
        response = client.post(BACKUPS)
        assert response.status_code == 200
        assert len(response.json()) == 3
        assert [b["state"] for b in response.json()] == ["pending", "failed", "pending"]

    def test_a_user_without_email_gets_a_backup_and_no_mail(self, api, data_dir,
                                                            django_capture_on_commit_callbacks):
        client = api(scopes=["read:backups"], email=None)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(BACKUPS)
        assert Backup.objects.get(user=client.user).state == Backup.State.COMPLETE
        assert mail.outbox == []

    def test_needs_a_read_backups_token(self, api):
        response = api(scopes=["write"]).post(BACKUPS)
        assert response.status_code == 403
        assert response.json() == {"error": "Insufficient permissions: read:backups."}
        assert not Backup.objects.exists()

    def test_refuses_anonymous_callers(self, anon):
        response = anon.post(BACKUPS)
        assert response.status_code == 403
        assert response.json() == {"error": "Invalid credentials."}


class TestListBackups:
    """GET /api/v1/pleroma/backups"""

    def test_lists_only_the_callers_backups_newest_first(self, api):
        client = api(scopes=["read:backups"])
        now = timezone.now()
        old = Backup.objects.create(user=client.user, file_name="a.zip",
                                    created_at=now - datetime.timedelta(days=9))
        new = Backup.objects.create(user=client.user, file_name="b.zip", created_at=now)
        Backup.objects.create(user=UserFactory(), file_name="c.zip")
        response = client.get(BACKUPS)
        assert response.status_code == 200
        assert [b["id"] for b in response.json()] == [new.pk, old.pk]

    def test_is_empty_for_a_new_user(self, api):
        assert api(scopes=["read"]).get(BACKUPS).json() == []

    def test_anonymous_callers_get_an_empty_list(self, anon):
        Backup.objects.create(user=UserFactory(), file_name="c.zip")
        response = anon.get(BACKUPS)
        assert (response.status_code, response.json()) == (200, [])

    def test_a_token_without_read_backups_is_served_as_anonymous(self, api):
        client = api(scopes=["read:accounts"])
        Backup.objects.create(user=client.user, file_name="a.zip")
        response = client.get(BACKUPS)
        assert (response.status_code, response.json()) == (200, [])


class TestDownloadBackup:
    """GET /api/v1/pleroma/backups/:file_name"""

    @pytest.fixture
    def built(self, api, backup_data):
        client = api(scopes=["read:backups"], user=backup_data.user)
        backup = services.request_backup(client.user)
        tasks.build_backup(backup.pk)
        return client, Backup.objects.get(pk=backup.pk)

    def test_the_listed_url_opens_without_authentication(self, built, anon):
        client, backup = built
        url = client.get(BACKUPS).json()[0]["url"]
        assert url.endswith(f"{BACKUPS}/{backup.file_name}")
        response = anon.get(download_path(url))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/zip"
        assert response["Content-Disposition"] == f'attachment; filename="{backup.file_name}"'
        assert zipfile.is_zipfile(io.BytesIO(b"".join(response.streaming_content)))

    def test_the_file_name_carries_an_unguessable_token(self, built):
        _, backup = built
        token = re.fullmatch(r"archive-.+-\d{8}T\d{6}-([\w-]+)\.zip", backup.file_name).group(1)
        assert len(token) >= 43
        other = services.new_file_name(backup.user, backup.created_at)
        assert other != backup.file_name

    def test_is_not_found_while_unfinished_or_unknown(self, api, data_dir):
        client = api(scopes=["read:backups"])
        backup = services.request_backup(client.user)
        for name in (backup.file_name, "archive-nobody.zip", "..%2Fsecret_key"):
            response = client.get(f"{BACKUPS}/{name}")
            assert response.status_code == 404
            assert response.json() == {"error": "Record not found"}

    def test_a_guessed_name_of_a_real_backup_is_not_found(self, built, anon):
        _, backup = built
        stem = backup.file_name.removesuffix(".zip")
        guessed = stem[:-1] + ("x" if stem[-1] != "x" else "y")
        response = anon.get(f"{BACKUPS}/{guessed}.zip")
        assert response.status_code == 404

    def test_is_gone_once_the_backup_is_deleted(self, built, anon, django_capture_on_commit_callbacks):
        _, backup = built
        with django_capture_on_commit_callbacks(execute=True):
            services.delete_backup(backup)
        assert not backup.path.exists()
        assert anon.get(f"{BACKUPS}/{backup.file_name}").status_code == 404

    def test_is_gone_once_the_backup_is_purged(self, built, anon, settings):
        _, backup = built
        Backup.objects.filter(pk=backup.pk).update(
            created_at=timezone.now() - datetime.timedelta(days=settings.BACKUP_PURGE_AFTER_DAYS + 1))
        assert services.prune_backups() == 1
        assert anon.get(f"{BACKUPS}/{backup.file_name}").status_code == 404

    def test_is_not_listed_for_anyone_else(self, built, api, anon):
        _, backup = built
        assert api(scopes=["read:backups"]).get(BACKUPS).json() == []
        assert anon.get(BACKUPS).json() == []


class TestBuildBackupTask:
    """backups.tasks.build_backup"""

    def test_running_twice_keeps_one_complete_archive(self, backup_data):
        backup = services.request_backup(backup_data.user)
        tasks.build_backup(backup.pk)
        first = Backup.objects.get(pk=backup.pk)
        tasks.build_backup(backup.pk)  # a second delivery does nothing
        assert Backup.objects.get(pk=backup.pk).finished_at == first.finished_at
        assert sorted(p.name for p in first.path.parent.iterdir()) == [first.file_name]

    def test_a_crash_mid_build_leaves_no_file_and_the_retry_completes(self, backup_data, monkeypatch):
        from backups import archive

        backup = services.request_backup(backup_data.user)
        original = archive.ArchiveWriter.file

        def crash(self, name, source):
            raise KeyboardInterrupt  # as abrupt as a killed process: not caught as an error

        monkeypatch.setattr(archive.ArchiveWriter, "file", crash)
        with pytest.raises(KeyboardInterrupt):
            tasks.build_backup(backup.pk)
        row = Backup.objects.get(pk=backup.pk)
        assert row.state == Backup.State.RUNNING
        assert list(backup.path.parent.iterdir()) == []
        monkeypatch.setattr(archive.ArchiveWriter, "file", original)
        tasks.build_backup(backup.pk)
        row = Backup.objects.get(pk=backup.pk)
        assert row.state == Backup.State.COMPLETE
        check_archive(read_archive(row.path.read_bytes()), backup_data)

    def test_an_error_marks_the_backup_failed(self, backup_data, monkeypatch):
        from backups import archive

        backup = services.request_backup(backup_data.user)
        monkeypatch.setattr(archive.ArchiveWriter, "json", lambda *a: 1 / 0)
        with pytest.raises(ZeroDivisionError):
            tasks.build_backup.apply(args=(backup.pk,), throw=True)
        row = Backup.objects.get(pk=backup.pk)
        assert row.state == Backup.State.FAILED
        assert "ZeroDivisionError" in row.error
        assert list(backup.path.parent.iterdir()) == []

    def test_streams_large_collections_in_chunks(self, backup_data):
        from statuses.models import Favourite
        from tests.factories import StatusFactory

        friend = UserFactory()
        Favourite.objects.bulk_create(
            [Favourite(account=backup_data.user, status=StatusFactory(account=friend)) for _ in range(250)])
        backup = services.request_backup(backup_data.user)
        tasks.build_backup(backup.pk)
        row = Backup.objects.get(pk=backup.pk)
        likes = read_archive(row.path.read_bytes())["likes.json"]
        assert likes["totalItems"] == 252
        assert row.processed_number >= 252


class TestPruneBackups:
    """backups.tasks.prune_backups"""

    def test_deletes_expired_backups_with_their_files(self, api, data_dir):
        user = UserFactory()
        old = Backup.objects.create(user=user, file_name="old.zip", state=Backup.State.COMPLETE,
                                    created_at=timezone.now() - datetime.timedelta(days=31))
        fresh = Backup.objects.create(user=user, file_name="fresh.zip", state=Backup.State.COMPLETE)
        old.path.parent.mkdir(parents=True, exist_ok=True)
        old.path.write_bytes(b"old")
        fresh.path.write_bytes(b"fresh")
        assert tasks.prune_backups() == 1
        assert list(Backup.objects.values_list("file_name", flat=True)) == ["fresh.zip"]
        assert not old.path.exists() and fresh.path.exists()

    def test_removes_stale_leftovers_and_archives_of_deleted_accounts(self, data_dir):
        import os
        import time

        directory = data_dir / "backups"
        directory.mkdir()
        user = UserFactory()
        kept = Backup.objects.create(user=user, file_name="archive-kept.zip", state=Backup.State.COMPLETE)
        names = [kept.file_name, "archive-orphan.zip", ".archive-x.zip.abc.tmp", "archive-new-orphan.zip"]
        for name in names:
            (directory / name).write_bytes(b"x")
        day_ago = time.time() - 2 * 24 * 3600
        for name in names[:3]:
            os.utime(directory / name, (day_ago, day_ago))
        tasks.prune_backups()
        assert sorted(p.name for p in directory.iterdir()) == ["archive-kept.zip", "archive-new-orphan.zip"]
