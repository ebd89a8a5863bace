"""Polls and scheduled statuses: show and vote; list, show, move and cancel."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.response import Response

from core import ratelimit
from core.openapi import ERRORS, PAGINATION_PARAMETERS
from core.views import ApiViewSet
from statuses import rendering
from statuses.inputs import RescheduleInput, VoteInput
from statuses.models import Poll, ScheduledStatus
from statuses.serializers import ScheduledStatusSerializer
from statuses.services import polls, scheduling

PollEntity = OpenApiResponse({"type": "object", "additionalProperties": True,
                              "required": ["id", "expires_at", "expired", "multiple", "votes_count",
                                           "voters_count", "options", "emojis"]},
                             description="Poll")


def render_poll(viewer, poll: Poll) -> dict:
    """The Poll entity as `viewer` sees it, taken from its status's rendered entity."""
    return rendering.render_page(viewer, [poll.status_id])[poll.status_id]["poll"]


class PollViewSet(ApiViewSet):
    """Polls: GET /api/v1/polls/:id and voting."""

    scopes = {"retrieve": ["read:statuses"], "vote": ["write:statuses"]}
    anonymous_actions = ("retrieve",)

    @extend_schema(summary="View a poll", responses={200: PollEntity, 404: ERRORS[404]})
    def retrieve(self, request, pk: str):
        return Response(render_poll(self.viewer, polls.get_visible_poll(self.viewer, pk)))

    @extend_schema(summary="Vote in a poll", request=VoteInput,
                   responses={200: PollEntity, 403: ERRORS[403], 404: ERRORS[404], 422: ERRORS[422]})
    def vote(self, request, pk: str):
        ratelimit.hit("statuses_actions", str(request.user.pk))
        poll = polls.get_visible_poll(request.user, pk)
        polls.vote(request.user, poll, self.validated(VoteInput)["choices"])
        return Response(render_poll(request.user, poll))


class ScheduledStatusViewSet(ApiViewSet):
    """The authenticated user's scheduled statuses."""

    scopes = {"list": ["read:statuses"], "retrieve": ["read:statuses"],
              "update": ["write:statuses"], "destroy": ["write:statuses"]}
    serializer_class = ScheduledStatusSerializer

    @extend_schema(summary="The user's scheduled statuses", parameters=PAGINATION_PARAMETERS,
                   responses={200: ScheduledStatusSerializer(many=True), 403: ERRORS[403]})
    def list(self, request):
        return self.render_page(ScheduledStatus.objects.filter(account=request.user))

    @extend_schema(summary="View a scheduled status",
                   responses={200: ScheduledStatusSerializer, 403: ERRORS[403], 404: ERRORS[404]})
    def retrieve(self, request, pk: str):
        return self.render(scheduling.get_own_scheduled_status(request.user, pk))

    @extend_schema(summary="Move a scheduled status to another time", request=RescheduleInput,
                   responses={200: ScheduledStatusSerializer, 403: ERRORS[403], 404: ERRORS[404],
                              422: ERRORS[422]})
    def update(self, request, pk: str):
        scheduled = scheduling.get_own_scheduled_status(request.user, pk)
        when = scheduling.parse_scheduled_at(self.validated(RescheduleInput).get("scheduled_at"))
        return self.render(scheduling.reschedule(request.user, scheduled, when))

    @extend_schema(summary="Cancel a scheduled status",
                   responses={200: OpenApiResponse({"type": "object"}, description="Empty object"),
                              403: ERRORS[403], 404: ERRORS[404]})
    def destroy(self, request, pk: str):
        scheduling.cancel(request.user, scheduling.get_own_scheduled_status(request.user, pk))
        return Response({})
