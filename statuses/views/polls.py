"""Polls: show one, vote."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.response import Response

from core import ratelimit
from core.openapi import ERRORS
from core.views import ApiViewSet
from statuses import rendering
from statuses.inputs import VoteInput
from statuses.models import Poll
from statuses.services import polls

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
