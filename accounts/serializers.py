"""Account, Relationship, Application and Token entities as Pleroma renders them."""

from __future__ import annotations

from django.conf import settings
from rest_framework import serializers

from accounts.models import User
from core import ids, markup
from core.media import absolute_media_url
from core.renderers import format_datetime

DEFAULT_AVATAR = "/static/images/avi.png"
DEFAULT_BANNER = "/static/images/banner.png"


def absolute(url: str) -> str:
    """An absolute URL; uploads (`/media/...`) on the media base URL."""
    if url.startswith(("http://", "https://")):
        return url
    if url.startswith(settings.MEDIA_URL):
        return absolute_media_url(url)
    return f"{settings.PLEROMA_URL}{url}"


def image_url(field, default: str | None) -> str | None:
    if field:
        return absolute(field.url)
    return absolute(default) if default else None


def render_field(field: dict) -> dict:
    """A profile field as clients render it (as HTML): the name without tags, the value
    sanitised (pleroma-accounts: fields_attributes)."""
    value = field.get("value_html")
    if value is None:
        value = markup.text_as_html(field.get("value", ""))
    return {"name": markup.text_as_html(field.get("name", "")), "value": markup.sanitize(value)}


def relationships_for(viewer, accounts) -> dict:
    """The viewer's Relationship with each account, in a fixed number of queries."""
    from accounts.registry import get_relationships

    return get_relationships().relationship_map(viewer, accounts)


def render_account(user: User, viewer=None, relationship: dict | None = None,
                   own: bool | None = None, counts: dict | None = None) -> dict:
    """The Account entity. `own` adds the owner-only fields (source.privacy, email, ...)."""
    if own is None:
        own = viewer is not None and viewer.pk == user.pk
    note_html = user.note_html
    display_name = user.display_name or user.nickname
    followers_count = user.followers_count
    following_count = user.following_count
    if not own and user.hide_followers and user.hide_followers_count:
        followers_count = 0
    if not own and user.hide_follows and user.hide_follows_count:
        following_count = 0
    # A remote account's own image fields hold our copies of its images once cached;
    # until then (or when the copy was refused) the origin's URL is hotlinked.
    avatar = image_url(user.avatar, None) or user.remote_avatar or image_url(None, DEFAULT_AVATAR)
    header = image_url(user.header, None) or user.remote_header or image_url(None, DEFAULT_BANNER)
    pleroma = {
        "ap_id": user.ap_id,
        "also_known_as": list(user.also_known_as),
        "is_confirmed": user.is_confirmed,
        "is_suggested": user.is_suggested,
        "tags": list(user.tags),
        "hide_followers": user.hide_followers,
        "hide_follows": user.hide_follows,
        "hide_followers_count": user.hide_followers_count,
        "hide_follows_count": user.hide_follows_count,
        "hide_favorites": user.hide_favorites,
        "relationship": relationship or {},
        "skip_thread_containment": user.skip_thread_containment,
        "background_image": image_url(user.background, None),
        "accepts_chat_messages": user.accepts_chat_messages,
        "favicon": None,
        "avatar_description": user.avatar_description,
        "header_description": user.header_description,
        "location": user.location or None,
        "is_local": user.is_local,
        "permit_followback": user.permit_followback,
    }
    if own or user.show_role:
        pleroma["is_admin"] = user.is_admin
        pleroma["is_moderator"] = user.is_moderator
    if own or user.show_birthday:
        pleroma["birthday"] = user.birthday.isoformat() if user.birthday else None
    source_pleroma = {"discoverable": user.discoverable, "actor_type": user.actor_type}
    source = {"note": user.note, "sensitive": False,
              "fields": [{"name": f.get("name", ""), "value": f.get("value", "")} for f in user.fields],
              "pleroma": source_pleroma}
    data = {
        "id": ids.encode(user.pk),
        "username": user.short_nickname,
        "acct": user.acct,
        "display_name": display_name,
        "locked": user.locked,
        "bot": user.actor_type in ("Service", "Group"),
        "group": user.actor_type == "Group",
        "discoverable": user.discoverable,
        "created_at": format_datetime(user.created_at),
        "note": note_html,
        "url": user.profile_url,
        "uri": user.ap_id,
        "avatar": avatar,
        "avatar_static": avatar,
        "header": header,
        "header_static": header,
        "emojis": [{"shortcode": code, "url": url, "static_url": url, "visible_in_picker": False}
                   for code, url in sorted((user.emojis or {}).items())],
        "fields": [render_field(f) for f in user.fields],
        "followers_count": followers_count,
        "following_count": following_count,
        "statuses_count": user.statuses_count,
        "last_status_at": user.last_status_at.date().isoformat() if user.last_status_at else None,
        "fqn": user.fqn,
        "moved": moved_account(user, viewer),
        "roles": [],
        "source": source,
        "pleroma": pleroma,
    }
    if own:
        counts = counts or {}
        data["follow_requests_count"] = counts.get("follow_requests_count", 0)
        source["privacy"] = user.default_scope
        source["language"] = user.language
        source["follow_requests_count"] = data["follow_requests_count"]
        source_pleroma.update(show_role=user.show_role, no_rich_text=user.no_rich_text,
                              show_birthday=user.show_birthday)
        pleroma.update(
            privileges=_privileges(user),
            allow_following_move=user.allow_following_move,
            notification_settings={
                "block_from_strangers": bool(user.notification_settings.get("block_from_strangers", False)),
                "hide_notification_contents": bool(
                    user.notification_settings.get("hide_notification_contents", False)),
            },
            unread_conversation_count=counts.get("unread_conversation_count", 0),
            unread_notifications_count=counts.get("unread_notifications_count", 0),
            email=user.email,
            deactivated=not user.is_active,
        )
    return data


