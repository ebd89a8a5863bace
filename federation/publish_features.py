"""Telling other servers about the Pleroma features local accounts use
(reference/federation.md §3.12-3.17): emoji reactions so far. Each hook builds the
activity Pleroma sends and hands it to federation.publish, inside the transaction of the
action, like the hooks of federation.publish.
"""

from __future__ import annotations

from accounts.models import User
from federation import publish


def _emoji_react(account: User, status, reaction) -> tuple[dict, list[str]]:
    """EmojiReact, addressed as Pleroma addresses object actions (like a Like, §3.12):
    unicode emoji as `content`; a custom one as `:name:` with exactly one Emoji tag
    carrying its image (the remote image for a remote emoji)."""
    like, inboxes = publish._like(account, status, reaction)
    payload = {**like, "id": publish.activity_url("react", reaction.pk), "type": "EmojiReact"}
    if reaction.emoji_url:
        shortcode = f":{reaction.emoji}:"
        payload["content"] = shortcode
        payload["tag"] = [{"type": "Emoji", "id": reaction.emoji_url, "name": shortcode,
                           "icon": {"type": "Image", "url": reaction.emoji_url}}]
    else:
        payload["content"] = reaction.emoji
        payload["tag"] = []
    return payload, inboxes


def reacted(account: User, status, reaction) -> None:
    """statuses.registry.after_react: EmojiReact."""
    if publish._interacts(account, status):
        payload, inboxes = _emoji_react(account, status, reaction)
        publish.send(account, payload, inboxes)


def unreacted(account: User, status, reaction) -> None:
    """statuses.registry.after_unreact: Undo{EmojiReact}, the EmojiReact embedded (§3.8)."""
    if not publish._interacts(account, status):
        return
    react, inboxes = _emoji_react(account, status, reaction)
    publish.send(account, publish._undo(account, react, publish.activity_url("undo", reaction.pk)), inboxes)


def register() -> None:
    """Listen to what the feature apps announce (FederationConfig.ready)."""
    from statuses import registry as status_hooks

    hooks = [
        (status_hooks.after_react, reacted),
        (status_hooks.after_unreact, unreacted),
    ]
    for hook_list, function in hooks:
        if function not in hook_list:
            hook_list.append(function)
