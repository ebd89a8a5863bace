"""Posting defaults: stored from update_credentials' `source`, applied when posting,
shown in `source` and GET /api/v1/preferences."""

from __future__ import annotations

from django.db import transaction

from accounts.models import User
from preferences.models import Preferences


def posting_sensitive(user: User) -> bool:
    return Preferences.objects.filter(user=user).values_list("posting_sensitive", flat=True).first() or False


def save_source(user: User, source: dict) -> None:
    """The parts of update_credentials' `source` kept here (`sensitive`); runs inside its transaction."""
    if "sensitive" in source:
        with transaction.atomic():
            Preferences.objects.update_or_create(user=user, defaults={"posting_sensitive": source["sensitive"]})


def render_source(user: User) -> dict:
    """What the own Account's `source` shows from here."""
    return {"sensitive": posting_sensitive(user)}


def posting_defaults(author: User, params: dict) -> dict:
    """statuses.registry.before_create: a post that names no `sensitive` or `language` gets
    the author's defaults (visibility already defaults to `default_scope` in posting)."""
    overrides: dict = {}
    if params.get("sensitive") is None:
        overrides["sensitive"] = posting_sensitive(author)
    if params.get("language") in (None, "") and author.language:
        overrides["language"] = author.language
    return overrides


def preferences(user: User) -> dict:
    """GET /api/v1/preferences (Mastodon's Preferences entity)."""
    return {
        "posting:default:visibility": user.default_scope or "public",
        "posting:default:sensitive": posting_sensitive(user),
        "posting:default:language": user.language or None,
        # Reading preferences are not settable through the API: Mastodon's defaults.
        "reading:expand:media": "default",
        "reading:expand:spoilers": False,
    }
