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


@shared_task(queue="inbox", acks_late=True, max_retries=5, autoretry_for=TRANSIENT, retry_backoff=True)
def process_activity(activity_id: str) -> None:
    """Act on one received activity; a second run finds it done and returns."""
    from federation import incoming
    from federation.models import IncomingActivity

    row = IncomingActivity.objects.filter(pk=activity_id).first()
    if row is not None:
        incoming.process(row)


@shared_task(bind=True, queue="delivery", acks_late=True, max_retries=None)
def deliver(self, delivery_id: str) -> None:
    """Send one (activity, inbox); transient failures come back later with backoff."""
    from federation import delivery
    from federation.models import Delivery

    row = Delivery.objects.select_related("activity__actor").filter(pk=delivery_id).first()
    if row is None or row.state != Delivery.State.PENDING:
        return  # gone, or delivered by an earlier run
    try:
        delivery.deliver(row)
    except delivery.Postponed as exc:  # no attempt made: not counted against the delivery
        raise self.retry(exc=exc, countdown=exc.seconds) from exc
    except (delivery.TransientDeliveryError, OperationalError) as exc:
        if row.attempts >= delivery.MAX_ATTEMPTS:
            Delivery.objects.filter(pk=row.pk).update(state=Delivery.State.FAILED)
            return
        raise self.retry(exc=exc, countdown=delivery.backoff_seconds(row.attempts)) from exc
