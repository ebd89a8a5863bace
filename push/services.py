"""Web Push subscriptions: one per access token, replaced by a new one, gone with the token."""

from __future__ import annotations

import binascii
from datetime import UTC, datetime
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec
from django.db import transaction
from oauth2_provider.models import AccessToken

from core.exceptions import Forbidden, NotFound, Unprocessable
from push.models import ALERT_TYPES, POLICIES, PushSubscription
from push.vapid import b64url, b64url_decode

AUTH_SECRET_BYTES = 16  # RFC 8291 §3.2


def _token(auth) -> AccessToken:
    if not isinstance(auth, AccessToken):
        raise Forbidden("Web Push subscriptions belong to an OAuth access token")
    return auth


def _decoded(value: str, name: str) -> bytes:
    try:
        return b64url_decode(value)
    except (binascii.Error, ValueError) as exc:
        raise Unprocessable(f"{name} is not base64") from exc


def normalised_keys(p256dh: str, auth: str) -> tuple[str, str]:
    """The keys as unpadded base64url, once they prove to be a P-256 point and 16 bytes."""
    point = _decoded(p256dh, "subscription[keys][p256dh]")
    if len(point) != 65 or point[0] != 4:  # RFC 8291 §3.1: the uncompressed form
        raise Unprocessable("subscription[keys][p256dh] is not a P-256 public key")
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    except ValueError as exc:
        raise Unprocessable("subscription[keys][p256dh] is not a P-256 public key") from exc
    secret = _decoded(auth, "subscription[keys][auth]")
    if len(secret) != AUTH_SECRET_BYTES:
        raise Unprocessable(f"subscription[keys][auth] must be {AUTH_SECRET_BYTES} bytes")
    return b64url(point), b64url(secret)


def _checked_endpoint(endpoint: str) -> str:
    try:
        parts = urlsplit(endpoint)
        parts.port  # noqa: B018 (raises on a port out of range)
    except ValueError as exc:
        raise Unprocessable("subscription[endpoint] is not a valid URL") from exc
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Unprocessable("subscription[endpoint] is not a valid URL")
    # The VAPID `aud` is scheme://host[:port]: credentials or an IPv6 literal have no place in it.
    if "@" in parts.netloc or ":" in parts.hostname:
        raise Unprocessable("subscription[endpoint] must name its push service by host name or IPv4 address")
    return endpoint


def _checked_policy(policy: str | None) -> str | None:
    if policy is not None and policy not in POLICIES:
        raise Unprocessable(f"policy must be one of: {', '.join(POLICIES)}")
    return policy


def _alerts(given: dict[str, bool] | None) -> dict[str, bool]:
    """Every alert type, off unless given on (Mastodon and Pleroma store what is sent)."""
    given = given or {}
    return {kind: bool(given.get(kind, False)) for kind in ALERT_TYPES}


def _expires_at(milliseconds: int | None) -> datetime | None:
    if milliseconds is None:
        return None
    try:
        return datetime.fromtimestamp(milliseconds / 1000, tz=UTC)
    except (OverflowError, OSError, ValueError) as exc:
        raise Unprocessable("subscription[expirationTime] is out of range") from exc


def subscribe(auth, *, endpoint: str, p256dh: str, key_auth: str, alerts: dict[str, bool] | None = None,
              policy: str | None = None, standard: bool | None = None,
              expiration_ms: int | None = None) -> PushSubscription:
    """Subscribe the token's notifications to a push endpoint, replacing its old subscription."""
    token = _token(auth)
    p256dh, key_auth = normalised_keys(p256dh, key_auth)
    fields = {
        "endpoint": _checked_endpoint(endpoint), "key_p256dh": p256dh, "key_auth": key_auth,
        "alerts": _alerts(alerts), "policy": _checked_policy(policy) or "all",
        "standard": True if standard is None else standard, "expires_at": _expires_at(expiration_ms),
    }
    with transaction.atomic():
        # The token row's lock orders two subscribes of one token (one row per token).
        AccessToken.objects.select_for_update().filter(pk=token.pk).first()
        PushSubscription.objects.filter(token_id=token.pk).delete()
        return PushSubscription.objects.create(user_id=token.user_id, token_id=token.pk, **fields)


def get_own_subscription(auth) -> PushSubscription:
    """The subscription of the request's token; none is 404 (Mastodon's Record not found)."""
    subscription = PushSubscription.objects.filter(token_id=_token(auth).pk).first()
    if subscription is None:
        raise NotFound()
    return subscription


def update_subscription(auth, *, alerts: dict[str, bool] | None = None,
                        policy: str | None = None) -> PushSubscription:
    """Change what is pushed: the alerts sent replace the stored ones; policy when given."""
    token = _token(auth)
    _checked_policy(policy)
    with transaction.atomic():
        subscription = PushSubscription.objects.select_for_update().filter(token_id=token.pk).first()
        if subscription is None:
            raise NotFound()
        if alerts is not None:
            subscription.alerts = _alerts(alerts)
        if policy is not None:
            subscription.policy = policy
        subscription.save(update_fields=["alerts", "policy"])
    return subscription


def unsubscribe(auth) -> None:
    """Delete the token's subscription; none is fine (Mastodon answers `{}` either way)."""
    token = _token(auth)
    with transaction.atomic():
        PushSubscription.objects.filter(token_id=token.pk).delete()


def drop_subscription(subscription_id) -> None:
    """The push service said the subscription is gone (404/410): forget it."""
    with transaction.atomic():
        PushSubscription.objects.filter(pk=subscription_id).delete()
