"""OAuth scope strings and Pleroma's hierarchical matching rule."""

from __future__ import annotations

import re
from collections.abc import Iterable

TOP_LEVEL = ("read", "write", "follow", "push", "admin")


def parse(value) -> list[str]:
    """Scopes from a space, comma or `+` separated string, or a list of such strings."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        out: list[str] = []
        for item in value:
            out.extend(parse(item))
        return out
    return [s for s in re.split(r"[\s,+]+", str(value)) if s]


def satisfies(token_scope: str, required: str) -> bool:
    """A token scope T satisfies R when R == T or R starts with T + ':'."""
    return required == token_scope or required.startswith(token_scope + ":")


def granted(token_scopes: Iterable[str], required: Iterable[str]) -> bool:
    """Any one of the required scopes satisfied by any token scope (Pleroma's `|` mode)."""
    token_scopes = list(token_scopes)
    return any(satisfies(t, r) for r in required for t in token_scopes)


def within(requested: Iterable[str], allowed: Iterable[str]) -> bool:
    """Every requested scope satisfied by one of the app's scopes."""
    allowed = list(allowed)
    return all(any(satisfies(a, r) for a in allowed) for r in requested)


def is_admin_scope(scope: str) -> bool:
    return scope == "admin" or scope.startswith("admin:")
