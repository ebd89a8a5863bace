"""What accounts do to statuses: favourite, reblog, pin, mute the thread. All idempotent."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone

from accounts.models import User
from core.exceptions import BadRequest, Unprocessable
from notifications.models import Notification
from notifications.services import notify
from statuses import registry
from statuses.models import Favourite, Mention, Status, StatusContext, ThreadMute, Visibility
from statuses.queries import PUBLIC_VISIBILITIES


def original(status: Status) -> Status:
    """Actions on a reblog wrapper act on the reblogged status."""
    return status.reblog_of if status.reblog_of_id else status


def _forget_notification(user_id, account: User, type: str, status: Status) -> None:
    Notification.objects.filter(user_id=user_id, account=account, type=type, status=status).delete()


def favourite(account: User, status: Status) -> Status:
    """Like a status; a second favourite is a no-op."""
    status = original(status)
    with transaction.atomic():
        row, created = Favourite.objects.get_or_create(account=account, status=status)
        if created:
            Status.objects.filter(pk=status.pk).update(favourites_count=F("favourites_count") + 1)
            status.favourites_count += 1
            notify(status.account, account, "favourite", status=status)
            for hook in registry.after_favourite:
                hook(account, status, row)
    return status


def unfavourite(account: User, status: Status) -> Status:
    """Undo a like; nothing happens when there is none."""
    status = original(status)
    with transaction.atomic():
        row = Favourite.objects.select_for_update().filter(account=account, status=status).first()
        if row is not None:
            for hook in registry.after_unfavourite:
                hook(account, status, row)
            row.delete()
            Status.objects.filter(pk=status.pk).update(
                favourites_count=Greatest(F("favourites_count") - 1, 0))
            status.favourites_count = max(status.favourites_count - 1, 0)
            _forget_notification(status.account_id, account, "favourite", status)
    return status


def reblog_visibility(target: Status, requested: str | None) -> str:
    """The Announce's visibility (mastodon-base 1.6)."""
    if target.visibility == Visibility.LOCAL:
        return Visibility.LOCAL
    if requested in (None, "", "public", "unlisted") and target.visibility in ("public", "unlisted"):
        return Visibility.PUBLIC
    return Visibility.PRIVATE


def reblog(account: User, status: Status, *, visibility: str | None = None) -> Status:
    """Announce a status; returns the reblog (a Status with `reblog_of`); twice gives the same one."""
    target = original(status)
    allowed = target.visibility in PUBLIC_VISIBILITIES or (
        target.visibility == Visibility.PRIVATE and target.account_id == account.pk)
    if not allowed:
        raise Unprocessable("can't announce non-public object")
    with transaction.atomic():
        Status.objects.select_for_update().filter(pk=target.pk).first()
        existing = Status.objects.filter(account=account, reblog_of=target).first()
        if existing is not None:
            return existing
        boost = Status.objects.create(
            account=account, reblog_of=target, reblog_of_account_id=target.account_id,
            visibility=reblog_visibility(target, visibility),
            content="", local=True)
        if target.account_id != account.pk:
            Mention.objects.create(status=boost, account_id=target.account_id)
        Status.objects.filter(pk=target.pk).update(reblogs_count=F("reblogs_count") + 1)
        notify(target.account, account, "reblog", status=target)
        for hook in registry.after_reblog:
            hook(boost)
    return boost


def unreblog(account: User, status: Status) -> Status:
    """Undo a reblog; returns the original status."""
    target = original(status)
    with transaction.atomic():
        boosts = list(Status.objects.select_for_update().filter(account=account, reblog_of=target))
        for boost in boosts:
            for hook in registry.after_unreblog:
                hook(boost)
        deleted, _ = Status.objects.filter(pk__in=[b.pk for b in boosts]).delete()
        if deleted:
            Status.objects.filter(pk=target.pk).update(
                reblogs_count=Greatest(F("reblogs_count") - 1, 0))
            _forget_notification(target.account_id, account, "reblog", target)
    return target


def max_pinned() -> int:
    return settings.MAX_PINNED_STATUSES


def pin(account: User, status: Status) -> Status:
    """Pin one's own public/unlisted status to the profile."""
    if status.account_id != account.pk or status.reblog_of_id:
        raise Unprocessable("Someone else's status cannot be pinned")
    if status.visibility not in ("public", "unlisted"):
        raise Unprocessable("Non-public status cannot be pinned")
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=account.pk).first()
        current = Status.objects.filter(pk=status.pk).values_list("pinned_at", flat=True).first()
        if current is not None:
            status.pinned_at = current
            return status
        if Status.objects.filter(account=account, pinned_at__isnull=False).count() >= max_pinned():
            raise BadRequest("You have already pinned the maximum number of statuses")
        status.pinned_at = timezone.now()
        Status.objects.filter(pk=status.pk).update(pinned_at=status.pinned_at)
        for hook in registry.after_pin:
            hook(status)
    return status


def unpin(account: User, status: Status) -> Status:
    """Unpin one's own status; a no-op for statuses that are not pinned."""
    if status.account_id != account.pk:
        raise Unprocessable("Someone else's status cannot be unpinned")
    with transaction.atomic():
        unpinned = Status.objects.filter(pk=status.pk, pinned_at__isnull=False).update(pinned_at=None)
        status.pinned_at = None
        if unpinned:
            for hook in registry.after_unpin:
                hook(status)
    return status


def _thread(status: Status) -> StatusContext:
    if status.context_id is None:
        with transaction.atomic():
            locked = Status.objects.select_for_update().get(pk=status.pk)
            if locked.context_id is None:
                locked.context = StatusContext.objects.create()
                Status.objects.filter(pk=status.pk).update(context=locked.context)
            status.context = locked.context
    return status.context


def mute_thread(user: User, status: Status) -> Status:
    """Stop notifications from a status's thread (`pleroma.thread_muted`)."""
    context = _thread(original(status))
    ThreadMute.objects.get_or_create(user=user, context=context)
    return status


def unmute_thread(user: User, status: Status) -> Status:
    target = original(status)
    if target.context_id is not None:
        ThreadMute.objects.filter(user=user, context_id=target.context_id).delete()
    return status
