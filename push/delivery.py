"""Sending one notification to one subscription: encrypt (RFC 8291), sign (RFC 8292), POST.

The endpoint goes through core.http's address checks (no private addresses unless
PLEROMA_ALLOW_PRIVATE_NETWORKS). 404/410 mean the browser dropped the subscription: it is
deleted. 429 and 5xx (and timeouts) are transient: the task retries them later.
"""

from __future__ import annotations

import logging

import orjson
import requests
from django.conf import settings
from django.db import IntegrityError, transaction
from pywebpush import WebPusher

from core import http
from core.ids import encode
from notifications.models import Notification
from push import payload, services, vapid
from push.models import PushDelivery, PushSubscription

log = logging.getLogger(__name__)

TTL = 48 * 3600  # how long the push service keeps an undelivered push (Mastodon's value)
TIMEOUT = 10.0
MAX_ANSWER_BYTES = 65536
GONE = (404, 410)


class TransientFailure(Exception):
    """The push service could not take the push now; try again (after `retry_after` s)."""

    def __init__(self, message: str, retry_after: int | None = None):
        super().__init__(message)
        self.retry_after = retry_after


def admits(subscription: PushSubscription, notification: Notification) -> bool:
    """Whether the alerts and the policy let this notification through (Mastodon's pushable?)."""
    from relationships.models import Follow

    if not subscription.allows(notification.type):
        return False
    if subscription.policy == "followed":  # only from accounts the subscriber follows
        pair = {"follower_id": notification.user_id, "followed_id": notification.account_id}
    elif subscription.policy == "follower":  # only from accounts that follow the subscriber
        pair = {"follower_id": notification.account_id, "followed_id": notification.user_id}
    else:
        return True
    return Follow.objects.filter(state=Follow.State.ACCEPTED, **pair).exists()


def _encrypted(subscription: PushSubscription, data: bytes) -> tuple[bytes, dict]:
    pusher = WebPusher({"endpoint": subscription.endpoint,
                        "keys": {"p256dh": subscription.key_p256dh, "auth": subscription.key_auth}})
    if subscription.standard:
        body = pusher.encode(data, "aes128gcm")["body"]
        return body, {"Content-Encoding": "aes128gcm", **vapid.headers(subscription.endpoint)}
    encoded = pusher.encode(data, "aesgcm")
    signed = vapid.headers(subscription.endpoint, legacy_crypto_key="dh=" + encoded["crypto_key"].decode())
    return encoded["body"], {"Content-Encoding": "aesgcm",
                             "Encryption": "salt=" + encoded["salt"].decode(), **signed}


def _post(url: str, body: bytes, headers: dict) -> int:
    """POST through the outbound address checks; redirects are not followed."""
    http.check_url(url)
    sent = {"User-Agent": http.USER_AGENT.format(url=settings.PLEROMA_URL),
            "Content-Type": "application/octet-stream", **headers}
    try:
        with requests.post(url, data=body, headers=sent, timeout=TIMEOUT, stream=True,
                           allow_redirects=False) as response:
            next(response.iter_content(MAX_ANSWER_BYTES), b"")  # the answer is not used
            retry_after = response.headers.get("Retry-After", "")
            status = response.status_code
    except requests.RequestException as exc:
        raise TransientFailure(f"push service unreachable: {exc.__class__.__name__}") from exc
    if status == 429 or status >= 500:
        raise TransientFailure(f"push service answered {status}",
                               int(retry_after) if retry_after.isdigit() else None)
    return status


def push(notification_id, subscription_id) -> int | None:
    """Push the notification to the subscription once; the push service's status, or None
    when there was nothing to send (either is gone, already sent, or not admitted)."""
    subscription = (PushSubscription.objects.select_related("token", "user")
                    .filter(pk=subscription_id).first())
    notification = (Notification.objects.select_related("user", "account", "status__reblog_of")
                    .filter(pk=notification_id).first())
    if subscription is None or notification is None or notification.user_id != subscription.user_id:
        return None
    if PushDelivery.objects.filter(notification=notification, subscription=subscription).exists():
        return None  # an earlier run sent it
    if subscription.is_expired():
        services.drop_subscription(subscription.pk)
        return None
    if not admits(subscription, notification):
        return None
    data = orjson.dumps(payload.build(notification, subscription))
    body, headers = _encrypted(subscription, data)
    # Topic: a push service keeps one pending push per topic, so a resend replaces, not repeats.
    headers.update(TTL=str(TTL), Urgency="normal", Topic=encode(notification.pk))
    try:
        status = _post(subscription.endpoint, body, headers)
    except http.OutboundError as exc:  # a refused address: retrying changes nothing
        log.warning("push to %s refused: %s", subscription.endpoint, exc)
        return None
    if status in GONE:
        services.drop_subscription(subscription.pk)
    elif 200 <= status < 300:
        try:
            with transaction.atomic():
                PushDelivery.objects.create(notification=notification, subscription=subscription,
                                            status=status)
        except IntegrityError:
            pass  # a concurrent run recorded it first
    else:
        log.warning("push to %s refused with %s", subscription.endpoint, status)
    return status
