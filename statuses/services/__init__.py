"""The verbs of statuses: posting, deleting, favourites, reblogs, pins, thread mutes, media."""

from statuses.queries import get_visible_status
from statuses.services.interactions import (
    favourite,
    mute_thread,
    pin,
    reblog,
    unfavourite,
    unmute_thread,
    unpin,
    unreblog,
)
from statuses.services.posting import create_status, delete_status, expire_status, resolve_accounts

__all__ = [
    "create_status", "delete_status", "expire_status", "favourite", "get_visible_status",
    "mute_thread", "pin", "reblog", "resolve_accounts", "unfavourite", "unmute_thread", "unpin",
    "unreblog",
]
