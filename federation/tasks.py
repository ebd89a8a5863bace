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


@shared_task(queue="delivery", acks_late=True, max_retries=5, autoretry_for=TRANSIENT, retry_backoff=True)
def deliver(delivery_id: str) -> None:
    """Send one (activity, inbox) when it is due; a transient failure schedules the next
    attempt with backoff (federation.delivery.attempt), a second run of a sent row does nothing."""
    from federation import delivery

    delivery.attempt(delivery_id)


@shared_task(queue="delivery", acks_late=True, autoretry_for=TRANSIENT, max_retries=5, retry_backoff=True)
def fan_out(activity_id: str) -> int:
    """Queue one delivery task per inbox of an activity (an activity for many servers)."""
    from federation import delivery

    return delivery.fan_out(activity_id)


@shared_task(queue="delivery", acks_late=True, autoretry_for=TRANSIENT, max_retries=3, retry_backoff=True)
def sweep_deliveries() -> int:
    """Periodic: queue the pending deliveries whose attempt is overdue (nothing is lost when a
    worker dies mid-way or a scheduled retry's message goes missing)."""
    from federation import delivery

    return delivery.sweep()


@shared_task(queue="delivery", acks_late=True, autoretry_for=TRANSIENT, max_retries=3, retry_backoff=True)
def probe_unreachable_instances() -> int:
    """Periodic: probe the servers marked unreachable and resume deliveries to those back."""
    from federation import delivery

    return delivery.probe_unreachable()


@shared_task(queue="delivery", acks_late=True, autoretry_for=TRANSIENT, max_retries=3, retry_backoff=True)
def resume_instance(host: str) -> int:
    """A server marked unreachable showed it is up: queue what was deferred for it."""
    from federation import delivery

    return delivery.resume(host)


@shared_task(queue="default", acks_late=True, max_retries=5, autoretry_for=TRANSIENT, retry_backoff=True)
def move_followers_elsewhere(origin_id: str, target_ap_id: str) -> None:
    """The local followers of a moved account (local or remote) who allow it follow its new
    account on another server, fetched when unknown; safe to rerun (moved ones are done)."""
    from accounts import registry
    from federation import actors
    from federation.incoming.common import is_local_uri, local_account

    origin = User.objects.filter(pk=origin_id).first()
    if origin is None or origin.moved_to != target_ap_id:
        return
    if is_local_uri(target_ap_id):
        target = local_account(target_ap_id)  # a remote account moved to one of ours
        if target is None:
            return
    else:
        try:
            target = actors.get_or_fetch_by_ap_id(target_ap_id)
        except actors.ActorError:
            return  # the new account can not be had: the followers stay
    registry.get_relationships().move_followers(origin, target)


@shared_task(queue="inbox", acks_late=True, max_retries=5, autoretry_for=TRANSIENT, retry_backoff=True)
def read_featured(user_id: str) -> None:
    """Read a remote account's featured collection (its pins) after its actor was fetched."""
    from django.core.cache import cache

    from federation.incoming import featured

    account = User.objects.filter(pk=user_id, domain__isnull=False, is_active=True).exclude(
        featured_address="").first()
    # One read a minute per account: actor refreshes come in bursts (a key refresh, an Update).
    if account is not None and cache.add(f"federation:featured-read:{user_id}", 1, timeout=60):
        featured.read_featured(account)
