"""The Status entity as an anonymous viewer sees it, rendered from the database.

`base_entries(pks)` renders a batch of statuses (a fixed number of queries) into the render
cache's entries: `{"m": references, "d": entity}` for a status, `{"m": ..., "b": its own
fields}` for a reblog (`reblog_wrapper` puts the reblogged status inside when a page is
assembled). The account and everything that depends on the viewer are filled in by
statuses.rendering.
"""

from __future__ import annotations

import re
import uuid
from typing import NamedTuple

from django.conf import settings
from django.db.models import CharField, TextField, Value
from django.db.models.functions import Cast, Coalesce, Concat

from accounts.models import User
from accounts.serializers import absolute
from core import ids, markup
from core.renderers import format_datetime
from statuses import registry
from statuses.models import MediaAttachment, Mention, Status, StatusTag


def meta_of(status: Status) -> dict:
    hexed = [getattr(status, f).hex if getattr(status, f) else None
             for f in ("account_id", "reblog_of_id", "quote_id", "in_reply_to_id")]
    return {"a": hexed[0], "r": hexed[1], "q": hexed[2], "p": hexed[3], "c": status.context_id,
            "v": status.visibility, "e": format_datetime(status.expires_at)}



BR_RE = re.compile(r"<br\s*/?>", re.I)


def plain_text(html: str) -> str:
    """`pleroma.content["text/plain"]`: the HTML with line breaks kept and tags stripped."""
    if not html:
        return ""
    return markup.strip_tags(BR_RE.sub("\n", html).replace("</p><p>", "\n\n"))


def render_media(media: MediaAttachment) -> dict:
    """The MediaAttachment entity. Remote media is shown from our copy once a task made it
    (`remote_url` keeps the origin's), hotlinked before that or when the copy was refused."""
    if media.file:
        url = absolute(media.file.url)
        preview = absolute(media.preview.url) if media.preview else url
    else:
        url = preview = media.remote_url or None
    data = {
        "id": ids.encode(media.pk),
        "type": media.type,
        "url": url,
        "preview_url": preview,
        "remote_url": media.remote_url or None,
        "text_url": url,
        "description": media.description or None,
        "blurhash": media.blurhash,
        "pleroma": {"mime_type": media.mime_type},
    }
    if media.meta:
        data["meta"] = media.meta
    return data


class MentionedAccount(NamedTuple):
    """The part of a mentioned User the Mention entity shows (same `acct`/`ap_id` rules)."""

    pk: uuid.UUID
    nickname: str
    remote_ap_id: str | None = None  # remote accounts only

    acct = property(User.acct.fget)

    @property
    def ap_id(self) -> str:
        return self.remote_ap_id or f"{settings.PLEROMA_URL}/users/{self.nickname}"


def _mentions_and_tags(pks: list) -> tuple[dict, dict]:
    """{status pk: [MentionedAccount]} and {status pk: [tag name]}, in id order, one query."""
    if not pks:
        return {}, {}
    text = TextField()
    mentioned = Mention.objects.filter(status_id__in=pks).annotate(
        key=Cast("status_id", text), kind=Value("m", output_field=CharField()),
        # nickname and, for a remote account, its actor id: one text column of the union
        first=Cast("account_id", text), second=Concat(
            Cast("account__nickname", text), Value("\t", output_field=text),
            Coalesce(Cast("account__remote_ap_id", text), Value("", output_field=text)), output_field=text),
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
            nickname, _, remote_ap_id = second.partition("\t")
            mentions.setdefault(status_pk, []).append(MentionedAccount(
                uuid.UUID(first), nickname, remote_ap_id or None))
        else:
            tags.setdefault(status_pk, []).append(first)
    return mentions, tags


def _mention_list(accounts: list) -> list[dict]:
    return [{"id": ids.encode(u.pk), "username": u.nickname, "acct": u.acct, "url": u.ap_id}
            for u in accounts]


def remote_emojis(status: Status) -> list[dict]:
    """The CustomEmoji entities of a remote status (from its Emoji tags)."""
    return [{"shortcode": code, "url": url, "static_url": url, "visible_in_picker": False}
            for code, url in (status.emojis or {}).items()]


def _status_json(status: Status, media: list, mentions: list, tags: list) -> dict:
    """A status (not a reblog) as an anonymous viewer sees it, without its account."""
    pk = status.pk
    app = status.application if status.application_id else None
    in_reply_to_account = status.in_reply_to_account if status.in_reply_to_account_id else None
    return {
        "id": ids.encode(pk),
        "uri": status.uri,
        "url": status.url,
        "account": None,
        "in_reply_to_id": ids.encode(status.in_reply_to_id) if status.in_reply_to_id else None,
        "in_reply_to_account_id": (ids.encode(status.in_reply_to_account_id)
                                   if status.in_reply_to_account_id else None),
        "reblog": None,
        "content": status.content,
        "text": None,
        "created_at": format_datetime(status.created_at),
        "edited_at": format_datetime(status.edited_at),
        "spoiler_text": status.spoiler_text,
        "sensitive": status.sensitive,
        "visibility": status.visibility,
        "language": status.language,
        "replies_count": status.replies_count,
        "reblogs_count": status.reblogs_count,
        "favourites_count": status.favourites_count,
        "favourited": False,
        "reblogged": False,
        "bookmarked": False,
        "muted": False,
        "pinned": status.pinned_at is not None,
        "media_attachments": [render_media(m) for m in media],
        "poll": None,
        "card": None,
        "mentions": _mention_list(mentions),
        "tags": [{"name": n, "url": f"{settings.PLEROMA_URL}/tag/{n}"} for n in tags],
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
            "expires_at": None,
            "thread_muted": False,
            "emoji_reactions": [],
            "parent_visible": False,
            "pinned_at": format_datetime(status.pinned_at),
            "quote": None,
            "quote_id": ids.encode(status.quote_id) if status.quote_id else None,
            "quote_url": (f"{settings.PLEROMA_URL}/objects/{ids.encode(status.quote_id)}"
                          if status.quote_id else None),
            "quote_visible": False,
            "quotes_count": status.quotes_count,
            "bookmark_folder": None,
            "list_id": None,
            "event": None,
            "content_type": None,
        },
    }


