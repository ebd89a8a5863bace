"""Which subscriber gets what for one event, rendered as that subscriber would get it from
the REST API (statuses.rendering, the notification and conversation serializers).

Runs in a worker thread of the streaming server (it queries the database). A status goes
to the streams whose timeline would show it, only to viewers who may see it (visibility,
blocks either way) and do not mute its author or the reblogged one; a notification to its
user's `user` and `user:notification` streams when the notifications list would show it.
The viewer's filters apply as in the timeline each stream mirrors (`user` and `list`: home,
the public and hashtag streams: public, notifications: the notifications list): `filtered` narrowed to that context, and nothing
sent where a `hide` filter matches. A change to the filters is `filters_changed` (no
payload, as Mastodon sends it) on the user's `user` streams.
"""

from __future__ import annotations

import uuid
from typing import NamedTuple

from accounts.models import User
from core import ids
from core.renderers import dumps
from streaming.streams import HASHTAG_STREAMS, PUBLIC_STREAMS, Subscription, may_read_notifications

PUBLIC = ("public", "unlisted", "local")


class Target(NamedTuple):
    """A connection as the dispatcher saw it when the event arrived."""

    key: int
    user: User | None
    scopes: list[str] | None
    subscriptions: frozenset[Subscription]


class Message(NamedTuple):
    key: int
    subscription: Subscription
    event: str
    payload: str | None  # None: an event without payload (filters_changed)


def messages_for(event: dict, targets: list[Target]) -> list[Message]:
    handler = HANDLERS.get(event.get("event"))
    return handler(event, targets) if handler is not None else []


