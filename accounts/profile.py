"""Profile changes of the own account (update_credentials and the image endpoints)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction

from accounts import registry
from accounts.models import User
from core import images, markup
from core.exceptions import ApiError

MAX_FIELDS = 10
FIELD_NAME_LENGTH = 512
FIELD_VALUE_LENGTH = 2048

IMAGE_FIELDS = {  # input name -> (model field, byte limit setting)
    "avatar": ("avatar", "AVATAR_UPLOAD_LIMIT"),
    "header": ("header", "BANNER_UPLOAD_LIMIT"),
    "pleroma_background_image": ("background", "BACKGROUND_UPLOAD_LIMIT"),
}
PLAIN_FIELDS = (
    "locked", "discoverable", "hide_followers", "hide_follows", "hide_followers_count",
    "hide_follows_count", "hide_favorites", "show_role", "no_rich_text", "skip_thread_containment",
    "allow_following_move", "accepts_chat_messages", "show_birthday", "permit_followback",
    "default_scope", "avatar_description", "header_description", "location", "birthday", "language",
)


def set_image(user: User, field: str, upload, limit: int) -> None:
    """Replace (or, with an empty upload, clear) one profile image after Pillow checks it."""
    current = getattr(user, field)
    if upload is None or upload == "" or getattr(upload, "size", 1) == 0:
        if current:
            current.delete(save=False)
        setattr(user, field, "")
        return
    data = images.read_upload(upload, limit)
    info = images.inspect(data)
    name = f"{user.nickname}-{secrets.token_hex(8)}.{info.extension}"
    if current:
        current.delete(save=False)
    getattr(user, field).save(name, ContentFile(data), save=False)


def fields_from_request(request_data) -> list[dict] | None:
    """`fields_attributes` as an index-keyed hash (form) or a list (JSON), in key order."""
    if request_data is None:
        return None
    value = request_data.get("fields_attributes") if hasattr(request_data, "get") else None
    if isinstance(value, dict):
        items = [value[k] for k in sorted(value, key=lambda k: int(k) if str(k).isdigit() else 0)]
        return [i for i in items if isinstance(i, dict)]
    if isinstance(value, list):
        return [i for i in value if isinstance(i, dict)]
    found: dict[str, dict] = {}
    keys = request_data.keys() if hasattr(request_data, "keys") else []
    for key in keys:
        if key.startswith("fields_attributes[") and key.endswith("]"):
            inner = key[len("fields_attributes["):-1]
            index, _, attr = inner.partition("][")
            if attr in ("name", "value"):
                found.setdefault(index or str(len(found)), {})[attr] = request_data.get(key)
    if not found:
        return None
    return [found[k] for k in sorted(found, key=lambda k: int(k) if k.isdigit() else 0)]


def set_fields(user: User, fields: list[dict]) -> None:
    if len(fields) > MAX_FIELDS:
        raise ApiError("Too many field entries", status=413)
    clean = []
    for item in fields:
        name, value = str(item.get("name") or ""), str(item.get("value") or "")
        if not name and not value:
            continue
        if len(name) > FIELD_NAME_LENGTH or len(value) > FIELD_VALUE_LENGTH:
            raise ApiError("Invalid request", status=403)
        clean.append({"name": name, "value": value, "value_html": markup.render(value, "text/plain")})
    user.fields = clean


@transaction.atomic
def update_credentials(user: User, data: dict, raw=None) -> User:
    """Apply the given fields (absent ones stay as they are) and return the account."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if "display_name" in data:
        if len(data["display_name"]) > 100:
            raise ApiError("Name is too long", status=413)
        user.display_name = data["display_name"]
    if "note" in data:
        if len(data["note"]) > 5000:
            raise ApiError("Bio is too long", status=413)
        user.note = data["note"]
        user.note_html = markup.render_bio(data["note"])
    for name in PLAIN_FIELDS:
        if name in data:
            setattr(user, name, data[name] if data[name] is not None or name == "birthday" else getattr(user, name))
    if "bot" in data:
        user.actor_type = User.ActorType.SERVICE if data["bot"] else User.ActorType.PERSON
    if "actor_type" in data:
        user.actor_type = data["actor_type"]
    if "pleroma_settings_store" in data and isinstance(data["pleroma_settings_store"], dict):
        store = dict(user.settings_store)
        store.update(data["pleroma_settings_store"])
        user.settings_store = store
    for name, (field, limit_name) in IMAGE_FIELDS.items():
        if name in data:
            set_image(user, field, data[name], getattr(settings, limit_name))
    fields = fields_from_request(raw)
    if fields is not None:
        set_fields(user, fields)
    source = data.get("source") or {}
    # Mastodon's source[privacy] and Pleroma's default_scope are one setting; source wins.
    if "privacy" in source:
        user.default_scope = source["privacy"]
    if "language" in source:
        user.language = source["language"]
    user.save()
    for writer in registry.source_writers:
        writer(user, source)
    for hook in registry.profile_updated:
        hook(user)
    return user