def _boost_json(boost: Status, mentions: list) -> dict:
    """A reblog's own fields; `reblog_wrapper` fills in the reblogged status."""
    return {"id": ids.encode(boost.pk), "created_at": format_datetime(boost.created_at),
            "visibility": boost.visibility, "local": boost.local,
            "pinned": boost.pinned_at is not None, "pinned_at": format_datetime(boost.pinned_at),
            "mentions": _mention_list(mentions)}


def reblog_wrapper(boost: dict, inner: dict, account: dict | None) -> dict:
    """The reblog wrapper (mastodon-base 2.3): the booster, the time, the original inside.
    Under `pleroma` it carries only local, pinned_at and bookmark_folder (pleroma-content 1.7)."""
    return {
        "id": boost["id"],
        "uri": inner["uri"],
        "url": inner["url"],
        "account": account,
        "in_reply_to_id": None,
        "in_reply_to_account_id": None,
        "reblog": inner,
        "content": inner["content"],
        "text": None,
        "created_at": boost["created_at"],
        "edited_at": None,
        "spoiler_text": "",
        "sensitive": False,
        "visibility": boost["visibility"],
        "language": inner["language"],
        "replies_count": 0,
        "reblogs_count": 0,
        "favourites_count": 0,
        "favourited": inner["favourited"],
        "reblogged": inner["reblogged"],
        "bookmarked": inner["bookmarked"],
        "muted": False,
        "pinned": boost["pinned"],
        "media_attachments": inner["media_attachments"],
        "poll": None,
        "card": None,
        "mentions": boost["mentions"],
        "tags": inner["tags"],
        "emojis": [],
        "application": inner["application"],
        "pleroma": {"local": boost["local"], "pinned_at": boost["pinned_at"],
                    "bookmark_folder": inner["pleroma"]["bookmark_folder"]},
    }


def base_entries(pks: list, *, with_references: bool = False) -> dict:
    """{pk: entry} rendered from the database for the statuses of `pks` that exist; with
    `with_references` also for the statuses they reblog or quote (and what those quote):
    a query per level, each a lookup by primary key."""
    rows = Status.objects.select_related("application", "in_reply_to_account", "poll")
    statuses = list(rows.filter(pk__in=pks))
    level = statuses
    for _ in range(2 if with_references else 0):
        have = {s.pk for s in statuses}
        wanted = {s.reblog_of_id or s.quote_id for s in level} - have - {None}
        if not wanted:
            break
        level = list(rows.filter(pk__in=wanted))
        statuses += level
    if not statuses:
        return {}
    found = [s.pk for s in statuses]
    media: dict = {}
    for m in MediaAttachment.objects.filter(status_id__in=found).order_by("position", "id"):
        media.setdefault(m.status_id, []).append(m)
    mentions, tags = _mentions_and_tags(found)
    originals = [s for s in statuses if not s.reblog_of_id]
    extensions: dict = {}
    for loaded in registry.load_all(None, originals):
        for pk, extension in (loaded or {}).items():
            registry.merge_into(extensions.setdefault(pk, {}), extension)
    entries = {}
    for s in statuses:
        if s.reblog_of_id:
            entries[s.pk] = {"m": meta_of(s), "b": _boost_json(s, mentions.get(s.pk, []))}
        else:
            data = _status_json(s, media.get(s.pk, []), mentions.get(s.pk, []), tags.get(s.pk, []))
            data = registry.merge_into(data, extensions.get(s.pk))
            if not s.local:  # a remote status names its own emoji; ours do not apply
                data["emojis"] = remote_emojis(s)
            entries[s.pk] = {"m": meta_of(s), "d": data}
    return entries
