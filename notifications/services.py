"""Notifications: creating them (every other app calls `notify`), read state, markers."""

from __future__ import annotations

import uuid

from django.db import transaction
from django.utils import timezone

from core import ids
from core.exceptions import BadRequest, NotFound
from notifications.models import Marker, Notification

READ_LIST_CAP = 80  # the seed's cap on the notifications returned by a `max_id` read


def notify(user, account, type: str, *, status=None, target=None, emoji: str | None = None,
           emoji_url: str | None = None) -> Notification | None:
    """Tell `user` that `account` did `type`; nothing for oneself (except that one's own poll
    ended) or from blocked/muted accounts or strangers when the user blocks notifications
    from strangers."""
    if user is None or account is None or (user.pk == account.pk and type != "poll"):
        return None
    if not user.is_active or user.is_deleted:
        return None
    from notifications.filters import suppressed

    if suppressed(user, account, type, status):
        return None
    with transaction.atomic():
        return Notification.objects.create(user=user, account=account, type=type, status=status,
                                           target=target, emoji=emoji, emoji_url=emoji_url)


def get_own_notification(user, notification_id: str) -> Notification:
    """One of the user's visible notifications; anything else is 404."""
    from notifications.filters import visible_to

    pk = ids.decode(notification_id or "")
    notification = visible_to(user, with_muted=True).filter(pk=pk).first() if pk else None
    if notification is None:
        raise NotFound()
    return notification


def dismiss(user, notification_id: str) -> None:
    """Delete one of the user's notifications (404 when it is not theirs)."""
    pk = ids.decode(notification_id or "")
    with transaction.atomic():
        deleted, _ = Notification.objects.filter(user=user, pk=pk).delete() if pk else (0, None)
    if not deleted:
        raise NotFound()


def clear(user) -> None:
    """Delete all the user's notifications."""
    with transaction.atomic():
        Notification.objects.filter(user=user).delete()


def destroy_multiple(user, notification_ids: list[str]) -> None:
    """Delete the listed notifications of the user; others' ids and junk are ignored."""
    pks = [pk for pk in (ids.decode(str(i)) for i in notification_ids) if pk is not None]
    with transaction.atomic():
        Notification.objects.filter(user=user, pk__in=pks).delete()


def _advance_marker(user) -> None:
    """Point the notifications marker at the newest seen notification (pleroma-accounts 10)."""
    newest = (Notification.objects.filter(user=user, is_seen=True).order_by("-id")
              .values_list("id", flat=True).first())
    if newest is None:
        return
    marker, created = Marker.objects.select_for_update().get_or_create(
        user=user, timeline="notifications",
        defaults={"last_read_id": ids.encode(newest), "version": 1})
    if not created and _decoded(marker.last_read_id) != newest:
        marker.last_read_id = ids.encode(newest)
        marker.version += 1
        marker.updated_at = timezone.now()
        marker.save(update_fields=["last_read_id", "version", "updated_at"])


def _decoded(value: str) -> uuid.UUID | None:
    return ids.decode(value) if value else None


def read_one(user, notification_id: str) -> Notification:
    """Mark one of the user's notifications seen."""
    pk = ids.decode(str(notification_id))
    with transaction.atomic():
        notification = Notification.objects.select_for_update().filter(user=user, pk=pk).first() if pk else None
        if notification is None:
            raise BadRequest("Cannot get notification")
        if not notification.is_seen:
            notification.is_seen = True
            notification.save(update_fields=["is_seen"])
        _advance_marker(user)
    return notification


def read_up_to(user, max_id: str) -> list[Notification]:
    """Mark every unseen notification of the user up to `max_id` seen; the ones flipped,
    newest first, at most 80 (the seed's response)."""
    pk = ids.decode(str(max_id))
    if pk is None:
        raise BadRequest("Invalid max_id")
    with transaction.atomic():
        unseen = Notification.objects.filter(user=user, is_seen=False, pk__lte=pk)
        flipped = list(unseen.order_by("-id").values_list("id", flat=True)[:READ_LIST_CAP])
        unseen.update(is_seen=True)
        _advance_marker(user)
    return list(Notification.objects.filter(pk__in=flipped).order_by("-id"))


def get_markers(user, timelines: list[str] | None = None) -> list[Marker]:
    """The user's markers, only the named timelines when given."""
    qs = Marker.objects.filter(user=user)
    if timelines:
        qs = qs.filter(timeline__in=timelines)
    return list(qs.order_by("timeline"))


def save_markers(user, positions: dict[str, str]) -> list[Marker]:
    """Upsert markers; saving the notifications marker marks notifications up to it seen."""
    saved = []
    with transaction.atomic():
        for timeline, last_read_id in positions.items():
            if timeline not in Marker.TIMELINES:
                continue
            marker, created = Marker.objects.select_for_update().get_or_create(
                user=user, timeline=timeline, defaults={"last_read_id": last_read_id, "version": 1})
            if not created:
                marker.last_read_id = last_read_id
                marker.version += 1
                marker.updated_at = timezone.now()
                marker.save(update_fields=["last_read_id", "version", "updated_at"])
            if timeline == "notifications":
                pk = _decoded(last_read_id)
                if pk is not None:
                    Notification.objects.filter(user=user, is_seen=False, pk__lte=pk).update(is_seen=True)
            saved.append(marker)
    return saved


def unread_count(user) -> int:
    """Unseen notifications (the marker's `pleroma.unread_count`)."""
    return Notification.objects.filter(user=user, is_seen=False).count()
