"""The Status and MediaAttachment entities as Pleroma renders them (mastodon-base 2.3, 2.4).

`StatusSerializer.context_for` loads everything viewer-dependent for a whole page in a
fixed number of queries: the nested reblogged and quoted statuses, media, mentions, tags,
the viewer's favourites, reblogs, thread mutes and muted authors, which quoted/parent
statuses the viewer may see, and the feature apps' loaders (statuses.registry).
"""

from __future__ import annotations

import re
import uuid
from typing import NamedTuple

from django.conf import settings
from django.db.models import CharField, TextField, Value
from django.db.models.functions import Cast
from rest_framework import serializers

from accounts.follows import active_mutes
from accounts.models import User
from accounts.serializers import absolute, render_account
from core import ids, markup
from core.renderers import format_datetime
from statuses import registry
from statuses.models import Favourite, MediaAttachment, Mention, Status, StatusTag, ThreadMute

VIEWER_KINDS = {"f": "favourited", "r": "reblogged", "m": "muted_accounts", "v": "visible"}
BR_RE = re.compile(r"<br\s*/?>", re.I)


def plain_text(html: str) -> str:
    """`pleroma.content["text/plain"]`: the HTML with line breaks kept and tags stripped."""
    if not html:
        return ""
    return markup.strip_tags(BR_RE.sub("\n", html).replace("</p><p>", "\n\n"))


def media_type(mime: str) -> str:
    kind = (mime or "").split("/")[0]
    return kind if kind in ("image", "video", "audio") else "unknown"


def render_media(media: MediaAttachment) -> dict:
    """The MediaAttachment entity."""
    url = absolute(media.file.url) if media.file else None
    preview = absolute(media.preview.url) if media.preview else url
    data = {
        "id": ids.encode(media.pk),
        "type": media.type,
        "url": url,
        "preview_url": preview,
        "remote_url": None,
        "text_url": url,
        "description": media.description or None,
        "blurhash": media.blurhash,
        "pleroma": {"mime_type": media.mime_type},
    }
    if media.meta:
        data["meta"] = media.meta
    return data


class MediaAttachmentSerializer(serializers.BaseSerializer):
    """The MediaAttachment entity."""

    def to_representation(self, media):
        return render_media(media)


def _keyed(queryset, column: str, kind: str):
    """(column as text, kind) rows of a queryset, to UNION lookups of different key types."""
    return queryset.annotate(key=Cast(column, TextField()), kind=Value(kind, output_field=CharField())
                             ).values_list("key", "kind")


class MentionedAccount(NamedTuple):
    """The part of a mentioned User the Mention entity shows (same `acct`/`ap_id` rules)."""

    pk: uuid.UUID
    nickname: str

    acct = property(User.acct.fget)
    ap_id = property(User.ap_id.fget)


def _mentions_and_tags(pks: list) -> tuple[dict, dict]:
    """{status pk: [MentionedAccount]} and {status pk: [tag name]}, in id order, one query."""
    if not pks:
        return {}, {}
    text = TextField()
    mentioned = Mention.objects.filter(status_id__in=pks).annotate(
        key=Cast("status_id", text), kind=Value("m", output_field=CharField()),
        first=Cast("account_id", text), second=Cast("account__nickname", text),
    ).values_list("key", "kind", "first", "second", "id")
    tagged = StatusTag.objects.filter(status_id__in=pks).annotate(
        key=Cast("status_id", text), kind=Value("t", output_field=CharField()),
        first=Cast("hashtag__name", text), second=Value("", output_field=text),
    ).values_list("key", "kind", "first", "second", "id")
    mentions: dict = {}
    tags: dict = {}
    for status_key, kind, first, second, _ in mentioned.union(tagged, all=True).order_by("id"):
        status_pk = uuid.UUID(status_key)
        if kind == "m":
            mentions.setdefault(status_pk, []).append(MentionedAccount(uuid.UUID(first), second))
        else:
            tags.setdefault(status_pk, []).append(first)
    return mentions, tags


