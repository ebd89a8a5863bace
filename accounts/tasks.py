"""Celery tasks of accounts: account deletion and deactivation, moves, mail.

Each takes ids, reloads its rows, returns early when there is nothing (left) to do, and
is safe to run again: a worker that dies mid-task leaves work a second run finishes.
"""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from accounts.models import User

TRANSIENT = (OperationalError,)


@shared_task(queue="default", acks_late=True, max_retries=5, autoretry_for=TRANSIENT, retry_backoff=True)
def remove_account_data(user_id: str) -> None:
    """Remove a deleted account's statuses, media, relationships and tokens."""
    from accounts import security

    user = User.objects.filter(pk=user_id, is_deleted=True).first()
    if user is not None:
        security.remove_account_data(user)


@shared_task(queue="default", acks_late=True, max_retries=5, autoretry_for=TRANSIENT, retry_backoff=True)
def drop_local_follows(user_id: str) -> None:
    """End the follows of a deactivated account."""
    from accounts import security

    user = User.objects.filter(pk=user_id, is_active=False).first()
    if user is not None:
        security.drop_local_follows(user)


@shared_task(queue="default", acks_late=True, max_retries=5, autoretry_for=TRANSIENT, retry_backoff=True)
def move_followers(origin_id: str, target_id: str) -> None:
    """Move the local followers of a moved account to its new account."""
    from accounts import registry

    origin = User.objects.filter(pk=origin_id).first()
    target = User.objects.filter(pk=target_id, is_active=True, is_deleted=False).first()
    if origin is not None and target is not None:
        registry.get_relationships().move_followers(origin, target)


@shared_task(queue="mail", acks_late=True, max_retries=5, autoretry_for=(OSError,), retry_backoff=True)
def send_confirmation_email(user_id: str) -> None:
    """Mail the confirmation link (nothing when the account is confirmed meanwhile)."""
    from accounts import security

    user = User.objects.filter(pk=user_id).first()
    if user is not None:
        security.send_confirmation_email(user)


REMOTE_IMAGE_RETRIES = 5


@shared_task(bind=True, queue="default", acks_late=True, max_retries=REMOTE_IMAGE_RETRIES,
             autoretry_for=TRANSIENT, retry_backoff=True)
def cache_remote_account_images(self, user_id: str) -> list[str]:
    """Copy a remote account's avatar and header here; safe to run twice. An unreachable
    server is tried again with backoff, then the images stay hotlinked."""
    from accounts import remote_images
    from core import remote_media

    try:
        return remote_images.cache_account_images(user_id)
    except remote_media.Unavailable as exc:
        if self.request.retries >= REMOTE_IMAGE_RETRIES:
            return []
        raise self.retry(exc=exc, countdown=60 * 3 ** self.request.retries) from exc