def _uuid(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if value else None
    except (TypeError, ValueError):
        return None


def _text(data) -> str:
    return dumps(data).decode()


# -- statuses -----------------------------------------------------------------------------------

class StatusFacts(NamedTuple):
    pk: uuid.UUID
    author: uuid.UUID
    visibility: str
    local: bool
    reblog: bool
    tags: frozenset[str]
    has_media: bool


def _public_match(sub: Subscription, facts: StatusFacts, viewer) -> bool:
    """The public and hashtag timelines: public posts (local-only ones for logged-in
    viewers), no reblogs (statuses.timelines.public)."""
    shown = ("public", "local") if viewer is not None else ("public",)
    if facts.reblog or facts.visibility not in shown:
        return False
    parts = sub.stream.split(":")
    if "local" in parts and not facts.local:
        return False
    if "remote" in parts and facts.local:
        return False
    if "media" in parts and not facts.has_media:
        return False
    if sub.stream in HASHTAG_STREAMS:
        return sub.param in facts.tags
    return True


def _status_facts(pk: uuid.UUID, targets: list[Target]):
    from statuses.models import MediaAttachment, Status, StatusTag

    row = (Status.objects.filter(pk=pk)
           .values("account_id", "visibility", "local", "reblog_of_id").first())
    if row is None:
        return None
    original = row["reblog_of_id"] or pk
    streams = {sub.stream for t in targets for sub in t.subscriptions}
    tags = frozenset(StatusTag.objects.filter(status_id=original).values_list("hashtag__name", flat=True)) \
        if streams & HASHTAG_STREAMS else frozenset()
    has_media = (any("media" in s for s in streams)
                 and MediaAttachment.objects.filter(status_id=original).exists())
    return StatusFacts(pk, row["account_id"], row["visibility"], row["local"],
                       row["reblog_of_id"] is not None, tags, has_media)


def _in_home(viewer, facts: StatusFacts, follows: dict) -> bool:
    """The home timeline's rule (statuses.timelines.home): own statuses, and those of
    followed accounts, their reblogs unless `show_reblogs` is off."""
    if viewer is None:
        return False
    if viewer.pk == facts.author:
        return True
    if viewer.pk not in follows:
        from relationships.models import Follow

        follows[viewer.pk] = (Follow.objects.filter(follower=viewer, followed_id=facts.author,
                                                    state=Follow.State.ACCEPTED)
                              .values_list("show_reblogs", flat=True).first())
    show_reblogs = follows[viewer.pk]
    return show_reblogs is not None and (show_reblogs or not facts.reblog)


def _shown_to(viewer, pk: uuid.UUID) -> bool:
    from statuses.models import Status
    from statuses.queries import viewer_conditions_sql

    shown = Status.objects.visible_to(viewer).not_muted_by(viewer).filter(pk=pk)
    conditions = viewer_conditions_sql(viewer.pk, Status._meta.db_table) if viewer is not None else []
    return (shown.extra(where=conditions) if conditions else shown).exists()


def _list_pks(subs) -> dict:
    return {ids.decode(sub.param): sub for sub in subs if sub.stream == "list" and sub.param}


def _lists_showing(viewer, target: Target, pk: uuid.UUID) -> list[Subscription]:
    """The target's `list` subscriptions whose list timeline shows the status."""
    wanted = _list_pks(target.subscriptions)
    if viewer is None or not wanted:
        return []
    from lists.timelines import lists_showing  # list subscriptions exist only with the lists app

    return [wanted[lst] for lst in lists_showing(viewer.pk, list(wanted), pk)]


def _list_has_member(viewer, sub: Subscription, author) -> bool:
    from lists.models import ListMember

    return viewer is not None and author is not None and ListMember.objects.filter(
        list_id=ids.decode(sub.param or ""), list__owner=viewer, account_id=author).exists()


def filter_context(sub: Subscription) -> str:
    """The filter context of the timeline a stream mirrors."""
    return "home" if sub.stream in ("user", "list") else "public"


def status_messages(event: dict, targets: list[Target], name: str = "update") -> list[Message]:
    """`update` (a new status) or `status.update` (an edited one: `name`), the Status entity
    as each stream's filters leave it, to the streams whose timeline shows it."""
    from statuses.rendering import render_page, screen

    pk = _uuid(event.get("id"))
    facts = _status_facts(pk, targets) if pk is not None else None
    if facts is None:
        return []
    follows: dict = {}
    shown: dict = {}
    payloads: dict = {}
    messages = []
    for target in targets:
        viewer = target.user
        matching = [sub for sub in target.subscriptions
                    if (sub.stream == "user" and _in_home(viewer, facts, follows))
                    or ((sub.stream in PUBLIC_STREAMS or sub.stream in HASHTAG_STREAMS)
                        and _public_match(sub, facts, viewer))]
        matching += _lists_showing(viewer, target, pk)
        if not matching:
            continue
        key = viewer.pk if viewer is not None else None
        if key not in shown:
            shown[key] = _shown_to(viewer, pk)
        if not shown[key]:
            continue
        if key not in payloads:
            rendered = render_page(viewer, [pk]).get(pk)
            payloads[key] = {} if rendered is None else {
                context: _text(entity) for context in ("home", "public")
                if (entity := screen(rendered, context)) is not None}
        messages += [Message(target.key, sub, name, payloads[key][filter_context(sub)])
                     for sub in matching if filter_context(sub) in payloads[key]]
    return messages


def delete_messages(event: dict, targets: list[Target]) -> list[Message]:
    """`delete` (the status id) wherever the status could have been streamed."""
    author = _uuid(event.get("account"))
    mentioned = {_uuid(pk) for pk in event.get("mentioned") or ()}
    visibility = event.get("visibility")
    facts = StatusFacts(uuid.UUID(int=0), author, visibility, bool(event.get("local")),
                        bool(event.get("reblog")), frozenset(event.get("tags") or ()), True)
    follows: dict = {}
    messages = []
    for target in targets:
        viewer = target.user
        for sub in target.subscriptions:
            if sub.stream == "user":
                hit = viewer is not None and (
                    viewer.pk in mentioned
                    or (visibility != "direct" and _in_home(viewer, facts, follows)))
            elif sub.stream in PUBLIC_STREAMS or sub.stream in HASHTAG_STREAMS:
                hit = _public_match(sub, facts, viewer)
            elif sub.stream == "list":
                hit = visibility != "direct" and _list_has_member(viewer, sub, author)
            else:
                hit = False
            if hit:
                messages.append(Message(target.key, sub, "delete", str(event.get("id"))))
    return messages


# -- notifications, conversations, follows -----------------------------------------------------

def notification_messages(event: dict, targets: list[Target]) -> list[Message]:
    from notifications.filters import visible_to
    from notifications.serializers import NotificationSerializer

    user_pk, pk = _uuid(event.get("user")), _uuid(event.get("id"))
    wanted = [(t, [s for s in t.subscriptions if s.stream in ("user", "user:notification")])
              for t in targets if t.user is not None and t.user.pk == user_pk
              and may_read_notifications(t.scopes)]
    wanted = [(t, subs) for t, subs in wanted if subs]
    if not wanted or pk is None:
        return []
    user = wanted[0][0].user
    notification = visible_to(user).filter(pk=pk).first()
    if notification is None:
        return []
    context = NotificationSerializer.context_for(user, [notification])
    if notification.status_id and notification.status_id not in context.get("statuses", {}):
        return []  # its status is no longer visible to the user
    # As the notifications list shows it (NotificationListSerializer): the `notifications`
    # filters narrow its status's `filtered`, and a `hide` one keeps it off the stream.
    rendered = NotificationSerializer([notification], many=True, context=context).data
    if not rendered:
        return []
    payload = _text(rendered[0])
    return [Message(t.key, sub, "notification", payload) for t, subs in wanted for sub in subs]


def conversation_messages(event: dict, targets: list[Target]) -> list[Message]:
    """`conversation` (the Conversation entity) to the `direct` streams of the participants."""
    from django.apps import apps

    if not apps.is_installed("conversations"):
        return []
    from conversations.models import Participation
    from conversations.serializers import ConversationSerializer

    wanted = {t.user.pk: t for t in targets if t.user is not None
              and any(s.stream == "direct" for s in t.subscriptions)}
    if not wanted:
        return []
    participations = list(Participation.objects.for_api().filter(
        conversation__context_id=event.get("context"), user_id__in=list(wanted)))
    messages = []
    for participation in participations:
        viewer = wanted[participation.user_id].user
        context = {"viewer": viewer, **ConversationSerializer.context_for(viewer, [participation])}
        payload = _text(ConversationSerializer(participation, context=context).data)
        for target in targets:
            if target.user is not None and target.user.pk == participation.user_id:
                messages += [Message(target.key, sub, "conversation", payload)
                             for sub in target.subscriptions if sub.stream == "direct"]
    return messages


def follow_messages(event: dict, targets: list[Target]) -> list[Message]:
    """`pleroma:follow_relationships_update` to the follower's `user` stream, with both
    accounts' counters after the change (as Pleroma's StreamerView renders it)."""
    follower, followed = _uuid(event.get("follower")), _uuid(event.get("followed"))
    wanted = [t for t in targets if t.user is not None and t.user.pk == follower
              and any(s.stream == "user" for s in t.subscriptions)]
    if not wanted:
        return []
    counts = {row["pk"]: row for row in User.objects.filter(pk__in=[follower, followed])
              .values("pk", "followers_count", "following_count")}

    def side(pk):
        row = counts.get(pk, {"followers_count": 0, "following_count": 0})
        return {"id": ids.encode(pk), "follower_count": row["followers_count"],
                "following_count": row["following_count"]}

    payload = _text({"state": event.get("state"), "follower": side(follower), "following": side(followed)})
    return [Message(t.key, sub, "pleroma:follow_relationships_update", payload)
            for t in wanted for sub in t.subscriptions if sub.stream == "user"]


def filters_changed_messages(event: dict, targets: list[Target]) -> list[Message]:
    """`filters_changed` to the user's `user` streams (clients reload their filters)."""
    user_pk = _uuid(event.get("user"))
    return [Message(t.key, sub, "filters_changed", None) for t in targets
            if t.user is not None and t.user.pk == user_pk
            for sub in t.subscriptions if sub.stream == "user"]


def status_update_messages(event: dict, targets: list[Target]) -> list[Message]:
    return status_messages(event, targets, "status.update")


HANDLERS = {
    "status": status_messages, "status.update": status_update_messages, "delete": delete_messages,
    "notification": notification_messages, "conversation": conversation_messages,
    "follow": follow_messages, "filters_changed": filters_changed_messages,
}
