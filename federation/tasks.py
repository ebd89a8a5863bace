"""Celery tasks of federation. Each takes ids, reloads its rows and is safe to run again."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from accounts.models import User

TRANSIENT = (OperationalError,)


@shared_task(queue="default", acks_late=True, max_retries=5, autoretry_for=TRANSIENT, retry_backoff=True)
def create_actor_key(user_id: str) -> None:
    """Give a new local account its RSA keypair (nothing when it has one already)."""
    from federation import keys

    user = User.objects.filter(pk=user_id, domain__isnull=True, is_deleted=False).first()
    if user is not None:
        keys.key_for_user(user)
