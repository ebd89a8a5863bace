"""Actors of other servers (reference/federation.md §1.1, §1.4, §2.2 step 5, §7): fetched
with a signed GET, kept as User rows with a domain, refreshed when stale; and the key
lookup signature verification uses, for local and remote keyIds alike."""

from __future__ import annotations

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts import remote_images
from accounts.models import User
from federation import documents, keys, signatures
from federation.client import FetchError, fetch_object
from mrf import policies

STALE_AFTER = datetime.timedelta(days=1)  # Pleroma refreshes remote users older than a day
REFETCH_INTERVAL = datetime.timedelta(minutes=1)
ACTOR_TYPES = ("Person", "Service", "Group", "Application", "Organization")


class ActorError(Exception):
    """The actor could not be fetched or its document is unusable."""


# --- keys -------------------------------------------------------------------------------------

def _local_key_owner(key_id: str) -> tuple[bool, User | None]:
    """(is it ours, the account) for a keyId on this server's host."""
    actor_id = signatures.key_id_to_actor_id(key_id)
    if not actor_id.startswith(f"{settings.PLEROMA_URL}/"):
        return False, None
    prefix = f"{settings.PLEROMA_URL}/users/"
    if actor_id.startswith(prefix):
        return True, User.objects.filter(nickname__iexact=actor_id[len(prefix):], domain__isnull=True,
                                         is_deleted=False).first()
    return True, None


def public_key_for(key_id: str, refresh: bool) -> signatures.PublicKey:
    """The public key a keyId names; local keys are never fetched (§2.2 step 10)."""
    local, user = _local_key_owner(key_id)
    if local:
        if key_id == documents.key_id_of(documents.instance_actor_id()):
            return keys.load_public_key(keys.instance_actor_key().public_key_pem)
        if user is None or key_id != documents.key_id_of(user.ap_id):
            raise signatures.SignatureError(f"Unknown key {key_id}")
        return keys.load_public_key(keys.key_for_user(user).public_key_pem)
    account = User.objects.filter(public_key_id=key_id, domain__isnull=False).first()
    # A refetch for a failed signature at most once a minute per actor: a flood of bad
    # signatures must not make us hammer its server (§2.2 step 7).
    recently = account is not None and account.last_fetched_at is not None and (
        timezone.now() - account.last_fetched_at < REFETCH_INTERVAL)
    if account is None or not account.public_key_pem or (refresh and not recently):
        try:
            account = refresh_actor(signatures.key_id_to_actor_id(key_id), expect_key_id=key_id)
        except ActorError as exc:
            raise signatures.KeyUnavailable(f"Failed to fetch the key {key_id}: {exc}") from exc
    try:
        return keys.load_public_key(account.public_key_pem)
    except ValueError as exc:
        raise signatures.SignatureError(f"Unusable key {key_id}") from exc


def account_of_key(key_id: str) -> User | None:
    """The account a verified keyId belongs to; None for server-level actors."""
    local, user = _local_key_owner(key_id)
    if local:
        return user
    account = User.objects.filter(public_key_id=key_id, domain__isnull=False).first()
    if account is None or account.actor_type == User.ActorType.APPLICATION:
        return None
    return account


# --- remote actors ----------------------------------------------------------------------------

def _string(value) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return str(value.get("href") or value.get("url") or "")
    if isinstance(value, list) and value:
        return _string(value[0])
    return ""


def _image(value) -> str:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        return _string(value.get("url"))
    return _string(value)


def _same_host(a: str, b: str) -> bool:
    return (urlsplit(a).hostname or "").lower() == (urlsplit(b).hostname or "").lower()


