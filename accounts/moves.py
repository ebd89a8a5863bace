"""Aliases (`alsoKnownAs`) and account moves (pleroma-accounts 20, 21)."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from accounts import registry, remote
from accounts.models import User
from core.exceptions import ApiError, NotFound


def _local_ap_prefix() -> str:
    return f"{settings.PLEROMA_URL}/users/"


def list_aliases(user: User) -> list[str]:
    """The aliases as full nicknames; AP ids of accounts this server does not know are left out."""
    ap_ids = [str(a) for a in user.also_known_as]
    prefix = _local_ap_prefix()
    local = {u.nickname.lower(): u for u in User.objects.filter(
        nickname__in=[a[len(prefix):] for a in ap_ids if a.startswith(prefix)], is_deleted=False)}
    remotes = dict(User.objects.filter(remote_ap_id__in=ap_ids, domain__isnull=False, is_deleted=False)
                   .values_list("remote_ap_id", "nickname"))
    out = []
    for ap_id in ap_ids:
        if ap_id.startswith(prefix):
            found = local.get(ap_id[len(prefix):].lower())
            if found is not None:
                out.append(found.fqn)
        elif ap_id in remotes:
            out.append(remotes[ap_id])
    return out


def _remote_value(value: str) -> str | None:
    """`nick@host` of another server or an actor URL elsewhere, as the resolvers take it."""
    value = (value or "").strip()
    if value.startswith(("http://", "https://")):
        return None if value.startswith(f"{settings.PLEROMA_URL}/") else value
    nick, host = remote.split_acct(value)
    if remote.is_local_host(host) or not nick:
        return None
    return f"{nick}@{host}"


def resolve_account_ap_id(value: str) -> str | None:
    """The AP id a `nick@host` names: a local account, or one of another server found over
    WebFinger (and its actor fetched, so that it is known from then on)."""
    user = remote.local_user(value)
    if user is not None:
        return user.ap_id
    wanted = _remote_value(value)
    found = registry.resolve_remote_account(wanted) if wanted else None
    return found.ap_id if found is not None else None


def add_alias(user: User, alias: str) -> None:
    """Add an account to the user's aliases; adding one twice changes nothing."""
    ap_id = resolve_account_ap_id(alias)
    if ap_id is None:
        raise NotFound("Target account does not exist.")
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if ap_id not in locked.also_known_as:
            locked.also_known_as = [*locked.also_known_as, ap_id]
            locked.save(update_fields=["also_known_as"])


def _known_ap_id(value: str) -> str | None:
    """The AP id of an alias being removed, from what this server already knows."""
    user = remote.local_user(value)
    if user is not None:
        return user.ap_id
    wanted = _remote_value(value)
    if wanted is None:
        return None
    if wanted.startswith(("http://", "https://")):
        return wanted
    row = User.objects.filter(nickname__iexact=wanted, domain__isnull=False).first()
    return row.remote_ap_id if row else None


def delete_alias(user: User, alias: str) -> None:
    ap_id = _known_ap_id(alias)
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if ap_id is None or ap_id not in locked.also_known_as:
            raise NotFound("Account has no such alias.")
        locked.also_known_as = [a for a in locked.also_known_as if a != ap_id]
        locked.save(update_fields=["also_known_as"])


def _move_target(value: str) -> tuple[str, list[str], User | None]:
    """(AP id, its alsoKnownAs, the local account or None); remote targets are always
    fetched afresh so that their current aliases count."""
    local = remote.local_user(value)
    if local is not None:
        return local.ap_id, list(local.also_known_as), local
    wanted = _remote_value(value)
    found = registry.resolve_remote_account(wanted, fresh=True) if wanted else None
    if found is None or not found.is_active or found.is_deleted:
        raise NotFound("Target account not found.")
    return found.ap_id, list(found.also_known_as), None


def move_account(user: User, target_account: str) -> None:
    """Mark the account moved to the target, tell its followers, and move the local
    followers who allow it (when the target is an account of this server)."""
    from accounts import tasks
    from notifications.services import notify

    target_ap_id, target_aliases, target = _move_target(target_account)
    if user.ap_id not in target_aliases:
        from accounts.security import BusinessError

        raise BusinessError("Target account must have the origin in `alsoKnownAs`")
    if target is not None and target.pk == user.pk:
        raise ApiError("Target account not found.", status=404)
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(moved_to=target_ap_id)
        followers = registry.get_relationships().followers(user).filter(is_active=True, is_deleted=False)
        for follower in followers.iterator(chunk_size=200):
            notify(follower, user, "move", target=target)
        if target is not None:
            transaction.on_commit(lambda: tasks.move_followers.delay(str(user.pk), str(target.pk)))
        for hook in registry.account_moved:
            hook(user, target_ap_id)
