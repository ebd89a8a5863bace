"""The Conversation entity, the inputs of the conversation endpoints, and the Status field."""

from __future__ import annotations

from rest_framework import serializers

from accounts.serializers import render_account
from conversations.models import Conversation, Participation
from core import sql
from core.fields import StringListField
from statuses.models import Status
from statuses.serializers import StatusSerializer


class ConversationSerializer(serializers.BaseSerializer):
    """`{id, unread, accounts, last_status, pleroma: {recipients}}` (mastodon-base 2.11).

    `accounts` are the recipients but the viewer (the viewer alone if nobody else);
    `pleroma.recipients` all of them, as the seed documents.
    """

    @classmethod
    def context_for(cls, viewer, participations, request=None) -> dict:
        last = [p.last_status for p in participations if p.last_status_id and p.last_status]
        visible = set(Status.objects.visible_to(viewer).filter(pk__in=[s.pk for s in last])
                      .values_list("pk", flat=True)) if last else set()
        shown = [s for s in last if s.pk in visible]
        return {"visible_last": visible,
                "status_context": StatusSerializer.context_for(viewer, shown, request=request)}

    def to_representation(self, participation: Participation) -> dict:
        viewer = self.context.get("viewer")
        recipients = list(participation.recipients.all())
        others = [u for u in recipients if u.pk != participation.user_id]
        accounts = others or [u for u in recipients if u.pk == participation.user_id]
        last = None
        status = participation.last_status if participation.last_status_id else None
        if status is not None and status.pk in self.context.get("visible_last", set()):
            context = {**self.context, **self.context.get("status_context", {})}
            last = StatusSerializer(status, context=context).data
            last["pleroma"]["direct_conversation_id"] = participation.pk
        return {
            "id": str(participation.pk),
            "unread": not participation.read,
            "accounts": [render_account(u, viewer) for u in accounts],
            "last_status": last,
            "pleroma": {"recipients": [render_account(u, viewer) for u in recipients]},
        }


class ListConversationsInput(serializers.Serializer):
    recipients = StringListField(child=serializers.CharField(allow_blank=True), required=False)


class UpdateConversationInput(serializers.Serializer):
    recipients = StringListField(child=serializers.CharField(allow_blank=True), required=False)


def _direct(refs: list) -> list:
    return [r for r in refs if r.context_id and r.visibility == "direct"]


def direct_conversation_rows(viewer, pairs: list):
    """statuses.registry viewer part: the viewer's conversations of the page's direct
    statuses' threads, as `("<context id>:<participation id>", "conversation")` text pairs."""
    direct = _direct([ref for _, ref in pairs])
    if not direct:
        return None
    membership, values = sql.in_list("c.context_id", {r.context_id for r in direct})
    return (f"SELECT {sql.text('c.context_id')} || ':' || {sql.text('p.id')}, 'conversation'"
            f" FROM {Participation._meta.db_table} p JOIN {Conversation._meta.db_table} c"
            f" ON c.id = p.conversation_id WHERE p.user_id = %s AND {membership}",
            [sql.value(viewer.pk), *values])


def apply_direct_conversation_ids(viewer, pairs: list, keys: list[str]) -> None:
    """`pleroma.direct_conversation_id`: the viewer's conversation of a direct status's
    thread (null for anonymous viewers, other visibilities and outside conversations)."""
    if not keys:
        return
    by_context = {}
    for key in keys:
        context, _, participation = key.partition(":")
        by_context[int(context)] = int(participation)
    for data, ref in pairs:
        if ref.visibility == "direct" and ref.context_id in by_context:
            data["pleroma"]["direct_conversation_id"] = by_context[ref.context_id]
