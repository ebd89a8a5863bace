"""Whose actions may notify a user: no blocked or muted accounts, no strangers when asked."""

from __future__ import annotations

from accounts.models import Block, Follow, Mute


def suppressed(user, account, type: str, status=None) -> bool:
    if Block.objects.filter(blocker=user, blocked=account).exists():
        return True
    if Block.objects.filter(blocker=account, blocked=user).exists():
        return True
    if Mute.objects.filter(muter=user, muted=account, notifications=True).exists():
        return True
    if user.notification_settings.get("block_from_strangers") and not Follow.objects.filter(
        follower=user, followed=account, state=Follow.State.ACCEPTED
    ).exists():
        return True
    if status is not None and status.context_id is not None:
        from statuses.models import ThreadMute

        if ThreadMute.objects.filter(user=user, context_id=status.context_id).exists():
            return True
    return False
