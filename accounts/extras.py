"""Account extras: favourites of an account, notification settings, profile images and
the mascot, scrobbles (pleroma-accounts 11-17, 25). Subscriptions and endorsements are
in relationships.social."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet

from accounts import profile, registry
from accounts.models import Scrobble, User
from core import images
from core.exceptions import ApiError, Forbidden

DEFAULT_MASCOT = {
    "id": "default-mascot",
    "url": "/images/pleroma-fox-tan-smol.png",
    "type": "image",
    "preview_url": "/images/pleroma-fox-tan-smol.png",
    "pleroma": {"mime_type": "image/png"},
}
NOTIFICATION_SETTINGS = ("block_from_strangers", "hide_notification_contents")
SCROBBLE_VISIBILITIES = ("public", "unlisted", "local", "private", "direct", "list")


# --- favourites of an account ---------------------------------------------------------------

def favourites_of(account: User, viewer: User | None) -> QuerySet:
    """The account's Favourite rows of statuses the viewer may see (403 when hidden)."""
    from statuses.models import Favourite, Status

    if account.hide_favorites:
        raise Forbidden("Can't get favorites")
    visible = Status.objects.visible_to(viewer).values("pk")
    return Favourite.objects.filter(account=account, status_id__in=visible)


def statuses_of_favourites(rows: list) -> list:
    """The statuses of a page of Favourite rows, in the page's order, loaded for the API."""
    from statuses.models import Status

    loaded = Status.objects.for_api().in_bulk([row.status_id for row in rows])
    return [loaded[row.status_id] for row in rows if row.status_id in loaded]


# --- notification settings ------------------------------------------------------------------

def update_notification_settings(user: User, values: dict) -> dict:
    """Change the given settings only; the others keep their stored value."""
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        current = {name: bool(locked.notification_settings.get(name, False)) for name in NOTIFICATION_SETTINGS}
        current.update({k: bool(v) for k, v in values.items() if k in NOTIFICATION_SETTINGS})
        locked.notification_settings = {**locked.notification_settings, **current}
        locked.save(update_fields=["notification_settings"])
    return current


# --- profile images -------------------------------------------------------------------------

IMAGE_ENDPOINTS = {  # endpoint -> (model field, byte limit setting)
    "avatar": ("avatar", "AVATAR_UPLOAD_LIMIT"),
    "banner": ("header", "BANNER_UPLOAD_LIMIT"),
    "background": ("background", "BACKGROUND_UPLOAD_LIMIT"),
}


def update_image(user: User, which: str, upload) -> str | None:
    """Replace (or, with an empty value, clear) the avatar, banner or background; the new URL."""
    from accounts.serializers import image_url

    field, limit = IMAGE_ENDPOINTS[which]
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        profile.set_image(locked, field, upload, getattr(settings, limit))
        locked.save(update_fields=[field])
        for hook in registry.profile_updated:
            hook(locked)
    return image_url(getattr(locked, field), None)


# --- mascot ---------------------------------------------------------------------------------

def get_mascot(user: User) -> dict:
    return user.mascot or DEFAULT_MASCOT


def set_mascot(user: User, upload) -> dict:
    """Store an image as the user's mascot (an upload owned by the user) and return it."""
    from statuses.serializers import render_media
    from statuses.services.media import upload_media

    data = images.read_upload(upload, settings.UPLOAD_LIMIT)
    images.inspect(data, error="mascots can only be images")
    media = upload_media(user, upload)
    if media.type != "image":
        raise ApiError("mascots can only be images", status=415)
    rendered = render_media(media)
    User.objects.filter(pk=user.pk).update(mascot=rendered)
    return rendered


# --- scrobbles ------------------------------------------------------------------------------

def scrobble(account: User, *, title: str, artist: str = "", album: str = "", length: int | None = None,
             external_link: str = "", visibility: str = "public") -> Scrobble:
    """Record a listen."""
    with transaction.atomic():
        return Scrobble.objects.create(account=account, title=title, artist=artist or "",
                                       album=album or "", length=length,
                                       external_link=external_link or "", visibility=visibility)


def scrobbles_visible_to(account: User, viewer: User | None) -> QuerySet:
    """The account's listens the viewer may see, by the listen's visibility."""
    qs = Scrobble.objects.filter(account=account)
    if viewer is not None and viewer.pk == account.pk:
        return qs
    allowed = Q(visibility__in=("public", "unlisted", "local"))
    if viewer is not None and registry.get_relationships().is_following(viewer, account):
        allowed |= Q(visibility="private")
    return qs.filter(allowed)
