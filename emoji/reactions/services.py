"""Emoji reactions on statuses (reference §4): react, unreact, and the ordered reaction view."""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.exceptions import ApiError
from core.media import media_base_url
from emoji import registry, unicode
from statuses import registry as status_hooks
from statuses.models import EmojiReaction

CUSTOM = re.compile(r"^:([A-Za-z0-9_-]+)(?:@(.+))?:$")
NOTIFICATION_TYPE = "pleroma:emoji_reaction"


@dataclass
class Parsed:
    """A reaction as typed: unicode emoji, or a custom shortcode with an optional host."""

    name: str
    custom: bool
    host: str | None = None


def parse(raw: str) -> Parsed | None:
    """Fully qualify unicode; wrap anything else in colons and read it as `:name[@host]:`."""
    raw = raw or ""
    if unicode.is_rgi(raw):
        return Parsed(unicode.qualify(raw), custom=False)
    wrapped = raw if raw.startswith(":") else f":{raw}:"
    match = CUSTOM.match(wrapped)
    if match is None:
        return None
    return Parsed(match.group(1), custom=True, host=match.group(2))


def _host(url: str | None) -> str | None:
    return urlsplit(url).netloc if url else None


def _resolve_url(status, parsed: Parsed) -> str | None:
    """The image URL of a custom reaction; None when this instance cannot show it."""
    if parsed.host is None:
        entry = registry.lookup(parsed.name)
        return registry.absolute_url(entry["image_url"]) if entry else None
    # A remote emoji only when the status already carries it (reference §4.1).
    for url in (EmojiReaction.objects.filter(status=status, emoji=parsed.name)
                .exclude(emoji_url=None).values_list("emoji_url", flat=True)):
        if _host(url) == parsed.host:
            return url
    return None


def notification_emoji(name: str, url: str | None) -> str:
    """The notification's `emoji`: unicode as is, custom with colons (reference §4.8)."""
    return f":{name}:" if url else name


def react(user, status, raw: str) -> EmojiReaction:
    """`user` reacts to `status` with one emoji; reacting twice changes nothing."""
    from notifications.services import notify

    parsed = parse(raw)
    url = _resolve_url(status, parsed) if parsed and parsed.custom else None
    if parsed is None or (parsed.custom and url is None):
        raise ApiError("Could not add reaction emoji", status=400)
    with transaction.atomic():
        reaction, created = EmojiReaction.objects.get_or_create(
            account=user, status=status, emoji=parsed.name, defaults={"emoji_url": url})
        if created:
            notify(status.account, user, NOTIFICATION_TYPE, status=status,
                   emoji=notification_emoji(parsed.name, url), emoji_url=url)
            for hook in status_hooks.after_react:
                hook(user, status, reaction)
    return reaction


def unreact(user, status, raw: str) -> None:
    """Remove `user`'s own reaction (and the notification it caused)."""
    from notifications.models import Notification

    parsed = parse(raw)
    if parsed is None:
        raise ApiError("Could not remove reaction emoji", status=400)
    with transaction.atomic():
        reactions = EmojiReaction.objects.select_for_update().filter(
            account=user, status=status, emoji=parsed.name)
        reaction = next((r for r in reactions if parsed.host is None or _host(r.emoji_url) == parsed.host),
                        None)
        if reaction is None or (parsed.custom != bool(reaction.emoji_url)):
            raise ApiError("Could not remove reaction emoji", status=400)
        Notification.objects.filter(
            user_id=status.account_id, account=user, type=NOTIFICATION_TYPE, status=status,
            emoji=notification_emoji(reaction.emoji, reaction.emoji_url)).delete()
        for hook in status_hooks.after_unreact:
            hook(user, status, reaction)
        reaction.delete()


@dataclass
class Entry:
    """One emoji on one status: its reactors, newest first."""

    name: str
    url: str | None
    reactions: list = field(default_factory=list)

    def display_name(self) -> str:
        host = _host(self.url)
        if self.url and host and host not in (_host(settings.PLEROMA_URL), _host(media_base_url())):
            return f"{self.name}@{host}"
        return self.name


def hidden_accounts(viewer, *, with_muted: bool = False) -> Q | None:
    """Reactors the viewer blocks, and mutes unless with_muted, as a filter on reactions
    (subqueries: no query of its own), or None for anonymous viewers."""
    if viewer is None:
        return None
    from relationships.models import Block, Mute

    hidden = Q(account_id__in=Block.objects.filter(blocker=viewer).values("blocked_id"))
    if not with_muted:
        live = Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now())
        hidden |= Q(account_id__in=Mute.objects.filter(live, muter=viewer).values("muted_id"))
    return hidden


def entries_for(status_ids, viewer, *, with_muted: bool = False, with_accounts: bool = False,
                only: Parsed | None = None) -> dict:
    """{status id: [Entry]} in first-use order; one query (blocks and mutes as subqueries)."""
    hidden = hidden_accounts(viewer, with_muted=with_muted)
    rows = EmojiReaction.objects.filter(status_id__in=list(status_ids)).order_by("id")
    if only is not None:
        rows = rows.filter(emoji=only.name)
    if with_accounts:
        rows = rows.select_related("account")
    result: dict = {}
    for reaction in rows.exclude(hidden) if hidden is not None else rows:
        if only is not None and only.host is not None and _host(reaction.emoji_url) != only.host:
            continue
        grouped = result.setdefault(reaction.status_id, OrderedDict())
        key = (reaction.emoji, reaction.emoji_url)
        grouped.setdefault(key, Entry(reaction.emoji, reaction.emoji_url)).reactions.append(reaction)
    out = {}
    for status_id, grouped in result.items():
        for entry in grouped.values():
            entry.reactions.reverse()  # newest reactor first
        out[status_id] = list(grouped.values())
    return out
