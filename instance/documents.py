"""The instance documents clients read at boot: Instance v1/v2 and nodeinfo 2.0/2.1.

Shapes: mastodon-base.md 2.15 (v1), 2.16 (v2), 2.17 (pleroma.metadata), 2.18 (nodeinfo).
Numbers come from settings and the database; nothing is advertised that is not served.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from accounts import profile
from accounts.models import User
from accounts.serializers import _privileges
from accounts.services import RESERVED_NICKNAMES
from core.images import MIME_BY_FORMAT
from instance.features import features
from push import vapid
from statuses.models import Status
from statuses.services.media import DESCRIPTION_LIMIT, MAX_MEDIA_ATTACHMENTS

SOFTWARE_VERSION = "2.7.0"
VERSION = f"2.7.2 (compatible; Pleroma {SOFTWARE_VERSION})"
SOURCE_URL = "https://git.pleroma.social/pleroma/pleroma"
POST_FORMATS = ["text/plain", "text/html", "text/markdown"]
POLL_LIMITS = {"max_options": 20, "max_option_chars": 200, "min_expiration": 0,
               "max_expiration": 365 * 24 * 3600}
STATS_TTL = 60


def _static(path: str) -> str:
    return f"{settings.PLEROMA_URL}{settings.STATIC_URL}{path}"


def streaming_url() -> str:
    """Where the streaming server is (settings.STREAMING_URL; clients add /api/v1/streaming)."""
    return settings.STREAMING_URL


def local_users():
    return User.objects.filter(is_active=True, is_deleted=False, domain__isnull=True)


def stats() -> dict:
    """Counts of local users, local posts, active users; cached briefly (every boot reads them)."""
    cached = cache.get("instance:stats")
    if cached is None:
        now = timezone.now()
        cached = {
            "user_count": local_users().count(),
            "status_count": Status.objects.filter(local=True).count(),
            "domain_count": 0,  # no federation: no known peers
            "active_month": local_users().filter(last_active_at__gte=now - timedelta(days=30)).count(),
            "active_halfyear": local_users().filter(
                last_active_at__gte=now - timedelta(days=180)).count(),
        }
        cache.set("instance:stats", cached, STATS_TTL)
    return cached


def upload_limits() -> dict:
    return {"upload_limit": settings.UPLOAD_LIMIT, "avatar_upload_limit": settings.AVATAR_UPLOAD_LIMIT,
            "background_upload_limit": settings.BACKGROUND_UPLOAD_LIMIT,
            "banner_upload_limit": settings.BANNER_UPLOAD_LIMIT}


def metadata() -> dict:
    """`pleroma.metadata` (2.17)."""
    return {
        "account_activation_required": settings.ACCOUNT_ACTIVATION_REQUIRED,
        "features": features(),
        "federation": {"enabled": settings.FEDERATING, "exclusions": False, "mrf_policies": []},
        "fields_limits": {"max_fields": profile.MAX_FIELDS, "max_remote_fields": profile.MAX_FIELDS,
                          "name_length": profile.FIELD_NAME_LENGTH,
                          "value_length": profile.FIELD_VALUE_LENGTH},
        "post_formats": POST_FORMATS,
        "birthday_required": False,
        "birthday_min_age": 0,
        "restrict_unauthenticated": {
            "timelines": {"local": False, "federated": False, "bubble": False},
            "profiles": {"local": False, "remote": False},
            "activities": {"local": False, "remote": False},
        },
    }


def configuration() -> dict:
    return {
        "accounts": {"max_featured_tags": 0},
        "statuses": {"max_characters": settings.MAX_TOOT_CHARS,
                     "max_media_attachments": MAX_MEDIA_ATTACHMENTS},
        "media_attachments": {"image_size_limit": settings.UPLOAD_LIMIT,
                              "video_size_limit": settings.UPLOAD_LIMIT,
                              "supported_mime_types": sorted(set(MIME_BY_FORMAT.values()))},
        "polls": {"max_options": POLL_LIMITS["max_options"],
                  "max_characters_per_option": POLL_LIMITS["max_option_chars"],
                  "min_expiration": POLL_LIMITS["min_expiration"],
                  "max_expiration": POLL_LIMITS["max_expiration"]},
    }


def _pleroma(meta: dict) -> dict:
    return {"metadata": meta, "stats": {"mau": stats()["active_month"]},
            "vapid_public_key": vapid.public_key(), "oauth_consumer_strategies": []}


def instance_v1() -> dict:
    """GET /api/v1/instance (2.15)."""
    counts = stats()
    return {
        "uri": settings.INSTANCE_DOMAIN,
        "title": settings.INSTANCE_NAME,
        "short_description": settings.INSTANCE_DESCRIPTION,
        "description": settings.INSTANCE_DESCRIPTION,
        "email": settings.INSTANCE_EMAIL,
        "version": VERSION,
        "urls": {"streaming_api": streaming_url()},
        "stats": {k: counts[k] for k in ("user_count", "status_count", "domain_count")},
        "thumbnail": _static("images/thumbnail.png"),
        "languages": ["en"],
        "registrations": settings.REGISTRATIONS_OPEN,
        "approval_required": settings.ACCOUNT_APPROVAL_REQUIRED,
        "contact_account": None,
        "rules": [],
        "configuration": configuration(),
        "max_toot_chars": settings.MAX_TOOT_CHARS,
        "max_media_attachments": MAX_MEDIA_ATTACHMENTS,
        "poll_limits": dict(POLL_LIMITS),
        **upload_limits(),
        "background_image": _static("images/banner.png"),
        "description_limit": DESCRIPTION_LIMIT,
        "chat_limit": None,
        "pleroma": _pleroma(metadata()),
    }


def instance_v2() -> dict:
    """GET /api/v2/instance (2.16): Pleroma's limits move into pleroma.metadata."""
    config = configuration()
    config["accounts"]["max_pinned_statuses"] = settings.MAX_PINNED_STATUSES
    config["statuses"]["characters_reserved_per_url"] = 0
    config["urls"] = {"streaming": streaming_url(), "status": None}
    config["vapid"] = {"public_key": vapid.public_key()}
    meta = metadata()
    meta.update(upload_limits())
    del meta["upload_limit"]
    meta.update(background_image=_static("images/banner.png"), chat_limit=None,
                description_limit=DESCRIPTION_LIMIT)
    return {
        "domain": settings.INSTANCE_DOMAIN,
        "title": settings.INSTANCE_NAME,
        "version": VERSION,
        "source_url": SOURCE_URL,
        "description": settings.INSTANCE_DESCRIPTION,
        "usage": {"users": {"active_month": stats()["active_month"]}},
        "thumbnail": {"url": _static("images/thumbnail.png")},
        "languages": ["en"],
        "configuration": config,
        "registrations": {"enabled": settings.REGISTRATIONS_OPEN,
                          "approval_required": settings.ACCOUNT_APPROVAL_REQUIRED,
                          "message": None, "url": None},
        "contact": {"email": settings.INSTANCE_EMAIL, "account": None},
        "rules": [],
        "pleroma": _pleroma(meta),
    }


