"""Scheduled statuses: stored posting parameters, published at `scheduled_at` by a task."""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import dateparse, timezone

from accounts.models import User
from core import ids
from core.exceptions import ApiError, NotFound, Unprocessable
from statuses.models import MediaAttachment, ScheduledStatus, Status

logger = logging.getLogger(__name__)

# Pleroma's ScheduledActivity limits (config :daily_user_limit / :total_user_limit).
DAILY_LIMIT = 25
TOTAL_LIMIT = 300
# A task may be delivered a little before its eta by a worker whose clock runs ahead.
CLOCK_TOLERANCE = datetime.timedelta(seconds=2)

# The create_status keyword arguments a scheduled status keeps (JSON values, ids as strings).
POSTING_KEYS = ("text", "visibility", "content_type", "spoiler_text", "sensitive", "language",
                "in_reply_to", "media_ids", "quote", "expires_in", "to", "poll")


def parse_scheduled_at(value: Any) -> datetime.datetime:
    """An ISO 8601 time (`Z` or an offset; a time without a zone is UTC)."""
    parsed = None
    if isinstance(value, str) and value.strip():
        try:
            parsed = dateparse.parse_datetime(value.strip())
        except ValueError:
            parsed = None
    if parsed is None:
        raise Unprocessable("Invalid scheduled_at")
    if timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=datetime.UTC)
    try:
        parsed = parsed.astimezone(datetime.UTC)
    except OverflowError:
        raise Unprocessable("Invalid scheduled_at") from None
    if parsed.year > 9000:  # leaves room for the date arithmetic of the limits
        raise Unprocessable("Invalid scheduled_at")
    return parsed


def is_far_enough(scheduled_at: datetime.datetime) -> bool:
    lead = datetime.timedelta(seconds=settings.SCHEDULED_STATUS_MIN_LEAD_SECONDS)
    return scheduled_at >= timezone.now() + lead


def _check_time(account: User, scheduled_at: datetime.datetime, *, exclude=None) -> None:
    """The 5-minute rule and Pleroma's per-day and total limits (the account row is locked
    by the caller, so two requests cannot both take the last place)."""
    if not is_far_enough(scheduled_at):
        raise Unprocessable("Scheduled time is too soon")
    rows = ScheduledStatus.objects.filter(account=account).exclude(pk=exclude)
    day = scheduled_at.date()
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)
    if rows.filter(scheduled_at__gte=start, scheduled_at__lt=start + datetime.timedelta(days=1)).count() >= DAILY_LIMIT:
        raise Unprocessable("Daily limit exceeded")
    if rows.count() >= TOTAL_LIMIT:
        raise Unprocessable("Total limit exceeded")


def _enqueue(scheduled: ScheduledStatus) -> None:
    from statuses import tasks

    scheduled_id, eta = str(scheduled.pk), scheduled.scheduled_at
    transaction.on_commit(lambda: tasks.publish_scheduled_status.apply_async((scheduled_id,), eta=eta))


def schedule_status(account: User, *, scheduled_at: datetime.datetime, posting: dict,
                    hook_params: dict | None = None, application=None,
                    idempotency: str | None = None) -> ScheduledStatus:
    """Keep a status to post at `scheduled_at` (POST /api/v1/statuses with scheduled_at).

    The post is first made and rolled back, so every rule of posting (empty text, poll
    limits, reply target) is checked now and the client hears of it at once.
    """
    from statuses.services.posting import create_status

    posting = {key: posting.get(key) for key in POSTING_KEYS}
    posting["visibility"] = posting["visibility"] or account.default_scope or "public"
    media_pks = [pk for pk in (ids.decode(str(m)) for m in posting["media_ids"] or ()) if pk is not None]
    own_media = set(MediaAttachment.objects.filter(pk__in=media_pks, account=account, status__isnull=True)
                    .values_list("pk", flat=True))
    posting["media_ids"] = [ids.encode(pk) for pk in media_pks if pk in own_media]
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=account.pk).first()
        _check_time(account, scheduled_at)
        counters = account.statuses_count, account.last_status_at
        with transaction.atomic():
            create_status(account, **posting, application=application, params=hook_params)
            transaction.set_rollback(True)
        account.statuses_count, account.last_status_at = counters  # the trial post's
        if posting["poll"] is not None:
            from statuses.services.polls import validate_poll

            posting["poll"] = validate_poll(posting["poll"])
        scheduled = ScheduledStatus.objects.create(
            account=account, scheduled_at=scheduled_at, application=application,
            params={**posting, "hook_params": _plain(hook_params or {}), "idempotency": idempotency})
        _enqueue(scheduled)
    return scheduled


