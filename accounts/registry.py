"""Hooks other apps register from their AppConfig.ready() (dependencies point one way)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from accounts.models import User

# Functions user -> {counter name: int} merged into the own Account's counters
# (e.g. conversations adds `unread_conversation_count`).
own_counters: list[Callable] = []

# Functions (user, source dict) -> None called by update_credentials, inside its transaction,
# with the validated `source[...]` parameters (e.g. preferences keeps `source[sensitive]`).
source_writers: list[Callable] = []

# Functions user -> dict merged into the own Account's `source` (verify/update_credentials).
source_readers: list[Callable] = []

# Functions (viewer, accounts) -> {account pk: {Relationship field: value}} merged into each
# Relationship, in a fixed number of queries for the batch (domain_blocks: domain_blocking).
relationship_parts: list[Callable] = []

# Functions user -> None that remove what a deleted account left in another app; run by
# accounts.security.remove_account_data, in registration order, each safe to run again.
account_data_removers: list[Callable] = []

# Functions user -> None called inside the transaction that changed a local account's
# profile (update_credentials, the avatar/banner/background helpers): federation sends
# Update{Person} to the account's followers elsewhere.
profile_updated: list[Callable] = []

# Functions user -> None called inside the transaction of delete_account (the user's own
# request or a moderator's), once the profile is purged and while its relationships are
# still there: federation sends Delete of the actor to every server that knows it.
account_deleted: list[Callable] = []

# Functions (user, target AP id) -> None called inside the transaction of move_account,
# after the account was marked moved: federation sends Move to its followers elsewhere and
# moves its local followers to a target of another server.
account_moved: list[Callable] = []

# Functions (value, *, fresh=False) -> User | None finding an account of another server by
# `nick@host` or actor URL (fetching it when needed; with `fresh`, always fetched anew, as
# a move target's aliases must be); federation registers one.
account_resolvers: list[Callable] = []


# Functions value -> (User | None, why not) like account_resolvers, saying why an account
# was not found: "account not found" or "server unreachable" (imports report it).
account_finders: list[Callable] = []


def find_remote_account(value: str) -> tuple[User | None, str]:
    """The account elsewhere `value` names, or None and why it was not found."""
    reason = "account not found"
    for find in account_finders:
        found, why = find(value)
        if found is not None:
            return found, ""
        reason = why or reason
    return None, reason


def resolve_remote_account(value: str, *, fresh: bool = False) -> User | None:
    """The account elsewhere `value` names, through the registered resolvers (`fresh`: its
    actor fetched now, not taken from what this server remembers)."""
    for resolve in account_resolvers:
        found = resolve(value, fresh=fresh)
        if found is not None:
            return found
    return None


class Relationships(Protocol):
    """What accounts asks of the relationships app (which depends on accounts)."""

    def relationship_map(self, viewer: User | None, accounts: list[User]) -> dict: ...

    def is_following(self, follower: User, followed: User) -> bool: ...

    def followers(self, user: User) -> QuerySet: ...

    def end_follows_of(self, user: User) -> None: ...

    def move_followers(self, origin: User, target: User) -> int: ...


# Set by relationships.apps.RelationshipsConfig.ready().
relationships: Relationships | None = None


def get_relationships() -> Relationships:
    if relationships is None:
        raise RuntimeError("the relationships app is not installed")
    return relationships
