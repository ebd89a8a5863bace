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
from statuses.services.posting import (
    create_status,
    delete_status,
    expire_status,
    render_text,
    resolve_accounts,
    set_text,
)

__all__ = [
    "create_status", "delete_status", "expire_status", "favourite", "get_visible_status",
    "mute_thread", "pin", "reblog", "render_text", "resolve_accounts", "set_text", "unfavourite",
    "unmute_thread", "unpin", "unreblog",
]
