"""Scheduled statuses: list, show, move and cancel (posting one is POST /api/v1/statuses)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.response import Response

from core.openapi import ERRORS, PAGINATION_PARAMETERS
from core.views import ApiViewSet
from statuses.inputs import RescheduleInput
from statuses.models import ScheduledStatus
from statuses.serializers import ScheduledStatusSerializer
from statuses.services import scheduling


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