def nodeinfo(version: str) -> dict:
    """GET /nodeinfo/2.0 and /nodeinfo/2.1 (2.18)."""
    counts = stats()
    staff = local_users().filter(is_admin=True) | local_users().filter(is_moderator=True)
    software = {"name": "pleroma", "version": SOFTWARE_VERSION}
    if version == "2.1":
        software["repository"] = SOURCE_URL
    meta = metadata()
    return {
        "version": version,
        "software": software,
        "protocols": ["activitypub"],
        "services": {"inbound": [], "outbound": []},
        "openRegistrations": settings.REGISTRATIONS_OPEN,
        "usage": {"users": {"total": counts["user_count"], "activeMonth": counts["active_month"],
                            "activeHalfyear": counts["active_halfyear"]},
                  "localPosts": counts["status_count"]},
        "metadata": {
            "nodeName": settings.INSTANCE_NAME,
            "nodeDescription": settings.INSTANCE_DESCRIPTION,
            "private": False,
            "suggestions": {"enabled": False},
            "staffAccounts": [u.ap_id for u in staff.order_by("nickname")],
            "roles": {"admin": _privileges(User(is_admin=True)),
                      "moderator": _privileges(User(is_moderator=True))},
            "federation": meta["federation"],
            "pollLimits": dict(POLL_LIMITS),
            "postFormats": POST_FORMATS,
            "uploadLimits": {"general": settings.UPLOAD_LIMIT, "avatar": settings.AVATAR_UPLOAD_LIMIT,
                             "banner": settings.BANNER_UPLOAD_LIMIT,
                             "background": settings.BACKGROUND_UPLOAD_LIMIT},
            "fieldsLimits": {"maxFields": profile.MAX_FIELDS, "maxRemoteFields": profile.MAX_FIELDS,
                             "nameLength": profile.FIELD_NAME_LENGTH,
                             "valueLength": profile.FIELD_VALUE_LENGTH},
            "accountActivationRequired": settings.ACCOUNT_ACTIVATION_REQUIRED,
            "invitesEnabled": False,
            "mailerEnabled": True,
            "features": meta["features"],
            "restrictedNicknames": sorted(RESERVED_NICKNAMES),
            "skipThreadContainment": True,
        },
    }
