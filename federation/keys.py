"""RSA keypairs of this server's actors (reference/federation.md §2.4): one per local
account, made when the account is created, and one for the instance actor."""

from __future__ import annotations

import functools

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.db import IntegrityError, transaction

from accounts.models import User
from federation.models import ActorKey

KEY_BITS = 2048  # what Mastodon and Pleroma generate; every server accepts it


def generate_pem_pair() -> tuple[str, str]:
    """(public SPKI PEM, private PKCS#8 PEM) of a new RSA key."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    private_pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                        serialization.NoEncryption()).decode()
    public_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return public_pem, private_pem


@functools.lru_cache(maxsize=1024)
def load_private_key(pem: str) -> rsa.RSAPrivateKey:
    """The key of a PEM, parsed once per process: parsing checks the key, which costs
    about a tenth of a second, on every signed fetch and delivery otherwise."""
    key = serialization.load_pem_private_key(pem.encode(), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("not an RSA private key")
    return key


@functools.lru_cache(maxsize=2048)
def load_public_key(pem: str) -> rsa.RSAPublicKey:
    key = serialization.load_pem_public_key(pem.encode())
    if not isinstance(key, rsa.RSAPublicKey):
        raise ValueError("not an RSA public key")
    return key


def key_for_user(user: User) -> ActorKey:
    """The account's key, made on first use (accounts made before keys existed)."""
    existing = ActorKey.objects.filter(user=user).first()
    if existing is not None:
        return existing
    public_pem, private_pem = generate_pem_pair()
    try:
        with transaction.atomic():
            return ActorKey.objects.create(user=user, public_key_pem=public_pem, private_key_pem=private_pem)
    except IntegrityError:  # made meanwhile by another request
        return ActorKey.objects.get(user=user)


def instance_actor_key() -> ActorKey:
    """The instance actor's key, made on first use."""
    existing = ActorKey.objects.filter(instance_actor=True).first()
    if existing is not None:
        return existing
    public_pem, private_pem = generate_pem_pair()
    try:
        with transaction.atomic():
            return ActorKey.objects.create(instance_actor=True, public_key_pem=public_pem,
                                           private_key_pem=private_pem)
    except IntegrityError:
        return ActorKey.objects.get(instance_actor=True)


def create_missing_keys() -> int:
    """Give every local account without a key one; the number made."""
    made = 0
    missing = User.objects.filter(actor_key__isnull=True, domain__isnull=True, is_deleted=False)
    for user in missing.iterator(chunk_size=100):
        key_for_user(user)
        made += 1
    return made
