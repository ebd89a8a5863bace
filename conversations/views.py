"""Conversations: Mastodon's list/read/delete and Pleroma's show/statuses/recipients/read-all."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers

from conversations import services
from conversations.models import Participation
from conversations.serializers import (
    ConversationSerializer,
    ListConversationsInput,
    UpdateConversationInput,
)
from core import pagination
from core.exceptions import BadRequest
from core.openapi import ERRORS, PAGINATION_PARAMETERS
from core.views import ApiViewSet, empty_response
from statuses.models import Status
from statuses.serializers import StatusSerializer

CONVERSATION_FIELDS = {
    "id": serializers.CharField(), "unread": serializers.BooleanField(),
    "accounts": serializers.ListField(child=serializers.DictField()),
    "last_status": serializers.DictField(allow_null=True), "pleroma": serializers.DictField(),
}
ConversationSchema = inline_serializer("Conversation", fields=CONVERSATION_FIELDS)
ConversationListSchema = type(ConversationSchema)(many=True)
RECIPIENTS = OpenApiParameter("recipients[]", str, many=True,
                              description="Account ids: the conversation's exact recipients besides the caller")
Empty = inline_serializer("Empty", fields={})


class ConversationViewSet(ApiViewSet):
    """The caller's conversations (participations in threads of direct statuses)."""

    scopes = {"list": ["read:statuses"], "retrieve": ["read:statuses"], "statuses": ["read:statuses"],
              "mark_read": ["write:conversations"], "destroy": ["write:conversations"],
              "partial_update": ["write:conversations"], "read_all": ["write:conversations"]}
    unsupported_parameters = {"statuses": ("offset",)}  # keyset pages only (core.pagination)
    serializer_class = ConversationSerializer

    def _page(self, queryset):
        return self.render_page(queryset.for_api(), ConversationSerializer, key="last_activity_id")

    # -- Mastodon --------------------------------------------------------------------------

    @extend_schema(summary="List conversations, most recently active first",
                   parameters=[*PAGINATION_PARAMETERS, RECIPIENTS],
                   responses={200: ConversationListSchema, 403: ERRORS[403]})
    def list(self, request):
        queryset = services.for_user(self.viewer)
        recipients = self.validated(ListConversationsInput).get("recipients")
        if recipients:
            queryset = services.with_recipients(queryset, self.viewer, recipients)
        return self._page(queryset)

    @extend_schema(summary="Mark a conversation read", request=None,
                   responses={200: ConversationSchema, 403: ERRORS[403], 404: ERRORS[404]})
    def mark_read(self, request, pk: str):
        participation = services.get_own_participation(self.viewer, pk, message="Record not found")
        services.mark_read(participation)
        return self.render(Participation.objects.for_api().get(pk=participation.pk))

    @extend_schema(summary="Remove a conversation from the list",
                   responses={200: Empty, 403: ERRORS[403], 404: ERRORS[404]})
    def destroy(self, request, pk: str):
        participation = services.get_own_participation(self.viewer, pk, message="Record not found")
        services.delete_participation(participation)
        return empty_response()

    # -- Pleroma ---------------------------------------------------------------------------

    @extend_schema(summary="Show a conversation",
                   responses={200: ConversationSchema, 403: ERRORS[403], 404: ERRORS[404]})
    def retrieve(self, request, pk: str):
        participation = services.get_own_participation(self.viewer, pk)
        return self.render(Participation.objects.for_api().get(pk=participation.pk))

    @extend_schema(summary="Statuses of a conversation's thread, oldest first within the page",
                   parameters=PAGINATION_PARAMETERS,
                   responses={200: StatusSerializer(many=True), 403: ERRORS[403], 404: ERRORS[404]})
    def statuses(self, request, pk: str):
        participation = services.get_own_participation(self.viewer, pk)
        queryset = (Status.objects.visible_to(self.viewer)
                    .filter(context_id=participation.conversation.context_id, reblog_of__isnull=True)
                    .for_api())
        # Pleroma pages newest first like every timeline, then shows the page ascending.
        return self.render_page(queryset, StatusSerializer, to_objects=lambda page: page[::-1])

    @extend_schema(summary="Replace a conversation's recipients (the caller always stays in)",
                   request=None, parameters=[RECIPIENTS],
                   responses={200: ConversationSchema, 400: ERRORS[400], 403: ERRORS[403],
                              404: ERRORS[404]})
    def partial_update(self, request, pk: str):
        participation = services.get_own_participation(self.viewer, pk)
        recipients = self.validated(UpdateConversationInput).get("recipients")
        if recipients is None:
            raise BadRequest("Missing field: recipients.", errors=[{
                "title": "Invalid value", "source": {"pointer": "/recipients"},
                "message": "Missing field: recipients"}])
        services.set_recipients(participation, recipients)
        return self.render(Participation.objects.for_api().get(pk=participation.pk))

    @extend_schema(summary="Mark every conversation read; returns those that were unread",
                   request=None, responses={200: ConversationListSchema, 403: ERRORS[403]})
    def read_all(self, request):
        changed = services.mark_all_read(self.viewer)
        response = self.render(changed)
        return pagination.set_link(response, request, changed, lambda p: p.last_activity_id)