def _plain(params: dict) -> dict:
    """The request parameters the creation hooks read, without the scheduling itself."""
    return {key: value for key, value in params.items()
            if key != "scheduled_at" and isinstance(value, str | int | float | bool | list | dict | None)}


def get_own_scheduled_status(account: User, scheduled_id: str) -> ScheduledStatus:
    """One of the account's scheduled statuses; anyone else's (or junk) is 404."""
    pk = ids.decode(scheduled_id or "")
    scheduled = ScheduledStatus.objects.filter(pk=pk, account=account).first() if pk else None
    if scheduled is None:
        raise NotFound()
    return scheduled


def reschedule(account: User, scheduled: ScheduledStatus, scheduled_at: datetime.datetime) -> ScheduledStatus:
    """Move a scheduled status (PUT /api/v1/scheduled_statuses/:id); the task queued for
    the old time finds the row not due and does nothing."""
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=account.pk).first()
        locked = ScheduledStatus.objects.select_for_update().filter(pk=scheduled.pk, account=account).first()
        if locked is None:
            raise NotFound()
        _check_time(account, scheduled_at, exclude=locked.pk)
        locked.scheduled_at = scheduled_at
        locked.save(update_fields=["scheduled_at"])
        _enqueue(locked)
    return locked


def cancel(account: User, scheduled: ScheduledStatus) -> None:
    """Delete a scheduled status (DELETE /api/v1/scheduled_statuses/:id)."""
    with transaction.atomic():
        deleted, _ = ScheduledStatus.objects.filter(pk=scheduled.pk, account=account).delete()
    if not deleted:
        raise NotFound()


def publish(scheduled_id) -> Status | None:
    """Post a scheduled status that is due, once: the row is locked, posted and deleted in
    one transaction, so a retried or duplicated task finds nothing left to do. A row that
    was deleted, or moved later, is left alone; one that can no longer be posted (its
    reply target deleted meanwhile) is dropped."""
    from statuses.services.posting import create_status

    with transaction.atomic():
        scheduled = (ScheduledStatus.objects.select_for_update(of=("self",)).select_related("account", "application")
                     .filter(pk=scheduled_id).first())
        if scheduled is None or scheduled.scheduled_at > timezone.now() + CLOCK_TOLERANCE:
            return None
        account = scheduled.account
        params = dict(scheduled.params)
        hook_params = params.pop("hook_params", None) or {}
        params.pop("idempotency", None)
        status = None
        if account.is_active and not account.is_deleted:
            try:
                with transaction.atomic():
                    status = create_status(account, **{k: params.get(k) for k in POSTING_KEYS},
                                           application=scheduled.application, params=hook_params)
            except ApiError as error:
                logger.warning("scheduled status %s not posted: %s", scheduled.pk, error)
        scheduled.delete()
    return status


def due_scheduled_statuses(now=None) -> list:
    """Ids of the scheduled statuses whose time has come (the safety net)."""
    return list(ScheduledStatus.objects.filter(scheduled_at__lte=now or timezone.now())
                .order_by("scheduled_at").values_list("pk", flat=True)[:1000])
