"""Posting and deleting statuses: validation, rendering, addressing, counters, notifications."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone

from accounts.models import User
from core import ids, markup
from core.exceptions import NotFound, Unprocessable
from notifications.services import notify
from relationships.models import Follow
from statuses import registry
from statuses.models import (
    Hashtag,
    MediaAttachment,
    Mention,
    Status,
    StatusContext,
    StatusTag,
    Visibility,
)
from statuses.queries import PUBLIC_VISIBILITIES, get_visible_status
from statuses.services import polls
from statuses.services.media import MAX_MEDIA_ATTACHMENTS

VISIBILITIES = ("public", "unlisted", "local", "private", "direct")
MAX_EXPIRY_SECONDS = 100 * 365 * 24 * 3600  # further would overflow the date arithmetic


def tag_url(name: str) -> str:
    return f"{settings.PLEROMA_URL}/tag/{name.lower()}"


def resolve_accounts(values) -> list[User]:
    """Local, active accounts named by User objects, ids, nicknames or `nick@our.domain`."""
    users: list[User] = []
    keys: list[Any] = []
    for value in values or ():
        if isinstance(value, User):
            users.append(value)
        elif value not in (None, ""):
            keys.append(str(value))
    pks = [pk for pk in (ids.decode(k) for k in keys) if pk is not None]
    nicknames = set()
    for key in keys:
        nick, _, host = key.lstrip("@").partition("@")
        if not host or host == settings.INSTANCE_DOMAIN:
            nicknames.add(nick)
    if pks or nicknames:
        from django.db.models import Q

        users.extend(User.objects.filter(Q(pk__in=pks) | Q(nickname__in=nicknames)))
    unique = {u.pk: u for u in users if u.is_active and not u.is_deleted}
    return list(unique.values())


def _resolve_reply(account, in_reply_to) -> Status | None:
    if in_reply_to in (None, ""):
        return None
    try:
        parent = get_visible_status(account, in_reply_to, for_api=False)
    except NotFound:
        raise Unprocessable("The post being replied to was deleted") from None
    return parent.reblog_of if parent.reblog_of_id else parent


def _resolve_quote(account, quote) -> Status | None:
    """The quoted status; unknown or invisible ids are ignored (pleroma-content 5.1)."""
    if quote in (None, ""):
        return None
    try:
        quoted = get_visible_status(account, quote, for_api=False)
    except NotFound:
        return None
    if quoted.reblog_of_id:
        quoted = Status.objects.get(pk=quoted.reblog_of_id)
    if quoted.visibility in PUBLIC_VISIBILITIES:
        return quoted
    if quoted.visibility == Visibility.PRIVATE and quoted.account_id == account.pk:
        return quoted
    raise Unprocessable("Cannot quote private message")


def _validate_visibility(account, visibility: str | None) -> str:
    visibility = visibility or account.default_scope or "public"
    if visibility.startswith("list:"):
        raise Unprocessable("List not found")
    if visibility not in VISIBILITIES:
        raise Unprocessable("Invalid visibility")
    return visibility


def _quote_inline(content: str, url: str) -> str:
    """Pleroma's InlineQuotePolicy: append a hidden `RT: <url>` for non-quote-aware software."""
    if url in content or "quote-inline" in content:
        return content
    span = f'<span class="quote-inline"><br/><br/><bdi>RT:</bdi> <a href="{url}">{url}</a></span>'
    if content.endswith("</p>"):
        return content[: -len("</p>")] + span + "</p>"
    return content + span


def render_text(text: str, content_type: str) -> tuple[str, dict[Any, User], list[str]]:
    """(HTML, {pk: mentioned account}, [hashtag names]) of a status body: the markup
    callbacks link local accounts (and remote ones this server knows) and collect what the
    text names."""
    def key(nick: str, host: str | None) -> str:
        # Remote accounts this server knows are stored as `nick@host` (federation).
        return nick if host in (None, settings.INSTANCE_DOMAIN) else f"{nick}@{host.lower()}"

    nicknames = {key(nick, host) for nick, host in markup.mentions_in(text)}
    by_nick = {u.nickname: u for u in User.objects.filter(
        nickname__in=nicknames, is_active=True, is_deleted=False)} if nicknames else {}
    linked: dict[Any, User] = {}
    tags: list[str] = []

    def mention_url(nick: str, host: str | None) -> str | None:
        user = by_nick.get(key(nick, host))
        if user is None:
            return None
        linked[user.pk] = user
        return user.ap_id

    def tag_link(name: str) -> str:
        if name.lower() not in tags and not name.isdigit():
            tags.append(name.lower())
        return tag_url(name)

    if not text:
        return "", linked, tags
    return markup.render(text, content_type, mention_url=mention_url, tag_url=tag_link), linked, tags


