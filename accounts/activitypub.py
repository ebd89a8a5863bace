"""The ActivityPub actor document of a local account (served at its ap_id, written into
backups), so that other servers can resolve it."""

from __future__ import annotations

from django.conf import settings

from accounts.models import User
from accounts.serializers import DEFAULT_AVATAR, DEFAULT_BANNER, image_url

AP_CONTEXT = ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1",
              {"@language": "und"}]


def actor_document(user: User) -> dict:
    """The ActivityPub actor of a local user."""
    ap_id = user.ap_id
    document = {
        "@context": AP_CONTEXT,
        "id": ap_id,
        "type": user.actor_type,
        "preferredUsername": user.nickname,
        "name": user.display_name or user.nickname,
        "summary": user.note_html,
        "url": ap_id,
        "icon": {"type": "Image", "url": image_url(user.avatar, DEFAULT_AVATAR)},
        "image": {"type": "Image", "url": image_url(user.header, DEFAULT_BANNER)},
        "inbox": f"{ap_id}/inbox",
        "outbox": f"{ap_id}/outbox",
        "followers": f"{ap_id}/followers",
        "following": f"{ap_id}/following",
        "endpoints": {"sharedInbox": f"{settings.PLEROMA_URL}/inbox"},
        "manuallyApprovesFollowers": user.locked,
        "discoverable": user.discoverable,
        "alsoKnownAs": list(user.also_known_as),
        "attachment": [{"type": "PropertyValue", "name": f.get("name", ""),
                        "value": f.get("value_html", f.get("value", ""))} for f in user.fields],
        "tag": [],
    }
    if user.moved_to:
        document["movedTo"] = user.moved_to
    if not user.is_active:
        document["suspended"] = True
    return document
