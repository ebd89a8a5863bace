"""Background work on events: reminders before the start, notices of edits."""

from __future__ import annotations

import datetime

from celery import shared_task
from django.db import OperationalError

from accounts.models import User
from events import services
from events.models import Event


@shared_task(acks_late=True, max_retries=5, autoretry_for=(OperationalError,), retry_backoff=True)
def send_event_reminder(event_id: str) -> int:
    """`pleroma:event_reminder` two hours before the start; safe to run twice or too early
    (an edit that moves the start schedules another run; this one then does nothing)."""
    event = Event.objects.filter(pk=event_id).first()
    if event is None:
        return 0
    return services.send_reminder(event)


@shared_task(acks_late=True, max_retries=5, autoretry_for=(OperationalError,), retry_backoff=True)
def notify_event_update(event_id: str, editor_id: str, edited_at: str) -> int:
    """`pleroma:event_update` to the participants of an edited event; safe to run twice."""
    event = Event.objects.filter(pk=event_id).select_related("status").first()
    editor = User.objects.filter(pk=editor_id).first()
    if event is None or editor is None:
        return 0
    return services.send_update_notifications(event, editor, datetime.datetime.fromisoformat(edited_at))
