"""Notifications announce themselves by their post_save signal; on commit, each one of a
type a subscription of its user alerts on becomes a push task per subscription.

The notifications app does not import push: this module listens.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_save

from push.models import ALERT_TYPES, PushSubscription


def connect() -> None:
    from notifications.models import Notification

    post_save.connect(notification_saved, sender=Notification, dispatch_uid="push.notification_saved")


def notification_saved(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    if raw or not created or instance.type not in ALERT_TYPES:
        return
    notification_id, user_id, kind = instance.pk, instance.user_id, instance.type
    transaction.on_commit(lambda: enqueue_pushes(notification_id, user_id, kind), robust=True)


def enqueue_pushes(notification_id, user_id, kind: str) -> int:
    """A send_push task for each of the user's subscriptions that alerts on `kind`."""
    from push import tasks

    subscriptions = PushSubscription.objects.filter(user_id=user_id).values_list("pk", "alerts", "policy")
    queued = 0
    for pk, alerts, policy in subscriptions:
        if alerts.get(kind) and policy != "none":
            tasks.send_push.delay(notification_id.hex, pk.hex)
            queued += 1
    return queued
