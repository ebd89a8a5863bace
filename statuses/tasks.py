"""Background work on statuses: expiring statuses, closing polls, publishing scheduled ones,
telling reblogging and quoting accounts about edits."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from statuses import services
from statuses.services import polls, scheduling


@shared_task(acks_late=True, max_retries=5, autoretry_for=(OperationalError,), retry_backoff=True)
def expire_status(status_id: str) -> bool:
    """Delete a status once its `expires_at` has passed; safe to run twice or too early."""
    return services.expire_status(status_id)


@shared_task(acks_late=True, max_retries=5, autoretry_for=(OperationalError,), retry_backoff=True)
def close_poll(poll_id: str) -> bool:
    """Close a poll at its expiry and send the `poll` notifications; safe to run twice or
    too early (nothing happens then)."""
    return polls.close_poll(poll_id)


@shared_task(acks_late=True, max_retries=5, autoretry_for=(OperationalError,), retry_backoff=True)
def publish_scheduled_status(scheduled_id: str) -> str | None:
    """Post a scheduled status at its time; a retried, early or outdated task posts nothing."""
    status = scheduling.publish(scheduled_id)
    return str(status.pk) if status is not None else None


@shared_task(acks_late=True, max_retries=5, autoretry_for=(OperationalError,), retry_backoff=True)
def notify_status_update(status_id: str, edited_at: str) -> int:
    """`update` notifications of one edit to the accounts that reblogged or quoted the
    status; safe to run twice (nobody is told twice about the same edit)."""
    import datetime

    from statuses.models import Status
    from statuses.services import editing

    status = Status.objects.filter(pk=status_id).select_related("account").first()
    if status is None:
        return 0
    return editing.send_update_notifications(status, datetime.datetime.fromisoformat(edited_at))


@shared_task(acks_late=True)
def publish_due_scheduled_statuses() -> int:
    """Safety net (beat): post the scheduled statuses whose task was lost."""
    return sum(scheduling.publish(pk) is not None for pk in scheduling.due_scheduled_statuses())


@shared_task(acks_late=True)
def close_due_polls() -> int:
    """Safety net (beat): close the expired polls whose task was lost."""
    return sum(polls.close_poll(pk) for pk in polls.due_polls())


REMOTE_MEDIA_RETRIES = 5


@shared_task(bind=True, acks_late=True, max_retries=REMOTE_MEDIA_RETRIES, autoretry_for=(OperationalError,),
             retry_backoff=True)
def cache_remote_media(self, media_id: str) -> str:
    """Copy one remote attachment to our media path; safe to run twice. A remote server that
    cannot be reached is tried again with backoff (1, 3, 9, 27, 81 minutes), then given up:
    the attachment stays hotlinked, as it does when the file is refused."""
    from core import remote_media as fetching
    from statuses.services import remote_media

    try:
        return remote_media.cache_attachment(media_id)
    except fetching.Unavailable as exc:
        if self.request.retries >= REMOTE_MEDIA_RETRIES:
            remote_media.mark_failed(media_id)
            return "failed"
        countdown = 60 * 3 ** self.request.retries
        remote_media.hold(media_id, countdown)  # the sweep waits for this retry
        raise self.retry(exc=exc, countdown=countdown) from exc


@shared_task(acks_late=True)
def sweep_remote_media() -> int:
    """Beat: queue again the copies of remote attachments whose task was lost."""
    from statuses.services import remote_media

    return remote_media.requeue_lost()


@shared_task(acks_late=True)
def purge_remote_media() -> int:
    """Beat: delete copies of remote media older than PLEROMA_REMOTE_MEDIA_RETENTION_DAYS
    (nothing when it is 0); they are hotlinked again."""
    import datetime

    from django.conf import settings

    from accounts import remote_images
    from statuses.services import remote_media

    if settings.REMOTE_MEDIA_RETENTION_DAYS <= 0:
        return 0
    age = datetime.timedelta(days=settings.REMOTE_MEDIA_RETENTION_DAYS)
    return remote_media.purge_cached_media(age) + remote_images.purge_cached_images(age)
