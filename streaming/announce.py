"""What the other apps' writes announce to the streaming servers, on commit.

The streaming app listens to the model signals the writes already send (a status saved or
deleted, a notification created, a follow made, accepted or ended); nothing in statuses,
notifications, conversations or relationships imports it. Each announcement is published
with `transaction.on_commit`, so a rolled-back request streams nothing, and names rows by
id: the streaming server renders them per subscriber.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_delete

from core import ids
from streaming import broker

PUBLIC = ("public", "unlisted", "local")


def _hex(value) -> str | None:
    return value.hex if value is not None else None


def announce(event: dict) -> None:
    """Publish `event` once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: broker.publish(event), robust=True)


def status_saved(sender, instance, created: bool, raw: bool = False, update_fields=None, **kwargs) -> None:
    if raw:
        return
    if not created:
        # An edit (statuses.services.editing, events) saves the status with `edited_at`.
        if update_fields is not None and "edited_at" in update_fields and instance.edited_at:
            announce({"event": "status.update", "id": instance.pk.hex})
        return
    announce({"event": "status", "id": instance.pk.hex})
    if instance.visibility == "direct" and not instance.reblog_of_id and instance.context_id:
        # conversations files it into a participation in the same transaction.
        announce({"event": "conversation", "status": instance.pk.hex, "context": instance.context_id})


def status_deleting(sender, instance, **kwargs) -> None:
    """What a `delete` must reach is read before the rows go: the mentioned accounts of a
    private or direct status (who saw it besides followers), the tags of a public one."""
    from statuses.models import Mention, StatusTag

    audience: dict = {"mentioned": [], "tags": []}
    if instance.visibility in PUBLIC:
        audience["tags"] = list(StatusTag.objects.filter(status_id=instance.pk)
                                .values_list("hashtag__name", flat=True))
    elif not instance.reblog_of_id:
        audience["mentioned"] = [pk.hex for pk in Mention.objects.filter(status_id=instance.pk)
                                 .values_list("account_id", flat=True)]
    instance._streaming_audience = audience


def status_deleted(sender, instance, **kwargs) -> None:
    audience = getattr(instance, "_streaming_audience", {"mentioned": [], "tags": []})
    announce({"event": "delete", "id": ids.encode(instance.pk), "account": _hex(instance.account_id),
              "visibility": instance.visibility, "local": instance.local,
              "reblog": instance.reblog_of_id is not None, **audience})


def notification_saved(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    if raw or not created:
        return
    announce({"event": "notification", "id": instance.pk.hex, "user": _hex(instance.user_id)})


def _follow_event(row, state: str) -> dict:
    return {"event": "follow", "follower": _hex(row.follower_id), "followed": _hex(row.followed_id),
            "state": state}


def follow_saved(sender, instance, created: bool, raw: bool = False, update_fields=None, **kwargs) -> None:
    if raw:
        return
    if created or (update_fields is not None and "state" in update_fields):
        state = "follow_pending" if instance.state == "pending" else "follow_accept"
        announce(_follow_event(instance, state))


def follow_deleted(sender, instance, **kwargs) -> None:
    announce(_follow_event(instance, "unfollow"))


def filters_changed(sender, user_id, **kwargs) -> None:
    """filters.signals.filters_changed (sent after the commit of a change to a user's filters)."""
    announce({"event": "filters_changed", "user": _hex(user_id)})


def connect() -> None:
    """Listen to the writes (from StreamingConfig.ready)."""
    from django.apps import apps

    from notifications.models import Notification
    from relationships.models import Follow
    from statuses.models import Status

    for signal, receiver, model in (
        (post_save, status_saved, Status), (pre_delete, status_deleting, Status),
        (post_delete, status_deleted, Status), (post_save, notification_saved, Notification),
        (post_save, follow_saved, Follow), (post_delete, follow_deleted, Follow),
    ):
        signal.connect(receiver, sender=model, weak=False, dispatch_uid=f"streaming:{receiver.__name__}")
    if apps.is_installed("filters"):
        from filters.signals import filters_changed as changed

        changed.connect(filters_changed, weak=False, dispatch_uid="streaming:filters_changed")
