"""The verbs of statuses: posting, editing, deleting, favourites, reblogs, pins, thread mutes, media."""

from statuses.queries import get_visible_status
from statuses.services.editing import apply_remote_edit, edit_status
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
    "apply_remote_edit", "create_status", "edit_status", "delete_status", "expire_status", "favourite", "get_visible_status",
    "mute_thread", "pin", "reblog", "render_text", "resolve_accounts", "set_text", "unfavourite",
    "unmute_thread", "unpin", "unreblog",
]
