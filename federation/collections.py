"""Collections of a local actor (reference/federation.md §1.5): followers and following
(hidden lists honoured), the outbox, the featured (pinned) statuses.

Pages are keyset pages like the client API's (`?page=true` is the newest page, `next`
names `max_id`), never OFFSET; each page is a fixed number of queries.
"""

from __future__ import annotations

from django.http import JsonResponse

from accounts.models import User
from core import ids
from federation import documents
from federation.fetch_access import Fetcher
from relationships.models import Follow


def _json(document: dict, status: int = 200) -> JsonResponse:
    response = JsonResponse(document, status=status, content_type=documents.ACTIVITY_JSON)
    response["Vary"] = "Accept, Signature"
    return response


def _page_request(request) -> tuple[bool, object | None]:
    """(is a page asked for, the max_id cursor as a UUID or None)."""
    max_id = request.GET.get("max_id")
    if max_id is not None:
        return True, ids.decode(max_id)
    return request.GET.get("page") is not None, None


def _is_owner(user: User, fetcher: Fetcher | None) -> bool:
    return fetcher is not None and fetcher.user is not None and fetcher.user.pk == user.pk


def follow_collection(request, user: User, fetcher: Fetcher | None, which: str) -> JsonResponse:
    """followers (accounts following `user`) or following (accounts `user` follows)."""
    collection_id = f"{user.ap_id}/{which}"
    if which == "followers":
        hidden, count_hidden = user.hide_followers, user.hide_followers_count
        rows = Follow.objects.filter(followed=user, state=Follow.State.ACCEPTED,
                                     follower__is_active=True).select_related("follower")
        total = user.followers_count
    else:
        hidden, count_hidden = user.hide_follows, user.hide_follows_count
        rows = Follow.objects.filter(follower=user, state=Follow.State.ACCEPTED,
                                     followed__is_active=True).select_related("followed")
        total = user.following_count
    owner = _is_owner(user, fetcher)
    if owner:
        hidden = count_hidden = False
    shown_total = None if count_hidden else total
    if which == "following" and count_hidden:
        shown_total = 0  # Pleroma shows 0 in a hidden following (§1.5)
    wants_page, max_id = _page_request(request)
    if hidden:
        if wants_page:
            return JsonResponse({"error": "Forbidden"}, status=403)
        return _json(documents.ordered_collection(collection_id, total=shown_total,
                                                  first=f"{collection_id}?page=true"))
    if max_id is not None:
        rows = rows.filter(pk__lt=max_id)
    page = list(rows.order_by("-id")[:documents.COLLECTION_PAGE_SIZE + 1])
    more = len(page) > documents.COLLECTION_PAGE_SIZE
    page = page[:documents.COLLECTION_PAGE_SIZE]
    items = [(row.follower if which == "followers" else row.followed).ap_id for row in page]
    page_id = f"{collection_id}?max_id={ids.encode(max_id)}" if max_id else f"{collection_id}?page=true"
    document = {"id": page_id, "type": "OrderedCollectionPage", "partOf": collection_id,
                "orderedItems": items}
    if shown_total is not None:
        document["totalItems"] = shown_total
    if more:
        document["next"] = f"{collection_id}?max_id={ids.encode(page[-1].pk)}"
    if wants_page:
        return _json({"@context": documents.litepub_context(), **document})
    return _json(documents.ordered_collection(collection_id, total=shown_total, first=document))


def _visible_statuses(user: User, fetcher: Fetcher | None):
    from statuses.models import Status

    qs = Status.objects.filter(account=user, local=True)
    viewer = fetcher.user if fetcher is not None else None
    if viewer is not None and viewer.is_active:
        return qs.visible_to(viewer).filter(visibility__in=("public", "unlisted", "private", "direct"))
    return qs.filter(visibility__in=("public", "unlisted"))


def outbox(request, user: User, fetcher: Fetcher | None) -> JsonResponse:
    """Create/Announce activities of the statuses the fetcher may see, newest first."""
    collection_id = f"{user.ap_id}/outbox"
    wants_page, max_id = _page_request(request)
    statuses = _visible_statuses(user, fetcher)
    if not wants_page:
        return _json(documents.ordered_collection(collection_id, total=statuses.count(),
                                                  first=f"{collection_id}?page=true"))
    if max_id is not None:
        statuses = statuses.filter(pk__lt=max_id)
    page = list(documents.statuses_for_documents(statuses.order_by("-id"))[:documents.COLLECTION_PAGE_SIZE + 1])
    more = len(page) > documents.COLLECTION_PAGE_SIZE
    page = page[:documents.COLLECTION_PAGE_SIZE]
    items = []
    for status in page:
        activity = (documents.announce_activity(status) if status.reblog_of_id
                    else documents.create_activity(status))
        activity.pop("@context", None)
        items.append(activity)
    page_id = f"{collection_id}?max_id={ids.encode(max_id)}" if max_id else f"{collection_id}?page=true"
    document = {"@context": documents.litepub_context(), "id": page_id, "type": "OrderedCollectionPage",
                "partOf": collection_id, "orderedItems": items}
    if more:
        document["next"] = f"{collection_id}?max_id={ids.encode(page[-1].pk)}"
    return _json(document)


def featured(user: User, fetcher: Fetcher | None) -> JsonResponse:
    """Pinned statuses as full Notes, newest pin first."""
    pinned = _visible_statuses(user, fetcher).filter(pinned_at__isnull=False, reblog_of__isnull=True)
    notes = [documents.note_object(status)
             for status in documents.statuses_for_documents(pinned.order_by("-pinned_at"))]
    return _json(documents.ordered_collection(f"{user.ap_id}/collections/featured", total=len(notes),
                                              items=notes))
