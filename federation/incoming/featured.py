"""Pinned statuses of remote accounts (reference/federation.md §1.4, §1.5, §3.15).

Add / Remove received: a remote account pins or unpins one of its statuses. The target must
be the actor's featured collection; an unknown status is fetched first; Hashtag objects
(Mastodon's featured tags) are ignored.

Read when the actor is fetched: its `featured` collection (items inline, or in an inline or
linked first page; at most MAX_FEATURED of them) gives the pins. Unknown notes are fetched
first, outside any transaction, as an incoming activity's prepare step does; then the notes
are stored and the pin marks set (and cleared on statuses no longer listed) at once.
"""

from __future__ import annotations

import datetime
import logging

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from federation.client import FetchError, fetch_object
from federation.incoming import notes
from federation.incoming.common import Ignored, Rejected, object_id, same_host, status_by_uri
from mrf import policies
from statuses.models import Status

MAX_FEATURED = 20  # more pins than any server allows; a longer collection is cut there

log = logging.getLogger(__name__)


def prepare_featured(activity: dict, remote: User) -> list:
    obj = activity.get("object")
    if isinstance(obj, dict) and obj.get("type") == "Hashtag":
        raise Ignored("featured hashtags are not kept")
    target = object_id(activity.get("target"))
    # The usual address is taken as is; any other must be what the actor's document names.
    if target not in (f"{remote.remote_ap_id}/collections/featured", remote.featured_address or None):
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


# --- reading the featured collection -----------------------------------------------------------

def _items(collection: dict, account: User) -> list:
    """The collection's items: inline, or in its first page (inline or fetched from the
    actor's host); at most MAX_FEATURED."""
    items = collection.get("orderedItems", collection.get("items"))
    if items is None:
        first = collection.get("first")
        if isinstance(first, str) and same_host(first, account.remote_ap_id or ""):
            try:
                first = fetch_object(first)
            except FetchError:
                return []
        if isinstance(first, dict):
            items = first.get("orderedItems", first.get("items"))
    if isinstance(items, (str, dict)):
        items = [items]
    return items[:MAX_FEATURED] if isinstance(items, list) else []


def _embedded_thread(item: dict, account: User) -> list[notes.Incoming]:
    """An inline note of the collection (it came from the actor's server) as a thread to store."""
    note = policies.filter_object(item)
    if note is None:
        return []
    try:
        note = notes.check_note(note, account)
        return [notes.Incoming(note, account), *notes.fetch_ancestors(note)]
    except (Rejected, Ignored):
        return []


def fetch_featured(account: User) -> tuple[list[str], list[list[notes.Incoming]]] | None:
    """(ids of the pinned notes, newest pin first; the threads of those not stored yet), or
    None when the collection could not be read (the pins stay as they are). No transaction."""
    address = account.featured_address
    if not address or not account.remote_ap_id or not same_host(address, account.remote_ap_id):
        return None
    try:
        collection = fetch_object(address)
    except FetchError as exc:
        log.info("featured collection of %s not read: %s", account.remote_ap_id, exc)
        return None
    if collection.get("id") != address:
        return None
    uris: list[str] = []
    threads: list[list[notes.Incoming]] = []
    for item in _items(collection, account):
        uri = object_id(item)
        if not uri or not same_host(uri, account.remote_ap_id) or uri in uris:
            continue
        uris.append(uri)
        if status_by_uri(uri) is not None:
            continue
        thread = _embedded_thread(item, account) if isinstance(item, dict) and item.get("type") else []
        if not thread:
            try:
                thread = notes.fetch_thread(uri)
            except Rejected:
                thread = []
        if thread:
            threads.append(thread)
    return uris, threads


def store_featured(account: User, uris: list[str], threads: list[list[notes.Incoming]]) -> int:
    """Store the fetched notes and mark exactly the listed statuses of `account` pinned, in
    the collection's order; the number pinned."""
    with transaction.atomic():
        for thread in threads:
            try:
                with transaction.atomic():
                    notes.store_thread(thread)
            except (Rejected, Ignored):
                continue
        listed = {status.ap_id: status for status in Status.objects.filter(
            account=account, ap_id__in=uris, reblog_of__isnull=True).only("pk", "ap_id", "pinned_at")}
        now = timezone.now()
        kept = []
        for position, uri in enumerate(uris):
            status = listed.get(uri)
            if status is None:
                continue  # not fetchable, or not the account's own
            kept.append(status.pk)
            if status.pinned_at is None:
                # Newest pin first: each later item was pinned a little earlier.
                Status.objects.filter(pk=status.pk).update(
                    pinned_at=now - datetime.timedelta(milliseconds=position))
        Status.objects.filter(account=account, pinned_at__isnull=False).exclude(pk__in=kept).update(pinned_at=None)
    return len(kept)


def read_featured(account: User) -> int | None:
    """Bring the pins of a remote account in line with its featured collection; None when
    the collection could not be read."""
    found = fetch_featured(account)
    if found is None:
        return None
    return store_featured(account, *found)
