"""Relationship verbs: follow, unfollow, block, mute, follow requests.

Every function is idempotent and runs in one transaction. The two users' rows are locked
(in primary-key order, so two opposite requests cannot deadlock) before a relationship row
is read or written: that serialises a double follow, a follow racing a block, and keeps
`followers_count` / `following_count` equal to the number of accepted Follow rows.

Notifications are rows in the same database, written inside the same transaction through
`notifications.services.notify`, so a rolled-back request leaves none behind.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Greatest
from django.utils import timezone

from accounts.models import User
from core.exceptions import BadRequest, Forbidden
from relationships import registry
from relationships.models import Block, Follow, Mute


def active_mutes() -> QuerySet[Mute]:
    """Mutes still in force: a timed mute past its `expires_at` counts as no mute at all."""
    return Mute.objects.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()))


def _lock(*users: User) -> None:
    """Row-lock the users taking part, lowest primary key first."""
    pks = sorted({u.pk for u in users})
    list(User.objects.select_for_update().filter(pk__in=pks).order_by("pk").values_list("pk", flat=True))


def _count(follower_id, followed_id, delta: int) -> None:
    """Move both counters of one accepted follow by `delta`, never below zero."""
    User.objects.filter(pk=follower_id).update(following_count=Greatest(F("following_count") + delta, 0))
    User.objects.filter(pk=followed_id).update(followers_count=Greatest(F("followers_count") + delta, 0))


def _refresh(*users: User) -> None:
    for user in users:
        user.refresh_from_db(fields=["followers_count", "following_count"])


def _drop_request_notification(user: User, requester: User) -> None:
    from notifications.models import Notification

    Notification.objects.filter(user=user, account=requester, type="follow_request").delete()


def _blocked_either_way(follower: User, target: User) -> None:
    blocks = dict(Block.objects.filter(
        Q(blocker=target, blocked=follower) | Q(blocker=follower, blocked=target)
    ).values_list("blocker_id", "blocked_id"))
    if target.pk in blocks:
        raise Forbidden(f"Could not follow user: {target.nickname} blocked you.")
    if follower.pk in blocks:
        raise Forbidden(f"Could not follow user: you are blocking {target.nickname}.")


def _needs_approval(follower: User, target: User) -> bool:
    """Locked accounts approve followers, except those they follow when `permit_followback`."""
    if not target.is_local:
        return True  # another server's account: pending until its Accept arrives (§3.7)
    if not target.locked:
        return False
    if target.permit_followback:
        return not Follow.objects.filter(follower=target, followed=follower,
                                         state=Follow.State.ACCEPTED).exists()
    return True


def follow(follower: User, target: User, *, reblogs: bool | None = None,
           notify: bool | None = None) -> Follow:
    """Follow `target` (a request when it is locked); absent options keep their value."""
    from notifications.services import notify as send

    if follower.pk == target.pk:
        raise BadRequest("Can not follow yourself")
    with transaction.atomic():
        _lock(follower, target)
        _blocked_either_way(follower, target)
        existing = Follow.objects.select_for_update().filter(follower=follower, followed=target).first()
        if existing is not None:
            # Mastodon's rule: re-following only changes the options that were sent.
            changed = []
            if reblogs is not None and existing.show_reblogs != reblogs:
                existing.show_reblogs = reblogs
                changed.append("show_reblogs")
            if notify is not None and existing.notify != notify:
                existing.notify = notify
                changed.append("notify")
            if changed:
                existing.save(update_fields=changed)
            return existing
        pending = _needs_approval(follower, target)
        row = Follow.objects.create(
            follower=follower, followed=target,
            state=Follow.State.PENDING if pending else Follow.State.ACCEPTED,
            show_reblogs=True if reblogs is None else reblogs,
            notify=False if notify is None else notify,
        )
        if not pending:
            _count(follower.pk, target.pk, +1)
        send(target, follower, "follow_request" if pending else "follow")
        for hook in registry.after_follow:
            hook(row)
    _refresh(follower, target)
    return row


def unfollow(follower: User, target: User) -> None:
    """Stop following `target`, or withdraw a pending request."""
    with transaction.atomic():
        _lock(follower, target)
        row = Follow.objects.filter(follower=follower, followed=target).first()
        if row is None:
            return
        for hook in registry.after_unfollow:
            hook(row)
        row.delete()
        if row.state == Follow.State.ACCEPTED:
            _count(follower.pk, target.pk, -1)
        else:
            _drop_request_notification(target, follower)
    _refresh(follower, target)


def remove_from_followers(user: User, follower: User) -> None:
    """Make `follower` stop following `user` (a soft block)."""
    with transaction.atomic():
        if Follow.objects.filter(follower=follower, followed=user).exists():
            for hook in registry.follower_removed:
                hook(user, follower)
        unfollow(follower, user)


def _sever(a: User, b: User) -> list[Follow]:
    """Delete follows and requests both ways between two locked users, fixing counters;
    the rows removed."""
    rows = list(Follow.objects.filter(Q(follower=a, followed=b) | Q(follower=b, followed=a)))
    for row in rows:
        Follow.objects.filter(pk=row.pk).delete()  # the instance keeps its id for the hooks
        if row.state == Follow.State.ACCEPTED:
            _count(row.follower_id, row.followed_id, -1)
        else:
            _drop_request_notification(row.followed, row.follower)
    return rows


def block(blocker: User, target: User) -> Block:
    """Block `target`: follows and follow requests between the two end, both ways."""
    if blocker.pk == target.pk:
        raise BadRequest("Can not block yourself")
    with transaction.atomic():
        _lock(blocker, target)
        ended = _sever(blocker, target)
        row, created = Block.objects.get_or_create(blocker=blocker, blocked=target)
        if created:
            for hook in registry.after_block:
                hook(row, ended)
    _refresh(blocker, target)
    return row


def unblock(blocker: User, target: User) -> None:
    """Lift a block; follows it ended stay ended."""
    with transaction.atomic():
        for row in Block.objects.select_for_update().filter(blocker=blocker, blocked=target):
            for hook in registry.after_unblock:
                hook(row)
            row.delete()


def mute(muter: User, target: User, *, notifications: bool = True,
         expires_in: int | None = None) -> Mute:
    """Mute `target` (and their notifications unless told not to), for `expires_in` seconds
    when given; muting again replaces both options."""
    if muter.pk == target.pk:
        raise BadRequest("Can not mute yourself")
    expires_at = None
    if expires_in:
        expires_at = timezone.now() + datetime.timedelta(seconds=int(expires_in))
    with transaction.atomic():
        row, created = Mute.objects.select_for_update().get_or_create(
            muter=muter, muted=target,
            defaults={"notifications": notifications, "expires_at": expires_at})
        if not created and (row.notifications != notifications or row.expires_at != expires_at):
            row.notifications, row.expires_at = notifications, expires_at
            row.save(update_fields=["notifications", "expires_at"])
    return row


def unmute(muter: User, target: User) -> None:
    """Lift a mute."""
    with transaction.atomic():
        Mute.objects.filter(muter=muter, muted=target).delete()


def authorize_follow_request(user: User, requester: User) -> Follow | None:
    """Accept `requester`'s pending request; its `follow_request` notification becomes `follow`."""
    from notifications.models import Notification

    with transaction.atomic():
        _lock(user, requester)
        row = Follow.objects.filter(follower=requester, followed=user).first()
        if row is None or row.state == Follow.State.ACCEPTED:
            return row
        row.state = Follow.State.ACCEPTED
        row.save(update_fields=["state"])
        _count(requester.pk, user.pk, +1)
        for hook in registry.follow_request_answered:
            hook(user, requester, True)
        # Pleroma turns the request's notification into a follow notification.
        Notification.objects.filter(user=user, account=requester, type="follow_request").update(type="follow")
    _refresh(user, requester)
    return row


def reject_follow_request(user: User, requester: User) -> None:
    """Refuse `requester`'s pending request; an accepted follow is left alone."""
    with transaction.atomic():
        _lock(user, requester)
        deleted, _ = Follow.objects.filter(follower=requester, followed=user,
                                           state=Follow.State.PENDING).delete()
        if deleted:
            _drop_request_notification(user, requester)
            for hook in registry.follow_request_answered:
                hook(user, requester, False)


def purge_expired_mutes() -> int:
    """Delete mutes past their expiry (they are already ignored when read)."""
    deleted, _ = Mute.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted


def set_note(owner: User, account: User, comment: str) -> None:
    """Save the owner's private note on `account` (an empty comment clears it)."""
    from relationships.models import AccountNote

    with transaction.atomic():
        if comment:
            AccountNote.objects.update_or_create(owner=owner, account=account,
                                                 defaults={"comment": comment})
        else:
            AccountNote.objects.filter(owner=owner, account=account).delete()
