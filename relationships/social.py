"""Subscriptions and endorsements (pleroma-accounts 11, 12)."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from accounts.models import User
from core.exceptions import BadRequest, Forbidden
from relationships import follows
from relationships.models import Block, Endorsement, Follow

# --- subscriptions (deprecated: the `notify` option of a follow) ----------------------------

def subscribe(user: User, target: User) -> None:
    """Follow with `notify` on: a `status` notification for each of the target's posts."""
    if Block.objects.filter(blocker=target, blocked=user).exists():
        raise Forbidden(f"Could not subscribe: {target.nickname} is blocking you")
    follows.follow(user, target, notify=True)


def unsubscribe(user: User, target: User) -> None:
    """Turn `notify` off; the follow itself stays."""
    with transaction.atomic():
        Follow.objects.filter(follower=user, followed=target).update(notify=False)


# --- endorsements ---------------------------------------------------------------------------

def max_endorsed() -> int:
    return settings.MAX_ENDORSED_USERS


def endorse(user: User, target: User) -> None:
    """Feature a followed account on the profile; endorsing twice changes nothing."""
    with transaction.atomic():
        list(User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True))
        if Endorsement.objects.filter(owner=user, account=target).exists():
            return
        if Endorsement.objects.filter(owner=user).count() >= max_endorsed():
            raise BadRequest("You have already pinned the maximum number of users")
        if not Follow.objects.filter(follower=user, followed=target, state=Follow.State.ACCEPTED).exists():
            raise BadRequest("You must follow an account to pin it")
        Endorsement.objects.create(owner=user, account=target)


def unendorse(user: User, target: User) -> None:
    with transaction.atomic():
        Endorsement.objects.filter(owner=user, account=target).delete()


def endorsed_accounts(owner: User) -> list[User]:
    """The accounts `owner` endorses, in endorsement order, deactivated ones left out."""
    rows = (Endorsement.objects.filter(owner=owner, account__is_active=True, account__is_deleted=False)
            .select_related("account").order_by("id"))
    return [row.account for row in rows]
