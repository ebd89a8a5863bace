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
    """Deactivate accounts and end their sessions (a deactivated account keeps no token)."""
    users = list(users)
    with transaction.atomic():
        User.objects.filter(pk__in=[u.pk for u in users]).update(is_active=False)
        return revoke_tokens(users)


def remove_user(user: User) -> int:
    """Deactivate an account and mark it deleted (its nickname stays reserved)."""
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(is_active=False, is_deleted=True)
        return revoke_tokens([user])
