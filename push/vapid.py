"""The instance's VAPID key pair (RFC 8292): generated once into the database, shared by
every process through the cache; PLEROMA_VAPID_PRIVATE_KEY (and _PUBLIC_KEY) override it."""

from __future__ import annotations

import base64
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from py_vapid import Vapid01, Vapid02

from push.models import VapidKeyPair

CACHE_KEY = "push:vapid"
CACHE_SECONDS = 24 * 3600
JWT_LIFETIME = 12 * 3600  # RFC 8292 allows at most 24 hours


@dataclass(frozen=True)
class KeyPair:
    public_key: str  # base64url, uncompressed P-256 point: the applicationServerKey
    private_key: str  # base64url, the 32-byte private scalar


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def b64url_decode(value: str) -> bytes:
    """Base64url or standard base64, padded or not (Mastodon.py sends standard base64)."""
    value = value.strip().replace("+", "-").replace("/", "_").rstrip("=")
    return base64.b64decode(value + "=" * (-len(value) % 4), altchars=b"-_", validate=True)


def _public_of(private: ec.EllipticCurvePrivateKey) -> str:
    return b64url(private.public_key().public_bytes(serialization.Encoding.X962,
                                                    serialization.PublicFormat.UncompressedPoint))


def _private_from(value: str) -> ec.EllipticCurvePrivateKey:
    return ec.derive_private_key(int.from_bytes(b64url_decode(value), "big"), ec.SECP256R1())


def generate() -> KeyPair:
    private = ec.generate_private_key(ec.SECP256R1())
    return KeyPair(_public_of(private), b64url(private.private_numbers().private_value.to_bytes(32, "big")))


def configured() -> KeyPair | None:
    """The key pair the environment sets, if any; a wrong setting stops the server at start."""
    if not settings.VAPID_PRIVATE_KEY:
        if settings.VAPID_PUBLIC_KEY:
            raise ImproperlyConfigured("PLEROMA_VAPID_PUBLIC_KEY needs PLEROMA_VAPID_PRIVATE_KEY")
        return None
    try:
        derived = _public_of(_private_from(settings.VAPID_PRIVATE_KEY))
    except ValueError as exc:
        raise ImproperlyConfigured("PLEROMA_VAPID_PRIVATE_KEY is not a base64url P-256 key") from exc
    if settings.VAPID_PUBLIC_KEY and b64url_decode(settings.VAPID_PUBLIC_KEY) != b64url_decode(derived):
        raise ImproperlyConfigured("PLEROMA_VAPID_PUBLIC_KEY is not the private key's public key")
    return KeyPair(derived, settings.VAPID_PRIVATE_KEY)


def key_pair() -> KeyPair:
    """The configured pair, else the stored one (created by the first process that asks)."""
    configured_pair = configured()
    if configured_pair is not None:
        return configured_pair
    cached = cache.get(CACHE_KEY)
    if cached:
        return KeyPair(*cached)
    fresh = generate()
    # get_or_create on a fixed key: when two processes race, both end up with the first row.
    row, _ = VapidKeyPair.objects.get_or_create(
        pk=1, defaults={"public_key": fresh.public_key, "private_key": fresh.private_key})
    pair = KeyPair(row.public_key, row.private_key)
    cache.set(CACHE_KEY, (pair.public_key, pair.private_key), CACHE_SECONDS)
    return pair


def public_key() -> str:
    """What clients pass to PushManager.subscribe() as applicationServerKey."""
    return key_pair().public_key


def subject() -> str:
    """The JWT `sub`: the instance contact address, else the instance URL (RFC 8292 §2.1)."""
    return f"mailto:{settings.INSTANCE_EMAIL}" if settings.INSTANCE_EMAIL else settings.PLEROMA_URL


def headers(endpoint: str, *, legacy_crypto_key: str | None = None) -> dict:
    """VAPID headers for a push to `endpoint`: RFC 8292's `Authorization: vapid t=<JWT>,k=<key>`,
    or for the legacy aesgcm draft `Authorization: WebPush <JWT>` with the key in Crypto-Key."""
    parts = urlsplit(endpoint)
    claims = {"aud": f"{parts.scheme}://{parts.netloc}", "exp": int(time.time()) + JWT_LIFETIME,
              "sub": subject()}
    signer_class = Vapid01 if legacy_crypto_key is not None else Vapid02
    # no-strict: `sub` may be an https URL, which py_vapid's mailto check refuses.
    signer = signer_class(_private_from(key_pair().private_key), conf={"no-strict": True})
    if legacy_crypto_key is not None:
        return signer.sign(claims, crypto_key=legacy_crypto_key)
    return signer.sign(claims)
