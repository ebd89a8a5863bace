"""Move received (reference/federation.md §3.13): an account of another server moved to a
new one. The new account (of another server: fetched afresh; or of this one) must list the
old one in `alsoKnownAs`; then the old one is marked moved, its local followers are told
(`move` notifications), and those who allow it follow the new account instead (a task)."""

from __future__ import annotations

from django.db import transaction

from accounts.models import User
from federation import actors
from federation.incoming.common import Ignored, Rejected, is_local_uri, local_account, object_id
from relationships.models import Follow


def prepare_move(activity: dict, remote: User) -> User:
    if object_id(activity.get("object")) != remote.remote_ap_id:
        raise Rejected("Move of another actor")
    target_id = object_id(activity.get("target"))
    if not target_id or target_id == remote.remote_ap_id:
        raise Rejected("Move without a target")
    if is_local_uri(target_id):
        local = local_account(target_id)
        if local is None:
            raise Ignored("the target is not an account of this server")
        return local
    try:
        return actors.refresh_actor(target_id)
    except actors.ActorError as exc:
        raise Ignored(f"the target could not be fetched: {exc}") from exc


def handle_move(activity: dict, remote: User, target: User) -> None:
    from federation import tasks
    from notifications.services import notify

    if remote.remote_ap_id not in target.also_known_as:
        raise Rejected("Target account must have the origin in `alsoKnownAs`")
    if remote.moved_to == target.ap_id:
        raise Ignored("already moved there")
    User.objects.filter(pk=remote.pk).update(moved_to=target.ap_id)
    followers = User.objects.filter(following_rel__followed=remote, following_rel__state=Follow.State.ACCEPTED,
                                    domain__isnull=True, is_active=True)
    for follower in followers.iterator(chunk_size=200):
        notify(follower, remote, "move", target=target)
    origin_id, target_id = str(remote.pk), target.ap_id
    transaction.on_commit(lambda: tasks.move_followers_elsewhere.delay(origin_id, target_id))
