"""Finding accounts of other servers for the client API (reference/federation.md §1.1, §7):
`nick@host` by WebFinger then a signed fetch of its actor, or an actor URL; stored as User
rows with a domain and refreshed when stale."""

from __future__ import annotations

from django.conf import settings

from accounts import remote
from accounts.models import User
from federation import actors


def _acct_of(value: str) -> tuple[str, str] | None:
    nick, host = remote.split_acct(value.removeprefix("acct:"))
    if not nick or host is None or remote.is_local_host(host):
        return None
    return nick, host.lower()


def resolve_account(value: str, *, strict: bool = False) -> User | None:
    """The remote account `value` names (`nick@host`, `@nick@host`, `acct:` form or an actor
    URL), fetched when unknown or stale; None when it cannot be found (`strict`: raise
    RemoteUnreachable when the server does not answer)."""
    value = (value or "").strip()
    if value.startswith(("http://", "https://")):
        if value.startswith(f"{settings.PLEROMA_URL}/"):
            return None
        try:
            return actors.get_or_fetch_by_ap_id(value)
        except actors.ActorError:
            return None
    acct = _acct_of(value)
    if acct is None:
        return None
    nick, host = acct
    known = User.objects.filter(nickname__iexact=f"{nick}@{host}", domain__isnull=False).first()
    if known is not None and known.remote_ap_id:
        try:
            return actors.get_or_fetch_by_ap_id(known.remote_ap_id)
        except actors.ActorError:
            return known
    try:
        document = remote.finger(nick, host)
    except remote.RemoteUnreachable:
        if strict:
            raise
        return None
    except remote.RemoteNotFound:
        return None
    link = next((item for item in document.get("links") or [] if isinstance(item, dict)
                 and item.get("rel") == "self" and any(t in str(item.get("type", ""))
                                                       for t in ("activity+json", "ld+json"))), None)
    actor_id = str(link.get("href") or "") if link else ""
    if not actor_id.startswith(("http://", "https://")):
        return None
    try:
        return actors.get_or_fetch_by_ap_id(actor_id)
    except actors.ActorError:
        return None


NOT_FOUND = "account not found"
UNREACHABLE = "server unreachable"


def find_account(value: str) -> tuple[User | None, str]:
    """resolve_account, saying why nothing was found: the server did not answer, or it
    answered that there is no such account (follow imports report which)."""
    try:
        found = resolve_account(value, strict=True)
    except remote.RemoteUnreachable:
        return None, UNREACHABLE
    return (found, "") if found is not None else (None, NOT_FOUND)


def resolve_status(url: str):
    """statuses.registry.status_resolvers: the remote status (a Note, an Event...) at `url`,
    as stored, or fetched with its missing reply parents and stored (search resolve, §7);
    None when it cannot be had."""
    from django.db import transaction

    from federation.incoming import notes
    from federation.incoming.common import Ignored, Rejected, status_by_uri

    url = (url or "").strip()
    if not url.startswith(("http://", "https://")) or url.startswith(f"{settings.PLEROMA_URL}/"):
        return None
    known = status_by_uri(url)
    if known is not None:
        return known
    try:
        thread = notes.fetch_thread(url)
        if not thread:
            return None
        with transaction.atomic():
            return notes.store_thread(thread)
    except (Ignored, Rejected):
        return None
