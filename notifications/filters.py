"""Whose notifications a user sees: never from blocked or (notification-)muted accounts.

`suppressed` runs when a notification would be created; `visible_to` runs when they are
read, because a block or mute made later must hide what was already created.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from relationships.follows import active_mutes
from relationships.models import Block, Follow

# Types only sent when a client asks for them by name (mastodon-base 2.10).
OPT_IN_TYPES = frozenset({"pleroma:chat_mention"})


def suppressed(user, account, type: str, status=None) -> bool:
    """True when `account`'s action must not notify `user` at all."""
    if Block.objects.filter(Q(blocker=user, blocked=account) | Q(blocker=account, blocked=user)).exists():
        return True
    if active_mutes().filter(muter=user, muted=account, notifications=True).exists():
        return True
    if type != "poll" and user.notification_settings.get("block_from_strangers") and not Follow.objects.filter(
        follower=user, followed=account, state=Follow.State.ACCEPTED
    ).exists():
        return True
    if status is not None and status.context_id is not None:
        from statuses.models import ThreadMute

        if ThreadMute.objects.filter(user=user, context_id=status.context_id).exists():
            return True
    return False


def visible_to(user, *, with_muted: bool = False) -> QuerySet:
    """The user's notifications, minus those from accounts blocked either way, deactivated
    accounts, and (unless `with_muted`) accounts muted with their notifications."""
    from notifications.models import Notification

    qs = Notification.objects.filter(user=user, account__is_active=True, account__is_deleted=False)
    qs = qs.exclude(account_id__in=Block.objects.filter(blocker=user).values("blocked_id"))
    qs = qs.exclude(account_id__in=Block.objects.filter(blocked=user).values("blocker_id"))
    if not with_muted:
        qs = qs.exclude(account_id__in=active_mutes().filter(
            muter=user, notifications=True).values("muted_id"))
    from notifications import registry

    for hidden in registry.hidden_accounts:
        qs = qs.exclude(account_id__in=hidden(user))
    return qs


def filter_types(qs: QuerySet, *, types: list[str], exclude_types: list[str]) -> QuerySet:
    """Apply `types[]` (exact; unknown names ignored) and `exclude_types[]`."""
    from notifications.models import Notification

    known = set(Notification.TYPES) | OPT_IN_TYPES
    if types:
        qs = qs.filter(type__in=[t for t in types if t in known])
    else:
        qs = qs.exclude(type__in=OPT_IN_TYPES)
    if exclude_types:
        qs = qs.exclude(type__in=exclude_types)
    return qs
