"""Celery tasks of Web Push: one push per (notification, subscription)."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from push import delivery

MAX_RETRIES = 8
BACKOFF_CAP = 3600


@shared_task(bind=True, queue="default", acks_late=True, max_retries=MAX_RETRIES,
             autoretry_for=(OperationalError,), retry_backoff=True)
def send_push(self, notification_id: str, subscription_id: str) -> None:
    """Push one notification to one subscription; safe to run twice (sent once per pair)."""
    try:
        delivery.push(notification_id, subscription_id)
    except delivery.TransientFailure as exc:
        # The push service's Retry-After when it gives one, else exponential backoff.
        backoff = 30 * 2 ** self.request.retries if exc.retry_after is None else exc.retry_after
        raise self.retry(exc=exc, countdown=min(backoff, BACKOFF_CAP)) from exc