def set_text(status: Status, text: str, content_type: str) -> None:
    """Replace a status body (an edit): content, source, new mentions, its hashtags. The
    caller saves the status's own fields."""
    content_type = content_type if content_type in markup.CONTENT_TYPES else "text/plain"
    status.content, linked, tags = render_text(text, content_type)
    status.content_source, status.content_type = text, content_type
    Mention.objects.bulk_create([Mention(status=status, account=u) for u in linked.values()],
                                ignore_conflicts=True)
    StatusTag.objects.filter(status=status).exclude(hashtag__name__in=tags).delete()
    _store_tags(status, tags)


def _store_tags(status: Status, names: list[str]) -> None:
    if not names:
        return
    Hashtag.objects.bulk_create([Hashtag(name=n) for n in names], ignore_conflicts=True)
    tags = Hashtag.objects.filter(name__in=names)
    StatusTag.objects.bulk_create([StatusTag(status=status, hashtag=t) for t in tags],
                                  ignore_conflicts=True)


def _schedule_expiry(status: Status) -> None:
    from statuses import tasks

    status_id = str(status.pk)
    eta = status.expires_at
    transaction.on_commit(lambda: tasks.expire_status.apply_async((status_id,), eta=eta))


def counts_as_public(visibility: str) -> bool:
    """Whether a reply or quote with this visibility counts in its parent's `replies_count`
    or the quoted status's `quotes_count`: public, unlisted and local ones do (as Pleroma
    and Mastodon count them); private and direct ones would reveal themselves by the count."""
    return visibility in PUBLIC_VISIBILITIES


def create_status(account: User, *, text: str = "", visibility: str | None = None,
                  content_type: str = "text/plain", spoiler_text: str = "", sensitive: bool | None = False,
                  language: str | None = None, in_reply_to=None, media_ids=(), quote=None,
                  expires_in: int | None = None, to=None, application=None,
                  params: dict | None = None, context: StatusContext | None = None,
                  allow_empty: bool = False, poll: dict | None = None) -> Status:
    """Post a status (POST /api/v1/statuses): render, address, thread, count and notify.

    `in_reply_to` and `quote` may be Status objects or ids; `to` (explicit addressees:
    accounts, ids or nicknames) replaces the implicit addressing by @mentions.
    `allow_empty` is for statuses that carry something else (an event's description);
    `poll` is `{options, expires_in, multiple, hide_totals}` (statuses.services.polls).
    `sensitive=None` (the API call named none) lets a before_create hook apply the author's default.
    """
    args: dict[str, Any] = dict(
        text=text, visibility=visibility, content_type=content_type, spoiler_text=spoiler_text,
        sensitive=sensitive, language=language, in_reply_to=in_reply_to, media_ids=media_ids,
        quote=quote, expires_in=expires_in, to=to, application=application, context=context,
        poll=poll)
    hook_params = {**args, **(params or {})}
    for hook in registry.before_create:
        overrides = hook(account, hook_params)
        if overrides:
            args.update(overrides)
            hook_params.update(overrides)
    with transaction.atomic():
        status = _create(account, allow_empty=allow_empty, **args)
        for after in registry.after_create:
            after(status, hook_params)
    return status


