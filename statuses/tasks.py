"""Background work on statuses."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from statuses import services


@shared_task(acks_late=True, max_retries=5, autoretry_for=(OperationalError,), retry_backoff=True)
def expire_status(status_id: str) -> bool:
    """Delete a status once its `expires_at` has passed; safe to run twice or too early."""
    return services.expire_status(status_id)
