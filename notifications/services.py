"""Creating notifications: every other app calls `notify` when something happens."""

from __future__ import annotations

from django.db import transaction

from notifications.models import Notification


def notify(user, account, type: str, *, status=None, target=None, emoji: str | None = None,
           emoji_url: str | None = None) -> Notification | None:
    """Tell `user` that `account` did `type`; nothing for oneself or from blocked/muted accounts
    or strangers when the user blocks notifications from strangers."""
    if user is None or account is None or user.pk == account.pk:
        return None
    if not user.is_active or user.is_deleted:
        return None
    from notifications.filters import suppressed

    if suppressed(user, account, type, status):
        return None
    with transaction.atomic():
        return Notification.objects.create(user=user, account=account, type=type, status=status,
                                           target=target, emoji=emoji, emoji_url=emoji_url)