def _create(account: User, *, text, visibility, content_type, spoiler_text, sensitive, language,
            in_reply_to, media_ids, quote, expires_in, to, application, context, poll,
            allow_empty: bool = False) -> Status:
    text = text or ""
    spoiler_text = spoiler_text or ""
    media_ids = [m for m in (media_ids or ()) if m not in (None, "")]
    if len(media_ids) > MAX_MEDIA_ATTACHMENTS:
        raise Unprocessable(f"Too many attachments (maximum is {MAX_MEDIA_ATTACHMENTS})")
    media_pks = [pk for pk in (ids.decode(str(m)) for m in media_ids) if pk is not None]
    media = {m.pk: m for m in MediaAttachment.objects.filter(
        pk__in=media_pks, account=account, status__isnull=True)}
    if poll is not None:
        poll = polls.validate_poll(poll)
        if media_ids:
            raise Unprocessable("Polls cannot have media attachments")
    if not text.strip() and not media and poll is None and not allow_empty:
        raise Unprocessable("Cannot post an empty status without attachments")
    if len(text) + len(spoiler_text) > settings.MAX_TOOT_CHARS:
        raise Unprocessable("The status is over the character limit")
    visibility = _validate_visibility(account, visibility)
    if content_type not in markup.CONTENT_TYPES:
        content_type = "text/plain"  # Pleroma falls back silently (mastodon-base 1.7)
    expires_at = None
    if expires_in not in (None, "", 0):
        try:
            seconds = int(expires_in)
        except (TypeError, ValueError):
            raise Unprocessable("Invalid expires_in") from None
        if seconds < settings.STATUS_MIN_EXPIRY_SECONDS:
            raise Unprocessable("Expiry date is too soon")
        if seconds > MAX_EXPIRY_SECONDS:
            raise Unprocessable("Expiry date is too far")
        expires_at = timezone.now() + timedelta(seconds=seconds)
    parent = _resolve_reply(account, in_reply_to)
    quoted = _resolve_quote(account, quote)

    content, linked, tags = render_text(text, content_type)
    if quoted is not None:
        content = _quote_inline(content, quoted.uri)
    if "nsfw" in tags:
        sensitive = True

    # Addressing: explicit `to`, else mentions + the replied-to and quoted authors.
    if to is not None:
        recipients = {u.pk: u for u in resolve_accounts(to)}
    else:
        recipients = dict(linked)
        if parent is not None and visibility != Visibility.DIRECT and parent.account_id != account.pk:
            recipients.setdefault(parent.account_id, parent.account)
        if quoted is not None and quoted.account_id != account.pk:
            recipients.setdefault(quoted.account_id, quoted.account)

    if context is None:
        if parent is not None:
            if parent.context_id is None:
                parent.context = StatusContext.objects.create()
                Status.objects.filter(pk=parent.pk).update(context=parent.context)
            context = parent.context
        else:
            context = StatusContext.objects.create()

    now = timezone.now()
    status = Status.objects.create(
        account=account, content_source=text, content_type=content_type, content=content,
        spoiler_text=spoiler_text, visibility=visibility, sensitive=bool(sensitive),
        language=(language or None) if language != "und" else None,
        in_reply_to=parent, in_reply_to_account_id=parent.account_id if parent else None,
        quote=quoted, context=context, application=application, local=True,
        expires_at=expires_at, created_at=now,
    )
    Mention.objects.bulk_create([Mention(status=status, account=u) for u in recipients.values()])
    _store_tags(status, tags)
    if poll is not None:
        polls.attach_poll(status, poll)
    for position, pk in enumerate(media_pks):
        if pk in media:
            MediaAttachment.objects.filter(pk=pk).update(status=status, position=position)

    if counts_as_public(visibility):
        if parent is not None:
            Status.objects.filter(pk=parent.pk).update(replies_count=F("replies_count") + 1)
        if quoted is not None:
            Status.objects.filter(pk=quoted.pk).update(quotes_count=F("quotes_count") + 1)
    User.objects.filter(pk=account.pk).update(statuses_count=F("statuses_count") + 1,
                                              last_status_at=now)
    account.statuses_count += 1
    account.last_status_at = now

    for user in recipients.values():
        notify(user, account, "mention", status=status)
    if visibility in PUBLIC_VISIBILITIES:
        subscribers = User.objects.filter(
            following_rel__followed=account, following_rel__state=Follow.State.ACCEPTED,
            following_rel__notify=True).exclude(pk__in=list(recipients))
        for user in subscribers:
            notify(user, account, "status", status=status)
    if expires_at is not None:
        _schedule_expiry(status)
    return status


def delete_status(actor: User, status: Status) -> Status:
    """Delete a status (own, or any for staff); returns it, still renderable, for redraft."""
    if status.account_id != actor.pk and not (actor.is_admin or actor.is_moderator):
        raise NotFound()
    with transaction.atomic():
        locked = Status.objects.select_for_update().filter(pk=status.pk).first()
        if locked is None:
            return status
        if locked.reblog_of_id:
            Status.objects.filter(pk=locked.reblog_of_id).update(
                reblogs_count=Greatest(F("reblogs_count") - 1, 0))
        else:
            User.objects.filter(pk=locked.account_id).update(
                statuses_count=Greatest(F("statuses_count") - 1, 0))
        if locked.in_reply_to_id and counts_as_public(locked.visibility):
            Status.objects.filter(pk=locked.in_reply_to_id).update(
                replies_count=Greatest(F("replies_count") - 1, 0))
        if locked.quote_id and counts_as_public(locked.visibility):
            # Pleroma decrements for any deleted quote (pleroma-content 5.1), so a private
            # quote's deletion took a public one's count away: only what was counted is.
            Status.objects.filter(pk=locked.quote_id).update(
                quotes_count=Greatest(F("quotes_count") - 1, 0))
        for hook in registry.before_delete:
            hook(locked)
        locked.delete()
    return status


def expire_status(status_id) -> bool:
    """Delete a status whose `expires_at` has passed; False when gone or not due yet."""
    status = Status.objects.filter(pk=status_id).select_related("account").first()
    if status is None or status.expires_at is None or status.expires_at > timezone.now():
        return False
    delete_status(status.account, status)
    return True
