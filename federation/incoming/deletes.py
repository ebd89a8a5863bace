"""Delete received (reference/federation.md §3.11): of a note (by id or Tombstone) the
status goes, with its counters, notifications and timeline entries (the row's deletion
streams the `delete` event on commit); of the actor itself, the account is deactivated,
its statuses and favourites removed and its follows ended; of a QuoteAuthorization stamp a
quote here relies on, the quote is unlinked (federation.quotes)."""

from __future__ import annotations

from django.db.models import F, Q
from django.db.models.functions import Greatest

from accounts.models import User
from federation.incoming.common import Ignored, Rejected, object_id
from federation.models import QuoteAuthorization
from notifications.models import Notification
from relationships import follows
from relationships.models import Follow
from statuses.models import Favourite, Status
from statuses.services import delete_status


def handle_delete(activity: dict, remote: User, prepared=None) -> None:
    target = object_id(activity.get("object"))
    if not target:
        raise Ignored("Delete of nothing")
    if target == remote.remote_ap_id:
        delete_actor(remote)
        return
    from federation import quotes

    if quotes.handle_revocation(target, remote):
        return  # a QuoteAuthorization stamp withdrawn (FEP-044f)
    status = Status.objects.filter(ap_id=target).first()
    if status is None:
        raise Ignored("Delete of an object this server does not have")
    if status.account_id != remote.pk:
        raise Rejected("Delete of an object owned by another actor")
    delete_status(remote, status)
    QuoteAuthorization.objects.filter(quoting_uri=target).delete()  # stamps for a quote now gone


def delete_actor(remote: User) -> None:
    """The account's Delete of itself: deactivated, its content and relationships gone."""
    for favourite in Favourite.objects.filter(account=remote).select_related("status"):
        Status.objects.filter(pk=favourite.status_id).update(
            favourites_count=Greatest(F("favourites_count") - 1, 0))
        favourite.delete()
    # Reblogs first: deleting an original would take its reblogs with it uncounted.
    for reblogs in (True, False):
        for status in Status.objects.filter(account=remote, reblog_of__isnull=not reblogs):
            delete_status(remote, status)
    for row in Follow.objects.filter(Q(follower=remote) | Q(followed=remote)).select_related("follower", "followed"):
        follows.unfollow(row.follower, row.followed)
    Notification.objects.filter(account=remote).delete()
    remote.is_active, remote.is_deleted = False, True
    remote.save(update_fields=["is_active", "is_deleted"])
