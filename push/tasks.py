"""Celery tasks of Web Push: one push per (notification, subscription)."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from push import delivery
from push.models import PushDelivery

MAX_RETRIES = 8
BACKOFF_CAP = 3600
# Longer than a task's retries can last (8 retries of at most an hour): a redelivered task
# still finds its pair recorded.
DELIVERY_MEMORY = 2 * 24 * 3600


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


@shared_task(queue="default", acks_late=True)
def prune_deliveries() -> int:
    """Forget sent pushes older than any retry of their task could be (the beat runs it)."""
    deleted, _ = PushDelivery.objects.filter(
        sent_at__lt=timezone.now() - timedelta(seconds=DELIVERY_MEMORY)).delete()
    return deleted
