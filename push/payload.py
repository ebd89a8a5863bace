"""What a push carries: Mastodon's Web::NotificationSerializer fields, in plain text."""

from __future__ import annotations

from accounts.serializers import DEFAULT_AVATAR, image_url
from core import ids
from core.markup import strip_tags

BODY_LENGTH = 140  # Mastodon truncates the body to 140 characters

TITLES = {
    "mention": "{name} mentioned you",
    "status": "{name} just posted",
    "follow": "{name} followed you",
    "follow_request": "{name} requested to follow you",
    "favourite": "{name} favourited your post",
    "reblog": "{name} boosted your post",
    "poll": "A poll you took part in has ended",
    "update": "{name} edited a post",
    "admin.sign_up": "{name} signed up",
    "admin.report": "{name} filed a report",
    "pleroma:emoji_reaction": "{name} reacted with {emoji}",
    "pleroma:chat_mention": "{name} sent you a message",
}
# What a user who hides notification contents sees instead (Pleroma's generic titles).
GENERIC = {
    "mention": "New Mention", "status": "New Status", "follow": "New Follower",
    "follow_request": "New Follow Request", "favourite": "New Favorite", "reblog": "New Repeat",
    "poll": "Poll Results", "update": "New Update", "admin.sign_up": "New Sign Up",
    "admin.report": "New Report", "pleroma:emoji_reaction": "New Reaction",
    "pleroma:chat_mention": "New Chat Message",
}


def _truncate(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= BODY_LENGTH else text[:BODY_LENGTH - 1].rstrip() + "…"


def build(notification, subscription) -> dict:
    """The JSON a client's service worker decrypts: {access_token, preferred_locale,
    notification_id, notification_type, icon, title, body}."""
    account, status = notification.account, notification.status
    payload = {
        "access_token": subscription.token.token,
        "preferred_locale": notification.user.language or "en",
        "notification_id": ids.encode(notification.pk),
        "notification_type": notification.type,
        "icon": image_url(account.avatar, DEFAULT_AVATAR),
    }
    if notification.user.notification_settings.get("hide_notification_contents"):
        # pleroma-accounts.md: no title, only the generic body.
        payload["body"] = GENERIC.get(notification.type, "New Notification")
        return payload
    name = account.display_name or account.nickname
    title = TITLES.get(notification.type, "{name}").format(name=name, emoji=notification.emoji or "")
    source = ""
    if status is not None:
        shown = status.reblog_of if status.reblog_of_id else status
        source = shown.spoiler_text or strip_tags(shown.content)
    elif notification.type in ("follow", "follow_request"):
        source = strip_tags(account.note_html) or account.note
    payload.update(title=title, body=_truncate(source))
    return payload