def actor_fields(document: dict, actor_id: str) -> dict:
    """The User fields an actor document sets; ActorError when it is not a usable actor."""
    from federation.incoming.notes import emojis_of  # (notes imports this module)

    if document.get("id") != actor_id:
        raise ActorError("the actor document names another id")
    kind = document.get("type")
    if kind not in ACTOR_TYPES:
        raise ActorError("not an actor")
    username = document.get("preferredUsername")
    if not isinstance(username, str) or not username or "@" in username or len(username) > 100:
        raise ActorError("no usable preferredUsername")
    inbox = _string(document.get("inbox"))
    if not inbox.startswith(("http://", "https://")):
        raise ActorError("no inbox")
    key = document.get("publicKey") or {}
    if isinstance(key, list):
        key = key[0] if key else {}
    key_id = _string(key.get("id")) if isinstance(key, dict) else ""
    key_pem = str(key.get("publicKeyPem") or "") if isinstance(key, dict) else ""
    endpoints = document.get("endpoints") if isinstance(document.get("endpoints"), dict) else {}
    host = (urlsplit(actor_id).hostname or "").lower()
    port = urlsplit(actor_id).port
    domain = f"{host}:{port}" if port else host
    aliases = document.get("alsoKnownAs") or []
    if isinstance(aliases, str):
        aliases = [aliases]
    fields = [{"name": str(item.get("name", ""))[:512], "value": str(item.get("value", ""))[:2048]}
              for item in (document.get("attachment") or []) if isinstance(item, dict)
              and item.get("type") == "PropertyValue"][:20]
    featured = _string(document.get("featured"))
    from core import markup

    return {
        "nickname": f"{username}@{domain}",
        "domain": domain,
        "actor_type": kind,
        "display_name": str(document.get("name") or "")[:200],
        "note_html": markup.sanitize(str(document.get("summary") or "")) if document.get("summary") else "",
        "locked": bool(document.get("manuallyApprovesFollowers")),
        "discoverable": bool(document.get("discoverable")),
        "inbox": inbox,
        "shared_inbox": _string(endpoints.get("sharedInbox")),
        "remote_url": _string(document.get("url")) or actor_id,
        "followers_address": _string(document.get("followers")),
        # Only a collection on the actor's own host is read for its pins (§1.4, §3.15).
        "featured_address": featured if _same_host(featured, actor_id) else "",
        "public_key_id": key_id if key_id and _same_host(key_id, actor_id) else "",
        "public_key_pem": key_pem if key_id and _same_host(key_id, actor_id) else "",
        "remote_avatar": _image(document.get("icon")),
        "remote_header": _image(document.get("image")),
        "also_known_as": [str(a) for a in aliases if isinstance(a, str)],
        "moved_to": _string(document.get("movedTo")),
        "fields": fields,
        "emojis": emojis_of(document),  # the Emoji tags of the name, bio and fields
        "last_fetched_at": timezone.now(),
    }


def refresh_actor(actor_id: str, *, expect_key_id: str | None = None) -> User:
    """Fetch an actor (signed) and store it; with `expect_key_id`, the actor must list it."""
    if actor_id.startswith(f"{settings.PLEROMA_URL}/"):
        raise ActorError("a local actor is never fetched")
    if not policies.accepts_id(actor_id):
        raise ActorError("the actor's server is rejected by an instance policy")
    try:
        document = fetch_object(actor_id)
    except FetchError as exc:
        raise ActorError(str(exc)) from exc
    document = policies.filter_actor(document) if isinstance(document, dict) else document
    if document is None:
        raise ActorError("the actor's server is rejected by an instance policy")
    fields = actor_fields(document, actor_id)
    if expect_key_id is not None and fields["public_key_id"] != expect_key_id:
        raise ActorError("the actor does not list that key")
    user = store_actor(actor_id, fields)
    if user.featured_address and user.is_active:
        from federation import tasks

        user_id = str(user.pk)
        transaction.on_commit(lambda: tasks.read_featured.delay(user_id))  # its pins (§1.4)
    return user


def store_actor(actor_id: str, fields: dict) -> User:
    """Create or update the remote account of `actor_id`."""
    with transaction.atomic():
        user = User.objects.select_for_update().filter(remote_ap_id=actor_id).first()
        if user is None:
            # A nickname taken by another actor (renamed or replaced account) goes to the
            # new one; the old row keeps its id under a name that cannot clash (§1.4).
            clash = User.objects.select_for_update().filter(nickname__iexact=fields["nickname"]).first()
            if clash is not None:
                if clash.domain is None:
                    raise ActorError("the nickname names a local account")
                clash.nickname = f"{clash.pk.hex}.{clash.nickname}"[:255]
                clash.save(update_fields=["nickname"])
            user = User(remote_ap_id=actor_id, **fields)
            user.set_unusable_password()
            try:
                with transaction.atomic():
                    user.save()
            except IntegrityError:  # stored meanwhile by a concurrent fetch
                user = User.objects.select_for_update().get(remote_ap_id=actor_id)
                _update(user, fields)
            remote_images.schedule_caching(user)
            return user
        _update(user, fields)
        remote_images.schedule_caching(user)
        return user


def _update(user: User, fields: dict) -> None:
    changed = [name for name, value in fields.items() if getattr(user, name) != value]
    for name in changed:
        setattr(user, name, fields[name])
    changed += remote_images.forget_outdated_copies(user, changed)  # a new avatar or header
    if changed:
        user.save(update_fields=changed)


def get_or_fetch_by_ap_id(actor_id: str) -> User:
    """The remote account of an actor id, fetched when unknown or stale."""
    user = User.objects.filter(remote_ap_id=actor_id).first()
    if user is not None and user.last_fetched_at and timezone.now() - user.last_fetched_at < STALE_AFTER:
        return user
    try:
        return refresh_actor(actor_id)
    except ActorError:
        if user is not None:
            return user  # keep showing what we knew when the refresh fails
        raise


def remote_owner_of_key(key_id: str) -> User | None:
    """The remote account whose (verified) key this is."""
    return User.objects.filter(public_key_id=key_id, domain__isnull=False).first()
