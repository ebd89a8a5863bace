"""Add / Remove received (reference/federation.md §3.15): a remote account pins or unpins one
of its statuses. The target must be the actor's featured collection; an unknown status is
fetched first; Hashtag objects (Mastodon's featured tags) are ignored."""

from __future__ import annotations

from django.utils import timezone

from accounts.models import User
from federation.client import FetchError, fetch_object
from federation.incoming import notes
from federation.incoming.common import Ignored, Rejected, object_id, status_by_uri
from statuses.models import Status


def prepare_featured(activity: dict, remote: User) -> list:
    obj = activity.get("object")
    if isinstance(obj, dict) and obj.get("type") == "Hashtag":
        raise Ignored("featured hashtags are not kept")
    target = object_id(activity.get("target"))
    # The usual address is taken as is; any other must be what the actor's document names.
    if target != f"{remote.remote_ap_id}/collections/featured":
        try:
            document = fetch_object(remote.remote_ap_id)
        except FetchError as exc:
            raise Ignored(f"the actor could not be fetched: {exc}") from exc
        if not target or object_id(document.get("featured")) != target:
            raise Rejected("The target is not the actor's featured collection")
    uri = object_id(obj)
    if activity.get("type") == "Add" and uri and status_by_uri(uri) is None and not notes.is_local_uri(uri):
        return notes.fetch_thread(uri)
    return []


def _own_status(activity: dict, remote: User) -> Status:
    status = status_by_uri(object_id(activity.get("object")))
    if status is None:
        raise Ignored("the object is not a status this server has")
    if status.account_id != remote.pk:
        raise Rejected("The object is not the actor's")
    return status


def handle_add(activity: dict, remote: User, prepared: list) -> None:
    if prepared:
        notes.store_thread(prepared)
    status = _own_status(activity, remote)
    if status.pinned_at is None:
        Status.objects.filter(pk=status.pk).update(pinned_at=timezone.now())


def handle_remove(activity: dict, remote: User, prepared=None) -> None:
    status = _own_status(activity, remote)
    Status.objects.filter(pk=status.pk).update(pinned_at=None)
