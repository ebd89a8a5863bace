"""Backups: requesting one (with Pleroma's rate rule), building the archive, pruning."""

from __future__ import annotations

import logging
import secrets
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from backups import activitystreams as ast
from backups import archive
from backups.models import Backup
from core.exceptions import ApiError, NotFound

log = logging.getLogger(__name__)

PROGRESS_EVERY = 100  # items between two processed_number updates


def limit_days() -> int:
    return settings.BACKUP_LIMIT_DAYS


def purge_after_days() -> int:
    return settings.BACKUP_PURGE_AFTER_DAYS


def backup_dir() -> Path:
    return Path(settings.BACKUP_DIR)


def new_file_name(user, now) -> str:
    """`archive-<nickname>-<20241127T101500>-<43 url-safe random chars>.zip`, as Pleroma."""
    return f"archive-{user.nickname}-{now:%Y%m%dT%H%M%S}-{secrets.token_urlsafe(32)}.zip"


def _too_soon_message(days: int) -> str:
    return "Last export was less than a day ago" if days == 1 else f"Last export was less than {days} days ago"


def request_backup(user) -> Backup:
    """Queue a new backup of user's data. Refused (400) while the last one that did not fail
    is at most `limit_days` whole days old (Pleroma counts failed ones too: a bug, §23.2)."""
    from accounts.models import User
    from backups import tasks

    now = timezone.now()
    days = limit_days()
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()  # one request at a time
        last = (Backup.objects.filter(user=user).exclude(state=Backup.State.FAILED)
                .order_by("-created_at").first())
        if last is not None and (now - last.created_at).days <= days:
            raise ApiError(_too_soon_message(days), status=400)
        backup = Backup.objects.create(user=user, file_name=new_file_name(user, now), created_at=now)
        transaction.on_commit(lambda: tasks.build_backup.delay(backup.pk))
    return backup


def get_finished_backup(file_name: str) -> Backup:
    """The finished backup named file_name, whoever asks: its name holds 43 random url-safe
    characters, so the URL is the credential (Pleroma serves it from its uploads). Unfinished,
    deleted, purged or unknown names are 404."""
    backup = Backup.objects.filter(file_name=file_name, state=Backup.State.COMPLETE).first()
    if backup is None or not backup.path.is_file():
        raise NotFound()
    return backup


def delete_backup(backup: Backup) -> None:
    """Remove a backup and its archive (its URL is then 404)."""
    with transaction.atomic():
        Backup.objects.filter(pk=backup.pk).delete()
        path = backup.path
        transaction.on_commit(lambda: path.unlink(missing_ok=True))


class _Progress:
    """Counts items and saves processed_number every PROGRESS_EVERY of them."""

    def __init__(self, backup: Backup):
        self.backup = backup
        self.count = 0

    def tick(self) -> None:
        self.count += 1
        if self.count % PROGRESS_EVERY == 0:
            self.save()

    def save(self) -> None:
        Backup.objects.filter(pk=self.backup.pk).update(processed_number=self.count)


def _write_contents(writer: archive.ArchiveWriter, user) -> None:
    from bookmarks.models import Bookmark
    from relationships.models import Follow
    from statuses.models import Favourite, MediaAttachment, Mention, Status, StatusTag

    author_id = ast.actor_id(user.nickname)
    writer.json("actor.json", ast.actor(user))

    statuses = (Status.objects.filter(account=user).order_by("id").prefetch_related(
        _prefetch("mentions", Mention.objects.select_related("account").order_by("id")),
        _prefetch("status_tags", StatusTag.objects.select_related("hashtag").order_by("id")),
        _prefetch("media_attachments", MediaAttachment.objects.order_by("position", "id")),
    ))
    writer.collection("outbox.json", statuses.iterator(chunk_size=archive.CHUNK_SIZE),
                      lambda s: ast.activity(s, author_id))

    likes = Favourite.objects.filter(account=user).order_by("id").values_list("status_id", flat=True)
    writer.collection("likes.json", likes.iterator(chunk_size=archive.CHUNK_SIZE), ast.object_id)

    bookmarks = Bookmark.objects.filter(user=user).order_by("id").values_list("status_id", flat=True)
    writer.collection("bookmarks.json", bookmarks.iterator(chunk_size=archive.CHUNK_SIZE), ast.object_id)

    accepted = Follow.objects.filter(state=Follow.State.ACCEPTED).order_by("id")
    followers = accepted.filter(followed=user, follower__is_active=True).values_list(
        "follower__nickname", flat=True)
    writer.collection("followers.json", followers.iterator(chunk_size=archive.CHUNK_SIZE), ast.actor_id)
    following = accepted.filter(follower=user, followed__is_active=True).values_list(
        "followed__nickname", flat=True)
    writer.collection("following.json", following.iterator(chunk_size=archive.CHUNK_SIZE), ast.actor_id)

    media = MediaAttachment.objects.filter(account=user).exclude(file="").order_by("id")
    for name in media.values_list("file", flat=True).iterator(chunk_size=archive.CHUNK_SIZE):
        try:
            source = default_storage.open(name, "rb")
        except FileNotFoundError:
            log.warning("backup of %s: media file %s is missing", user.nickname, name)
            continue
        with source:
            writer.file(f"media/{name}", source)


