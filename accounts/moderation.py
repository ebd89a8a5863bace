"""Moderation verbs the admin and `manage.py user` share: deactivate, remove, revoke tokens."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from oauth2_provider.models import AccessToken

from accounts import services
from accounts.models import User


def revoke_tokens(users: Iterable[User]) -> int:
    """Revoke every token of these users; the number revoked."""
    tokens = list(AccessToken.objects.filter(user__in=list(users)))
    for token in tokens:
        services.revoke_token(token)
    return len(tokens)


def deactivate_users(users: Iterable[User]) -> int:
    """Deactivate accounts (as disable_account does: their follows of local accounts end in
    a task) and end their sessions (a deactivated account keeps no token)."""
    from accounts import security

    users = list(users)
    with transaction.atomic():
        for user in users:
            security.disable_account(user)
        return revoke_tokens(users)


def remove_user(user: User) -> int:
    """Delete an account as delete_account does: profile purged now, its statuses, media,
    relationships removed by a task; the nickname stays reserved."""
    from accounts import security

    with transaction.atomic():
        security.delete_account(user)
        return revoke_tokens([user])