def _cached(instance, field: str) -> bool:
    return instance._meta.get_field(field).is_cached(instance)


def _load_related(statuses: list[Status], *, nested: bool = True) -> None:
    """Attach missing reblog_of/quote/account rows in one query each (no per-row loads).

    Reblogged and quoted statuses are fetched by primary key here rather than joined into
    the page query, which keeps that query a plain walk down a (column, -id) index.
    """
    for field in ("reblog_of", "quote") if nested else ():
        missing = {s.__dict__[f"{field}_id"] for s in statuses
                   if s.__dict__.get(f"{field}_id") and not _cached(s, field)}
        if missing:
            rows = Status.objects.filter(pk__in=missing).select_related(
                "account", "application", "in_reply_to_account")
            found = {r.pk: r for r in rows}
            for s in statuses:
                fid = s.__dict__.get(f"{field}_id")
                if fid and not _cached(s, field):
                    setattr(s, field, found.get(fid))
    related = [getattr(s, f) for s in statuses for f in ("reblog_of", "quote")
               if s.__dict__.get(f"{f}_id") and _cached(s, f) and getattr(s, f) is not None]
    everyone = statuses + related
    for field in ("account", "in_reply_to_account"):
        missing = {s.__dict__[f"{field}_id"] for s in everyone
                   if s.__dict__.get(f"{field}_id") and not _cached(s, field)}
        if missing:
            users = {u.pk: u for u in User.objects.filter(pk__in=missing)}
            for s in everyone:
                fid = s.__dict__.get(f"{field}_id")
                if fid and not _cached(s, field):
                    setattr(s, field, users.get(fid))


def collect(statuses: list[Status]) -> list[Status]:
    """The page's statuses plus the reblogged and quoted ones (two levels), deduplicated."""
    seen: dict = {}
    queue = list(statuses)
    for depth in range(3):
        _load_related(queue, nested=depth < 2)
        following = []
        for s in queue:
            if s is None or s.pk in seen:
                continue
            seen[s.pk] = s
            if depth < 2:
                for field in ("reblog_of", "quote"):
                    if s.__dict__.get(f"{field}_id"):
                        following.append(getattr(s, field))
        queue = [s for s in following if s is not None]
        if not queue:
            break
    return list(seen.values())


