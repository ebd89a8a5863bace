"""What the relationships app answers for accounts (accounts.registry.Relationships) and
what it removes of a deleted account; registered from RelationshipsConfig.ready()."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from accounts.models import User
from core.exceptions import ApiError
from relationships import entity, follows
from relationships.models import Block, Endorsement, Follow, Mute

CHUNK = 200
MOVE_BATCH = 50


class AccountRelationships:
    """accounts.registry.Relationships, on this app's models and services."""

    def relationship_map(self, viewer: User | None, accounts: list[User]) -> dict:
        return entity.relationship_map(viewer, accounts)

    def is_following(self, follower: User, followed: User) -> bool:
        return Follow.objects.filter(follower=follower, followed=followed,
                                     state=Follow.State.ACCEPTED).exists()

    def followers(self, user: User) -> QuerySet:
        return User.objects.filter(following_rel__followed=user,
                                   following_rel__state=Follow.State.ACCEPTED)

    def end_follows_of(self, user: User) -> None:
        """End the follows (and requests) a deactivated account made; idempotent."""
        for row in Follow.objects.filter(follower=user).select_related("followed").iterator(chunk_size=CHUNK):
            follows.unfollow(user, row.followed)

    def move_followers(self, origin: User, target: User) -> int:
        """Local followers of `origin` who allow it follow `target` instead; safe to rerun.
        Followers on other servers are left alone: the Move sent there lets their own
        server move them, by their own preference."""
        moved = 0
        rows = (Follow.objects.filter(followed=origin, state=Follow.State.ACCEPTED, follower__domain__isnull=True,
                                      follower__allow_following_move=True, follower__is_active=True)
                .exclude(follower=target).select_related("follower").order_by("id"))
        for row in rows.iterator(chunk_size=MOVE_BATCH):
            try:
                follows.follow(row.follower, target)
            except ApiError:
                continue  # blocked either way: the follower stays where they were
            follows.unfollow(row.follower, origin)
            moved += 1
        return moved


def remove_relationships(user: User) -> None:
    """Every follow, block, mute and endorsement of a deleted account, either way."""
    for row in Follow.objects.filter(Q(follower=user) | Q(followed=user)).select_related(
            "follower", "followed").iterator(chunk_size=CHUNK):
        follows.unfollow(row.follower, row.followed)
    Block.objects.filter(Q(blocker=user) | Q(blocked=user)).delete()
    Mute.objects.filter(Q(muter=user) | Q(muted=user)).delete()
    Endorsement.objects.filter(Q(owner=user) | Q(account=user)).delete()


def follow_request_count(user: User) -> dict:
    return {"follow_requests_count": Follow.objects.filter(followed=user, state=Follow.State.PENDING).count()}