def _prefetch(lookup, queryset):
    from django.db.models import Prefetch

    return Prefetch(lookup, queryset=queryset)


def build_archive(backup: Backup) -> Backup:
    """Build backup's zip from scratch (pending/running -> complete); safe to run again
    after a crash: the archive appears under its name only once it is whole."""
    now = timezone.now()
    Backup.objects.filter(pk=backup.pk).update(state=Backup.State.RUNNING, processed_number=0, error="")
    backup.state = Backup.State.RUNNING
    progress = _Progress(backup)
    size = archive.write_atomically(
        backup.path, lambda writer: _write_contents(writer, backup.user), progress.tick)
    with transaction.atomic():
        Backup.objects.filter(pk=backup.pk).update(
            state=Backup.State.COMPLETE, processed_number=progress.count, file_size=size,
            finished_at=timezone.now())
        transaction.on_commit(lambda: _after_completion(backup.pk))
    backup.refresh_from_db()
    log.info("backup %s of %s built in %s", backup.pk, backup.user.nickname, timezone.now() - now)
    return backup


def _after_completion(backup_id: int) -> None:
    from backups import tasks

    tasks.notify_backup_ready.delay(backup_id)
    tasks.prune_backups.delay()


def fail(backup_id: int, error: str) -> None:
    """Record that a backup could not be built (it then no longer counts for the rate rule)."""
    Backup.objects.filter(pk=backup_id).exclude(state=Backup.State.COMPLETE).update(
        state=Backup.State.FAILED, error=error[:2000], finished_at=timezone.now())


def download_url(backup: Backup) -> str:
    return f"{settings.PLEROMA_URL}/api/v1/pleroma/backups/{backup.file_name}"


def send_ready_mail(backup: Backup) -> bool:
    """Tell the user their backup can be downloaded (users without e-mail get none)."""
    user = backup.user
    if not user.email:
        return False
    send_mail(
        subject=f"Your {settings.INSTANCE_NAME} backup is ready",
        message=(f"Hello {user.nickname},\n\nthe backup of your account you requested is ready.\n"
                 f"Download it from:\n{download_url(backup)}\n\n"
                 f"It is kept for {purge_after_days()} days.\n"),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[user.email],
    )
    return True


STALE_SECONDS = 24 * 3600  # leftovers younger than this may belong to a build in progress


def prune_backups() -> int:
    """Delete backups older than `purge_after_days` with their files, temporary files that
    interrupted builds left behind, and archives whose row is gone (a deleted account).
    Returns how many backups were deleted."""
    cutoff = timezone.now() - timedelta(days=purge_after_days())
    expired = list(Backup.objects.filter(created_at__lt=cutoff))
    for backup in expired:
        backup.path.unlink(missing_ok=True)
    Backup.objects.filter(pk__in=[b.pk for b in expired]).delete()
    directory = backup_dir()
    archive.remove_temporaries(directory, older_than=STALE_SECONDS)
    if directory.exists():
        now = time.time()
        files = {p.name: p for p in directory.glob("archive-*.zip")
                 if now - p.stat().st_mtime > STALE_SECONDS}
        known = set(Backup.objects.filter(file_name__in=list(files)).values_list("file_name", flat=True))
        for name in files.keys() - known:
            files[name].unlink(missing_ok=True)
    return len(expired)
