"""Copies of remote media (README "Remote media"): the attachments of received statuses are
downloaded by a task and served from our media path; until then, when the copy is refused,
or with PLEROMA_REMOTE_MEDIA_CACHE off, the entity links to the origin (hotlinked).

A copy is made once per attachment (`cache_state` pending → cached | failed) and may be
deleted again after PLEROMA_REMOTE_MEDIA_RETENTION_DAYS (purged: hotlinked again).
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from core import images, remote_media
from core.exceptions import ApiError
from statuses.models import MediaAttachment

State = MediaAttachment.CacheState


def initial_state() -> str:
    """The `cache_state` a newly received attachment is stored with."""
    return State.PENDING if settings.REMOTE_MEDIA_CACHE else State.NONE


def _queued_key(pk) -> str:
    return f"remote-media:queued:{pk}"


def hold(pk, seconds: float) -> None:
    """Note in the shared cache that a copy task for `pk` is queued or waiting to retry for
    about `seconds`; the sweep leaves the attachment alone until the note expires."""
    cache.set(_queued_key(pk), 1, timeout=int(seconds) + settings.REMOTE_MEDIA_SWEEP_AFTER_SECONDS)


def _enqueue(pks: list[str]) -> None:
    from statuses import tasks

    for pk in pks:
        hold(pk, 0)
        tasks.cache_remote_media.delay(pk)


def schedule_caching(media_ids: Iterable) -> None:
    """After the receiving transaction commits, one task per pending attachment."""
    pks = [str(pk) for pk in media_ids]
    if not pks or not settings.REMOTE_MEDIA_CACHE:
        return
    transaction.on_commit(lambda: _enqueue(pks))


def requeue_lost(*, batch: int | None = None) -> int:
    """Queue a copy again for the attachments pending longer than
    PLEROMA_REMOTE_MEDIA_SWEEP_AFTER_SECONDS whose task is neither queued nor waiting to
    retry (its message was lost with a broker or a worker); the oldest first, at most
    `batch` (PLEROMA_REMOTE_MEDIA_SWEEP_BATCH). Returns how many were queued."""
    if not settings.REMOTE_MEDIA_CACHE:
        return 0
    batch = settings.REMOTE_MEDIA_SWEEP_BATCH if batch is None else batch
    cutoff = timezone.now() - datetime.timedelta(seconds=settings.REMOTE_MEDIA_SWEEP_AFTER_SECONDS)
    # Rows still held (waiting out a retry's backoff) are skipped; scanning a bounded window
    # past the batch keeps a run of them from hiding the lost ones behind.
    candidates = [str(pk) for pk in MediaAttachment.objects.filter(
        cache_state=State.PENDING, created_at__lt=cutoff).exclude(remote_url="").order_by(
        "created_at").values_list("pk", flat=True)[:batch * 10]]
    held = cache.get_many([_queued_key(pk) for pk in candidates])
    lost = [pk for pk in candidates if _queued_key(pk) not in held][:batch]
    _enqueue(lost)
    return len(lost)


def _dimensions(width: int, height: int) -> dict:
    return {"width": width, "height": height, "size": f"{width}x{height}",
            "aspect": round(width / height, 6) if height else None}


def mark_failed(media_id) -> None:
    """Give up copying a pending attachment: it stays hotlinked and is not fetched again."""
    MediaAttachment.objects.filter(pk=media_id, cache_state=State.PENDING).update(cache_state=State.FAILED)


def cache_attachment(media_id) -> str:
    """Copy one remote attachment here; returns its `cache_state` afterwards. Safe to run
    twice: only a pending attachment is fetched, and only one copy is ever kept.
    remote_media.Unavailable propagates (the task retries); Refused marks it failed."""
    media = MediaAttachment.objects.filter(pk=media_id).first()
    if media is None:
        return "gone"
    if media.cache_state != State.PENDING or media.file or not media.remote_url:
        return media.cache_state
    if not settings.REMOTE_MEDIA_CACHE:
        return media.cache_state  # switched off meanwhile: stays hotlinked, may run later
    try:
        data = remote_media.download(media.remote_url)
        found = remote_media.identify(data)
    except remote_media.Refused:
        mark_failed(media.pk)
        return State.FAILED
    token = secrets.token_hex(16)
    meta = {key: value for key, value in media.meta.items() if key == "focus"}
    media.file.save(f"remote-{token}.{found.extension}", ContentFile(data), save=False)
    if found.image is not None:
        meta["original"] = _dimensions(found.image.width, found.image.height)
        try:
            preview = images.thumbnail(data)
            small = images.inspect(preview)
        except (ApiError, OSError, ValueError):
            small = None  # an image Pillow verified but cannot scale: shown without a preview
        if small is not None:
            meta["small"] = _dimensions(small.width, small.height)
            media.preview.save(f"remote-{token}-small.{small.extension}", ContentFile(preview), save=False)
    written = [name for name in (media.file.name, media.preview.name) if name]
    with transaction.atomic():
        locked = MediaAttachment.objects.select_for_update().filter(pk=media.pk).first()
        if locked is None or locked.cache_state != State.PENDING or locked.file:
            transaction.on_commit(lambda: _delete_files(written))  # another run made its copy
            return locked.cache_state if locked is not None else "gone"
        locked.file, locked.preview = media.file.name, media.preview.name or ""
        locked.mime_type = found.mime_type
        # A gifv stays one (a looping video); otherwise what the bytes are decides.
        if not (locked.type == MediaAttachment.Type.GIFV and found.kind == "video"):
            locked.type = found.kind
        locked.meta = meta
        locked.cache_state, locked.cached_at = State.CACHED, timezone.now()
        locked.save(update_fields=["file", "preview", "mime_type", "type", "meta", "cache_state",
                                   "cached_at"])  # drops the status's rendered entry
    return State.CACHED


def _delete_files(names: Iterable[str]) -> None:
    for name in names:
        if name:
            default_storage.delete(name)


def purge_cached_media(older_than: datetime.timedelta) -> int:
    """Delete the copies made more than `older_than` ago; their attachments link to the
    origin again. Returns how many were purged."""
    cutoff = timezone.now() - older_than
    purged = 0
    candidates = MediaAttachment.objects.filter(cache_state=State.CACHED, cached_at__lt=cutoff
                                                ).exclude(remote_url="").values_list("pk", flat=True)
    for pk in list(candidates.iterator()):
        with transaction.atomic():
            media = MediaAttachment.objects.select_for_update().filter(
                pk=pk, cache_state=State.CACHED, cached_at__lt=cutoff).first()
            if media is None:
                continue
            names = [media.file.name, media.preview.name]
            media.file, media.preview = "", ""
            media.cache_state, media.cached_at = State.PURGED, None
            media.save(update_fields=["file", "preview", "cache_state", "cached_at"])
            transaction.on_commit(lambda names=names: _delete_files(names))
        purged += 1
    return purged


def drop_copies(status) -> None:
    """A status being deleted takes our copies of its media with it (the files go after
    commit; the rows, detached by the deletion, link to the origin again)."""
    rows = list(MediaAttachment.objects.select_for_update().filter(status=status, cache_state=State.CACHED))
    for media in rows:
        names = [media.file.name, media.preview.name]
        media.file, media.preview = "", ""
        media.cache_state, media.cached_at = State.PURGED, None
        media.save(update_fields=["file", "preview", "cache_state", "cached_at"])
        transaction.on_commit(lambda names=names: _delete_files(names))
