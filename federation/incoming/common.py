"""What every incoming handler shares: the outcomes besides success, and how ids in an
activity are turned into rows of this server."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Q

from accounts.models import User
from core import ids
from statuses.models import Status


class Ignored(Exception):
    """Nothing to do with this activity (unknown type, object not ours...)."""


class Rejected(Exception):
    """The activity breaks a rule (containment, ownership, limits): refused, nothing stored."""


def object_id(value) -> str:
    """The id an `object`/`actor`/`inReplyTo` names: a string, `{id}`, or the first of a list."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) else ""


def host_of(url: str) -> str:
    return (urlsplit(url or "").netloc or "").lower()


def same_host(a: str, b: str) -> bool:
    return bool(host_of(a)) and host_of(a) == host_of(b)


def as_list(value) -> list[str]:
    """`to`/`cc` normalised (§3.1): a string becomes a list, non-strings are dropped."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []


def is_local_uri(uri: str) -> bool:
    return uri.startswith(f"{settings.PLEROMA_URL}/")


def local_account(ap_id: str) -> User | None:
    prefix = f"{settings.PLEROMA_URL}/users/"
    if not ap_id.startswith(prefix):
        return None
    return User.objects.filter(nickname__iexact=ap_id[len(prefix):], domain__isnull=True,
                               is_active=True, is_deleted=False).first()


def status_by_uri(uri: str) -> Status | None:
    """The stored status an ActivityPub id names: ours by /objects/ or /notice/ path, a
    remote one by its ap_id."""
    if not uri:
        return None
    if is_local_uri(uri):
        path = uri[len(settings.PLEROMA_URL):]
        for prefix in ("/objects/", "/notice/"):
            if path.startswith(prefix):
                pk = ids.decode(path[len(prefix):].split("/")[0].split("#")[0])
                if pk is None:
                    return None
                return Status.objects.select_related("account").filter(
                    pk=pk, local=True, reblog_of__isnull=True).first()
        return None
    return Status.objects.select_related("account").filter(ap_id=uri).first()


def cancelled_first(actor_id: str, activity_or_object_id: str, kind: str) -> bool:
    """Whether a `kind` (Delete, Undo) by the actor naming this id arrived before what it
    cancels (§3.5): it was kept, ignored for lack of a target, and the late original is
    dropped rather than coming back."""
    from federation.models import IncomingActivity

    return IncomingActivity.objects.filter(type=kind, actor=actor_id, state=IncomingActivity.State.IGNORED).filter(
        Q(payload__object=activity_or_object_id) | Q(payload__object__id=activity_or_object_id)).exists()
