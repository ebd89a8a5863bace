"""Stream names, what each needs, and a connection's subscriptions (mastodon-base 3.1).

A subscription is a stream name plus its parameter (the tag of `hashtag`, the list id of
`list`). Messages name the stream they belong to as Mastodon does: `["user"]`,
`["hashtag", "<tag>"]`, `["list", "<id>"]`.
"""

from __future__ import annotations

from typing import NamedTuple

from core import scopes as scope_rules

READ_STATUSES = ("read", "read:statuses")
READ_NOTIFICATIONS = ("read", "read:notifications")

PUBLIC_STREAMS = frozenset({
    "public", "public:media", "public:local", "public:local:media", "public:remote",
    "public:remote:media",
})
HASHTAG_STREAMS = frozenset({"hashtag", "hashtag:local"})
USER_STREAMS = frozenset({"user", "user:notification", "direct", "list"})
STREAMS = PUBLIC_STREAMS | HASHTAG_STREAMS | USER_STREAMS
# Pleroma-FE and older clients spell the notification stream in the plural.
ALIASES = {"user:notifications": "user:notification"}

# The SSE paths (GET /api/v1/streaming/<path>) and the stream each serves.
SSE_PATHS = {
    "user": "user", "user/notification": "user:notification", "public": "public",
    "public/local": "public:local", "public/remote": "public:remote", "public/media": "public:media",
    "public/local/media": "public:local:media", "public/remote/media": "public:remote:media",
    "hashtag": "hashtag", "hashtag/local": "hashtag:local", "list": "list", "direct": "direct",
}


class StreamError(Exception):
    """A stream that cannot be opened: `status` and Mastodon's message."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class Subscription(NamedTuple):
    stream: str
    param: str | None = None

    def names(self) -> list[str]:
        """The `stream` field of this subscription's messages."""
        return [self.stream] if self.param is None else [self.stream, self.param]


def list_streams_available() -> bool:
    """`list` streams follow list membership (streaming.delivery, lists.timelines); they
    exist when the lists app is installed."""
    from django.apps import apps

    return apps.is_installed("lists")


def subscription(stream: str | None, *, tag: str | None = None, list_id: str | None = None,
                 user=None, scopes: list[str] | None = None) -> Subscription:
    """The subscription a client asks for, checked against who asks (StreamError if refused).

    `scopes` None means the token's scopes are not limited (no token at all is `user=None`).
    """
    name = ALIASES.get(stream or "", stream or "")
    if name not in STREAMS or (name == "list" and not list_streams_available()):
        raise StreamError("Unknown stream type")
    if name in USER_STREAMS and user is None:
        raise StreamError("Missing access token", 401)
    required = READ_NOTIFICATIONS if name == "user:notification" else READ_STATUSES
    if user is not None and scopes is not None and not scope_rules.granted(scopes, required):
        raise StreamError("Access token does not have the required scopes", 401)
    if name in HASHTAG_STREAMS:
        tag = (tag or "").strip().lstrip("#").lower()
        if not tag:
            raise StreamError("No tag for stream provided")
        return Subscription(name, tag)
    if name == "list":
        return Subscription(name, _own_list(user, list_id))
    return Subscription(name)


def _own_list(user, list_id: str | None) -> str:
    from lists.services import get_own_list  # only reached when the lists app is installed

    try:
        owned = get_own_list(user, list_id)
    except Exception:
        raise StreamError("No list for stream provided", 404) from None
    from core import ids

    return ids.encode(owned.pk)


def may_read_notifications(scopes: list[str] | None) -> bool:
    return scopes is None or scope_rules.granted(scopes, READ_NOTIFICATIONS)
