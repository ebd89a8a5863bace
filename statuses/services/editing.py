"""Editing statuses: PUT /api/v1/statuses/:id, remote edits (Update{Note}) and the history.

An edit keeps the version it replaces as a StatusEdit row, then changes the status in place
(its id, counters and interactions stay). After the edit commits, local accounts that
reblogged or quoted the status get an `update` notification (a task, once per edit), the
streaming app announces `status.update` (it listens to the status saved with `edited_at`)
and `statuses.registry.after_update` hooks run inside the edit's transaction (federation
writes the Update to its outbox there).
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core import ids
from core.exceptions import NotFound, Unprocessable
from core.renderers import format_datetime
from notifications.services import notify
from statuses import registry
from statuses.entities import render_media
from statuses.models import MediaAttachment, Mention, Poll, Status, StatusEdit, StatusTag
from statuses.services import polls
from statuses.services.media import MAX_MEDIA_ATTACHMENTS, update_media
from statuses.services.posting import _quote_inline, _store_tags, set_text

UPDATE = "update"


def _unsupported(name: str) -> Unprocessable:
    return Unprocessable(f"Unsupported parameter: {name}")


def check_unchanged(status: Status, *, visibility=None, in_reply_to_id=None, quote_id=None,
                    to=None) -> None:
    """An edit cannot move a status to another audience or thread, nor add or change a quote
    (pleroma-content 5.1): clients that send the whole compose form (visibility, reply,
    quote) may repeat the current values, any other value is 422 naming the parameter."""
    if visibility not in (None, "") and visibility != status.visibility:
        raise _unsupported("visibility")
    if in_reply_to_id not in (None, "") and ids.decode(str(in_reply_to_id)) != status.in_reply_to_id:
        raise _unsupported("in_reply_to_id")
    if quote_id not in (None, "") and ids.decode(str(quote_id)) != status.quote_id:
        raise _unsupported("quote_id")
    if to:
        from statuses.services.posting import resolve_accounts

        wanted = {u.pk for u in resolve_accounts(to)}
        current = set(Mention.objects.filter(status=status).values_list("account_id", flat=True))
        if not wanted <= current:
            raise _unsupported("to")


def _whole_ms(value: datetime.datetime) -> datetime.datetime:
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


def _edit_time(status: Status) -> datetime.datetime:
    """The time of a new version: later than the version before, in the milliseconds the
    API shows (receivers of the Update apply it only when `updated` grows)."""
    when, previous = _whole_ms(timezone.now()), _whole_ms(status.edited_at or status.created_at)
    return when if when > previous else previous + datetime.timedelta(milliseconds=1)


def keep_version(status: Status) -> StatusEdit:
    """Keep the version about to be replaced in the history (call it, inside the editing
    transaction, before changing the status)."""
    media = [{"id": m.pk.hex, "description": m.description}
             for m in MediaAttachment.objects.filter(status=status).order_by("position", "id")]
    poll = Poll.objects.filter(status=status).values("options", "multiple").first()
    return StatusEdit.objects.create(
        status=status, content=status.content, content_source=status.content_source,
        content_type=status.content_type, spoiler_text=status.spoiler_text,
        sensitive=status.sensitive, media=media, poll=poll,
        created_at=status.edited_at or status.created_at)


def _media_for(account: User, status: Status, media_ids) -> list[MediaAttachment]:
    """The attachments named by `media_ids`, in order: the author's own uploads, unattached
    or already on this status (others' and unknown ids are ignored, as on posting)."""
    media_ids = [m for m in (media_ids or ()) if m not in (None, "")]
    if len(media_ids) > MAX_MEDIA_ATTACHMENTS:
        raise Unprocessable(f"Too many attachments (maximum is {MAX_MEDIA_ATTACHMENTS})")
    pks = [pk for pk in (ids.decode(str(m)) for m in media_ids) if pk is not None]
    from django.db.models import Q

    found = {m.pk: m for m in MediaAttachment.objects.filter(
        Q(status__isnull=True) | Q(status=status), pk__in=pks, account=account)}
    return [found[pk] for pk in dict.fromkeys(pks) if pk in found]


def _attach(status: Status, media: list[MediaAttachment]) -> None:
    keep = [m.pk for m in media]
    MediaAttachment.objects.filter(status=status).exclude(pk__in=keep).update(status=None)
    for position, attachment in enumerate(media):
        MediaAttachment.objects.filter(pk=attachment.pk).update(status=status, position=position)


def _apply_media_attributes(media: list[MediaAttachment], attributes: list[dict]) -> None:
    """`media_attributes[]`: new descriptions and focus points of the attached media."""
    by_pk = {m.pk: m for m in media}
    for item in attributes:
        attachment = by_pk.get(ids.decode(str(item.get("id") or "")))
        if attachment is None:
            raise Unprocessable("Invalid media_attributes: not an attachment of this status")
        description = item.get("description")
        focus = item.get("focus")
        update_media(attachment, description=None if description is None else str(description),
                     focus=None if focus in (None, "") else str(focus))


def _replace_poll(status: Status, poll: dict | None, when: datetime.datetime) -> None:
    """A poll is replaced (or removed) only while nobody has voted; resending the options
    it has keeps it, votes and all."""
    current = Poll.objects.select_for_update().filter(status=status).first()
    if current is not None and poll is not None and current.options == poll["options"] \
            and current.multiple == poll["multiple"]:
        return
    if current is not None and current.voters_count > 0:
        raise Unprocessable("A poll that has votes cannot be changed")
    if current is not None:
        current.delete()
    if poll is not None:
        polls.attach_poll(status, poll, starts_at=when)


def _notify_new_mentions(status: Status, before: set, linked: dict) -> None:
    for pk, user in linked.items():
        if pk not in before:
            notify(user, status.account, "mention", status=status)


def _after_edit(status: Status, *, run_hooks: bool) -> None:
    """Work that follows an edit: the `update` notifications (a task after commit), the
    after_update hooks (inside the edit's transaction, so that what they write, such as the
    federation outbox row, commits or rolls back with the edit)."""
    from statuses import tasks

    status_id, edited_at = str(status.pk), status.edited_at.isoformat()
    transaction.on_commit(lambda: tasks.notify_status_update.delay(status_id, edited_at))
    if run_hooks:
        for hook in list(registry.after_update):
            hook(status)


def edit_status(account: User, status: Status, *, text: str = "", spoiler_text: str = "",
                sensitive: bool | None = None, media_ids=(), media_attributes: list[dict] | None = None,
                poll: dict | None = None, content_type: str | None = None,
                language: str | None = None, params: dict | None = None) -> Status:
    """Edit one's own status (PUT /api/v1/statuses/:id); others' statuses are 404.

    The request rebuilds the version's text, spoiler text, media and poll, as Mastodon and
    Pleroma do (what is not sent is removed); `sensitive`, `content_type` and `language`
    keep their values when not given. The text is rendered as on posting: new mentions are
    linked and notified (earlier ones stay addressed), hashtags re-derived, a quote keeps its
    inline link. `poll` is the raw poll parameter (statuses.services.polls.poll_from_params).
    """
    if status.account_id != account.pk or status.reblog_of_id is not None:
        raise NotFound()
    for hook in registry.before_update:
        hook(status, params or {})
    text = text or ""
    spoiler_text = spoiler_text or ""
    if poll is not None:
        poll = polls.validate_poll(poll)
    with transaction.atomic():
        locked = Status.objects.select_for_update().select_related("account").filter(pk=status.pk).first()
        if locked is None:
            raise NotFound()
        media = _media_for(account, locked, media_ids)
        if poll is not None and media:
            raise Unprocessable("Polls cannot have media attachments")
        if not text.strip() and not media and poll is None:
            raise Unprocessable("Cannot post an empty status without attachments")
        if len(text) + len(spoiler_text) > settings.MAX_TOOT_CHARS:
            raise Unprocessable("The status is over the character limit")
        keep_version(locked)
        when = _edit_time(locked)
        before = set(Mention.objects.filter(status=locked).values_list("account_id", flat=True))
        linked, tags = set_text(locked, text, content_type or locked.content_type)
        if locked.quote_id:
            quoted_uri = Status.objects.filter(pk=locked.quote_id).first()
            if quoted_uri is not None:
                locked.content = _quote_inline(locked.content, quoted_uri.uri)
        locked.spoiler_text = spoiler_text
        if sensitive is not None:
            locked.sensitive = bool(sensitive)
        if "nsfw" in tags:
            locked.sensitive = True
        if language is not None:
            locked.language = (language or None) if language != "und" else None
        locked.edited_at = when
        _attach(locked, media)
        if media_attributes:
            _apply_media_attributes(media, media_attributes)
        _replace_poll(locked, poll, when)
        locked.save(update_fields=["content", "content_source", "content_type", "spoiler_text",
                                   "sensitive", "language", "edited_at"])
        _notify_new_mentions(locked, before, linked)
        _after_edit(locked, run_hooks=True)
    return locked


def apply_remote_edit(status: Status, *, content: str, spoiler_text: str = "", sensitive: bool = False,
                      media: list[MediaAttachment] | None = None, edited_at: datetime.datetime | None = None,
                      hashtags: list[str] | None = None, mentions: list[User] | None = None,
                      source: str | None = None) -> Status:
    """Apply an edit another server made (Update{Note}, already verified and sanitised).

    `content` is the new HTML as it will be shown; `media` the new attachments in order
    (MediaAttachment rows of the status's author, saved or not; None keeps the current ones);
    `hashtags` (names) and `mentions` (local accounts) replace the derived ones when given;
    `source` the new plain source if the object carries one. An edit whose `edited_at` is not
    later than the stored version changes nothing (federation.md 4.9). The version replaced
    is kept in the history; reblogged and quoted accounts are told as for a local edit, but
    the after_update hooks (which send our own Updates) do not run.
    """
    with transaction.atomic():
        locked = Status.objects.select_for_update().select_related("account").filter(pk=status.pk).first()
        if locked is None:
            raise NotFound()
        stored = locked.edited_at or locked.created_at
        if edited_at is not None and edited_at <= stored:
            return locked
        keep_version(locked)
        locked.content, locked.spoiler_text, locked.sensitive = content or "", spoiler_text or "", bool(sensitive)
        if source is not None:
            locked.content_source = source
        locked.edited_at = edited_at or _edit_time(locked)
        if media is not None:
            for position, attachment in enumerate(media):
                if attachment._state.adding:
                    attachment.account_id = attachment.account_id or locked.account_id
                    attachment.status, attachment.position = locked, position
                    attachment.save()
            _attach(locked, media)
        if hashtags is not None:
            names = [n.lower().lstrip("#") for n in hashtags if n]
            StatusTag.objects.filter(status=locked).exclude(hashtag__name__in=names).delete()
            _store_tags(locked, names)
        before = set(Mention.objects.filter(status=locked).values_list("account_id", flat=True))
        if mentions is not None:
            Mention.objects.bulk_create([Mention(status=locked, account=u) for u in mentions],
                                        ignore_conflicts=True)
            _notify_new_mentions(locked, before, {u.pk: u for u in mentions})
        locked.save(update_fields=["content", "content_source", "spoiler_text", "sensitive", "edited_at"])
        _after_edit(locked, run_hooks=False)
    return locked


def send_update_notifications(status: Status, edited_at: datetime.datetime) -> int:
    """`update` to the local accounts that reblogged or quoted the status, once per edit
    (an account that did both is told once; a retried task tells nobody twice)."""
    from notifications.models import Notification

    already = Notification.objects.filter(status=status, type=UPDATE, created_at__gte=edited_at
                                          ).values("user_id")
    reblogged = Status.objects.filter(reblog_of=status).values("account_id")
    quoted = Status.objects.filter(quote=status).values("account_id")
    from django.db.models import Q

    users = (User.objects.filter(Q(pk__in=reblogged) | Q(pk__in=quoted), domain__isnull=True)
             .exclude(pk=status.account_id).exclude(pk__in=already))
    return sum(notify(user, status.account, UPDATE, status=status) is not None for user in users)


# -- the history ---------------------------------------------------------------------------------

def _hex_uuid(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _poll_version(poll: dict | None) -> dict | None:
    if not poll:
        return None
    return {"options": [{"title": title} for title in poll.get("options") or ()]}


def _text_emojis(*texts: str) -> list[dict]:
    found: list[dict] = []
    for emojis_in in registry.text_emojis:
        found += emojis_in(" ".join(t for t in texts if t))
    return found


def history(viewer: User | None, status: Status) -> list[dict]:
    """The StatusEdit entities of a status, the original version first and the current one
    last (one entry for a status never edited), in a fixed number of queries."""
    from statuses.rendering import render_page

    current = render_page(viewer, [status.pk]).get(status.pk)
    if current is None:
        raise NotFound()
    account = current["account"]
    edits = list(StatusEdit.objects.filter(status=status).order_by("id"))
    wanted = {_hex_uuid(item["id"]) for edit in edits for item in edit.media}
    wanted.discard(None)
    found = {m.pk: m for m in MediaAttachment.objects.filter(pk__in=wanted)} if wanted else {}
    versions = []
    for edit in edits:
        media = []
        for item in edit.media:
            attachment = found.get(_hex_uuid(item["id"]))
            if attachment is not None:
                media.append({**render_media(attachment), "description": item.get("description") or None})
        versions.append({
            "content": edit.content, "spoiler_text": edit.spoiler_text, "sensitive": edit.sensitive,
            "created_at": format_datetime(edit.created_at), "account": account,
            "media_attachments": media,
            "emojis": _text_emojis(edit.spoiler_text, edit.content_source),
            "poll": _poll_version(edit.poll),
        })
    poll = current.get("poll")
    versions.append({
        "content": current["content"], "spoiler_text": current["spoiler_text"],
        "sensitive": current["sensitive"],
        "created_at": current["edited_at"] or current["created_at"], "account": account,
        "media_attachments": current["media_attachments"], "emojis": current["emojis"],
        "poll": {"options": [{"title": o["title"]} for o in poll["options"]]} if poll else None,
    })
    return versions


def media_attributes_from_params(raw: dict[str, Any]) -> list[dict]:
    """`media_attributes[]` as a list of `{id, description, focus}`, from JSON (a list of
    objects) or a form (`media_attributes[][id]=..`, or indexed `media_attributes[0][id]=..`)."""
    value = raw.get("media_attributes")
    if isinstance(value, list) and all(isinstance(item, dict) for item in value):
        return value
    if isinstance(value, dict):
        return [value[k] for k in sorted(value, key=str) if isinstance(value[k], dict)]
    indexed: dict[str, dict] = {}
    listed: dict[str, list] = {}
    for key, item in raw.items():
        if not key.startswith("media_attributes[") or not key.endswith("]"):
            continue
        inner = key[len("media_attributes["):-1]
        index, _, name = inner.partition("][")
        if not name:
            continue
        if index == "":
            listed[name] = item if isinstance(item, list) else [item]
        else:
            indexed.setdefault(index, {})[name] = item[-1] if isinstance(item, list) else item
    if listed:
        length = max(len(v) for v in listed.values())
        return [{name: values[i] for name, values in listed.items() if i < len(values)}
                for i in range(length)]
    return [indexed[k] for k in sorted(indexed, key=lambda k: (len(k), k))]