class StatusSerializer(serializers.BaseSerializer):
    """The Status entity, with Pleroma's `pleroma` block; reblogs render as wrappers."""

    @classmethod
    def context_for(cls, viewer, statuses, request=None) -> dict:
        statuses = [s for s in statuses if s is not None]
        everything = collect(statuses)
        pks = [s.pk for s in everything]
        media: dict = {}
        for m in MediaAttachment.objects.filter(status_id__in=pks).order_by("position", "id"):
            media.setdefault(m.status_id, []).append(m)
        mentions, tags = _mentions_and_tags(pks)
        context = {"media": media, "mentions": mentions, "tags": tags, "viewer": viewer,
                   "favourited": set(), "reblogged": set(), "thread_muted": set(),
                   "muted_accounts": set()}
        # Which parents and quoted statuses the viewer may see (with a viewer: in the UNION).
        referenced = {s.in_reply_to_id for s in everything if s.in_reply_to_id}
        referenced |= {s.quote_id for s in everything if s.quote_id}
        visible = Status.objects.visible_to(viewer).filter(pk__in=referenced) if referenced else None
        context["visible"] = set()
        if visible is not None and (viewer is None or not pks):
            context["visible"] = set(visible.values_list("pk", flat=True))
            visible = None
        keyed: dict = {}
        if viewer is not None and pks:
            # The viewer's favourites, reblogs, thread mutes, muted authors, visible parents and
            # quotes, and the keyed loaders' rows (bookmarks) of the page in one round trip: keys cast to text so that uuid and integer columns can be UNIONed.
            contexts = {s.context_id for s in everything if s.context_id}
            authors = {s.account_id for s in everything}
            parts = [
                _keyed(Favourite.objects.filter(account=viewer, status_id__in=pks), "status_id", "f"),
                _keyed(Status.objects.filter(account=viewer, reblog_of_id__in=pks), "reblog_of_id", "r"),
                _keyed(ThreadMute.objects.filter(user=viewer, context_id__in=contexts), "context_id", "t"),
                _keyed(active_mutes().filter(muter=viewer, muted_id__in=authors), "muted_id", "m"),
            ]
            if visible is not None:
                parts.append(_keyed(visible, "id", "v"))
            parts += [qs for k in registry.keyed_loaders if (qs := k.rows(viewer, everything)) is not None]
            for key, kind in parts[0].union(*parts[1:], all=True):
                if kind == "t":
                    context["thread_muted"].add(int(key))
                elif kind in VIEWER_KINDS:
                    context[VIEWER_KINDS[kind]].add(uuid.UUID(key))
                else:
                    keyed.setdefault(kind, []).append(key)
        extensions: dict = {}
        loaded_pages = [k.build(viewer, everything, keyed.get(k.kind, [])) for k in registry.keyed_loaders]
        for loaded in loaded_pages + registry.load_all(viewer, everything):
            for pk, ext in (loaded or {}).items():
                merged = extensions.setdefault(pk, {})
                registry.merge_into(merged, ext)
        context["extensions"] = extensions
        return context

    def to_representation(self, status: Status) -> dict:
        if status.reblog_of_id:
            return self.render_reblog(status)
        return self.render_status(status, depth=0)

    # -- pieces ---------------------------------------------------------------------------

    def _ctx(self, key, default=None):
        value = self.context.get(key)
        return default if value is None else value

    def _account(self, user):
        """Each distinct author is rendered once per page (the dict is shared, never mutated)."""
        cache = self.context.setdefault("_rendered_accounts", {})
        rendered = cache.get(user.pk)
        if rendered is None:
            rendered = cache[user.pk] = render_account(user, self._ctx("viewer"))
        return rendered

    def render_status(self, status: Status, depth: int) -> dict:
        viewer = self._ctx("viewer")
        pk = status.pk
        with_source = bool(self.context.get("with_source")) and depth == 0
        in_reply_to_account = status.in_reply_to_account if status.in_reply_to_account_id else None
        quote_visible = bool(status.quote_id) and status.quote_id in self._ctx("visible", set())
        quote = None
        if quote_visible and depth == 0 and getattr(status, "quote", None) is not None:
            quote = self.render_status(status.quote, depth=1)
        is_author = viewer is not None and viewer.pk == status.account_id
        thread_muted = status.context_id in self._ctx("thread_muted", set())
        app = status.application if status.application_id else None
        data = {
            "id": ids.encode(pk),
            "uri": status.uri,
            "url": status.url,
            "account": self._account(status.account),
            "in_reply_to_id": ids.encode(status.in_reply_to_id) if status.in_reply_to_id else None,
            "in_reply_to_account_id": (ids.encode(status.in_reply_to_account_id)
                                       if status.in_reply_to_account_id else None),
            "reblog": None,
            "content": status.content,
            "text": status.content_source if with_source else None,
            "created_at": format_datetime(status.created_at),
            "edited_at": format_datetime(status.edited_at),
            "spoiler_text": status.spoiler_text,
            "sensitive": status.sensitive,
            "visibility": status.visibility,
            "language": status.language,
            "replies_count": status.replies_count,
            "reblogs_count": status.reblogs_count,
            "favourites_count": status.favourites_count,
            "favourited": pk in self._ctx("favourited", set()),
            "reblogged": pk in self._ctx("reblogged", set()),
            "bookmarked": False,
            "muted": thread_muted or status.account_id in self._ctx("muted_accounts", set()),
            "pinned": status.pinned_at is not None,
            "media_attachments": [render_media(m) for m in self._ctx("media", {}).get(pk, [])],
            "poll": None,
            "card": None,
            "mentions": [{"id": ids.encode(u.pk), "username": u.nickname, "acct": u.acct,
                          "url": u.ap_id} for u in self._ctx("mentions", {}).get(pk, [])],
            "tags": [{"name": n, "url": f"{settings.PLEROMA_URL}/tag/{n}"}
                     for n in self._ctx("tags", {}).get(pk, [])],
            "emojis": [],
            "application": {"name": app.name, "website": app.website} if app else None,
            "pleroma": {
                "local": status.local,
                "content": {"text/plain": plain_text(status.content)},
                "spoiler_text": {"text/plain": status.spoiler_text},
                "conversation_id": status.context_id,
                "context": (f"{settings.PLEROMA_URL}/contexts/{status.context_id}"
                            if status.context_id else None),
                "direct_conversation_id": None,
                "in_reply_to_account_acct": in_reply_to_account.acct if in_reply_to_account else None,
                "expires_at": format_datetime(status.expires_at) if is_author else None,
                "thread_muted": thread_muted,
                "emoji_reactions": [],
                "parent_visible": bool(status.in_reply_to_id)
                and status.in_reply_to_id in self._ctx("visible", set()),
                "pinned_at": format_datetime(status.pinned_at),
                "quote": quote,
                "quote_id": ids.encode(status.quote_id) if status.quote_id else None,
                "quote_url": (f"{settings.PLEROMA_URL}/objects/{ids.encode(status.quote_id)}"
                              if status.quote_id else None),
                "quote_visible": quote_visible,
                "quotes_count": status.quotes_count,
                "bookmark_folder": None,
                "list_id": None,
                "event": None,
                "content_type": status.content_type if with_source else None,
            },
        }
        return registry.merge_into(data, self._ctx("extensions", {}).get(pk))

    def render_reblog(self, boost: Status) -> dict:
        """The reblog wrapper (mastodon-base 2.3): the booster, the time, the original inside."""
        target = boost.reblog_of
        inner = self.render_status(target, depth=0)
        data = {
            "id": ids.encode(boost.pk),
            "uri": target.uri,
            "url": target.url,
            "account": self._account(boost.account),
            "in_reply_to_id": None,
            "in_reply_to_account_id": None,
            "reblog": inner,
            "content": inner["content"],
            "text": None,
            "created_at": format_datetime(boost.created_at),
            "edited_at": None,
            "spoiler_text": "",
            "sensitive": False,
            "visibility": boost.visibility,
            "language": target.language,
            "replies_count": 0,
            "reblogs_count": 0,
            "favourites_count": 0,
            "favourited": inner["favourited"],
            "reblogged": inner["reblogged"],
            "bookmarked": inner.get("bookmarked", False),
            "muted": False,
            "pinned": boost.pinned_at is not None,
            "media_attachments": inner["media_attachments"],
            "poll": None,
            "card": None,
            "mentions": [{"id": ids.encode(u.pk), "username": u.nickname, "acct": u.acct,
                          "url": u.ap_id} for u in self._ctx("mentions", {}).get(boost.pk, [])],
            "tags": inner["tags"],
            "emojis": [],
            "application": inner["application"],
            "pleroma": {
                "local": boost.local,
                "pinned_at": format_datetime(boost.pinned_at),
                "bookmark_folder": inner["pleroma"].get("bookmark_folder"),
            },
        }
        # A wrapper carries only local, pinned_at and bookmark_folder under `pleroma`
        # (pleroma-content 1.7): feature data lives on the inner status.
        extension = dict(self._ctx("extensions", {}).get(boost.pk) or {})
        pleroma = extension.pop("pleroma", None) or {}
        if "bookmark_folder" in pleroma:
            extension["pleroma"] = {"bookmark_folder": pleroma["bookmark_folder"]}
        return registry.merge_into(data, extension)


class StatusSourceSerializer(serializers.BaseSerializer):
    """StatusSource (GET /api/v1/statuses/:id/source)."""

    def to_representation(self, status):
        return {"id": ids.encode(status.pk), "text": status.content_source,
                "spoiler_text": status.spoiler_text, "content_type": status.content_type}