def moved_account(user: User, viewer) -> dict | None:
    """The Account a moved account points to, of this server or another one this server
    knows (one query, only for moved accounts)."""
    if not user.moved_to:
        return None
    prefix = f"{settings.PLEROMA_URL}/users/"
    if user.moved_to.startswith(prefix):
        target = User.objects.filter(nickname=user.moved_to[len(prefix):], domain__isnull=True,
                                     is_deleted=False).first()
    else:
        target = User.objects.filter(remote_ap_id=user.moved_to, is_deleted=False).first()
    if target is None or target.pk == user.pk:
        return None
    return render_account(target, viewer)


def _privileges(user: User) -> list[str]:
    if user.is_admin:
        return ["users_read", "users_manage_invites", "users_manage_activation_state",
                "users_manage_tags", "users_manage_credentials", "users_delete",
                "messages_read", "messages_delete", "instances_delete",
                "reports_manage_reports", "moderation_log_read",
                "announcements_manage_announcements", "emoji_manage_emoji", "statistics_read"]
    return []


def own_counts(user: User) -> dict:
    """The owner-only counters of verify_credentials (a few COUNT queries)."""
    from accounts.registry import own_counters

    counts = {
        "follow_requests_count": 0,  # relationships counts them
        "unread_notifications_count": user.notifications.filter(is_seen=False).count(),
        "unread_conversation_count": 0,
    }
    for counter in own_counters:
        counts.update(counter(user))
    return counts


class AccountSerializer(serializers.BaseSerializer):
    """The Account entity; `with_relationships=true` fills `pleroma.relationship`."""

    @classmethod
    def context_for(cls, viewer, accounts, request=None) -> dict:
        from core.params import parse_bool

        want = request is not None and parse_bool(request.query_params.get("with_relationships"))
        if not want or viewer is None:
            return {}
        return {"relationships": relationships_for(viewer, accounts)}

    def to_representation(self, user):
        viewer = self.context.get("viewer")
        relationship = self.context.get("relationships", {}).get(user.pk)
        return render_account(user, viewer, relationship)


class CredentialAccountSerializer(serializers.BaseSerializer):
    """The caller's own Account with `source`, counters and `settings_store`."""

    def to_representation(self, user):
        from accounts.registry import source_readers

        data = render_account(user, user, own=True, counts=own_counts(user))
        data["pleroma"]["settings_store"] = dict(user.settings_store)
        for reader in source_readers:
            data["source"].update(reader(user))
        return data


def render_app(app, with_secrets: bool) -> dict:
    data = {"id": str(app.pk), "name": app.name, "website": app.website,
            "scopes": app.scope_list, "redirect_uris": app.redirect_uris.split(),
            "redirect_uri": app.redirect_uris}
    if with_secrets:
        data.update(client_id=app.client_id, client_secret=app.client_secret,
                    client_secret_expires_at=0)
    return data


def render_token(token, refresh_token=None) -> dict:
    from django.utils import timezone

    data = {
        "id": token.pk,
        "access_token": token.token,
        "token_type": "Bearer",
        "scope": token.scope,
        "created_at": int(token.created.timestamp()),
        "expires_in": max(0, int((token.expires - timezone.now()).total_seconds())),
    }
    if refresh_token is not None:
        data["refresh_token"] = refresh_token.token
    if token.user_id is not None:
        data["me"] = token.user.ap_id
    return data
