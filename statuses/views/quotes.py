"""GET /api/v1/pleroma/statuses/:id/quotes: the statuses that quote a status."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema

from core.openapi import ERRORS, PAGINATION_PARAMETERS
from core.views import ApiViewSet
from statuses import timelines
from statuses.queries import get_visible_status
from statuses.serializers import StatusSerializer
from statuses.views.timelines import TimelineViewSet


class QuoteViewSet(ApiViewSet):
    """Quotes of a status (Pleroma): anyone may list those they may see, paged by status id."""

    scopes = {"list": ["read:statuses"]}
    anonymous_actions = ("list",)
    unsupported_parameters = {"list": ("offset",)}  # keyset pages only (core.pagination)
    serializer_class = StatusSerializer
    page = TimelineViewSet.page

    @extend_schema(summary="Statuses quoting a status, newest first (404 when the status is not "
                           "visible)", parameters=PAGINATION_PARAMETERS,
                   responses={200: StatusSerializer(many=True), 404: ERRORS[404]})
    def list(self, request, pk: str):
        quoted = get_visible_status(self.viewer, pk, for_api=False)
        return self.page(*timelines.quotes(self.viewer, quoted.pk))
