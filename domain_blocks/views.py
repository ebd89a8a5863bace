"""GET/POST/DELETE /api/v1/domain_blocks"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers

from core.openapi import ERRORS, PAGINATION_PARAMETERS
from core.views import ApiViewSet, empty_response
from domain_blocks import services
from domain_blocks.models import DomainBlock

# `list` actions are documented as arrays of the response given: this is one domain.
DomainItem = OpenApiResponse({"type": "string"}, description="Blocked domains")
Empty = OpenApiResponse({"type": "object", "maxProperties": 0}, description="Empty object")


class DomainSerializer(serializers.BaseSerializer):
    """A blocked domain, as the bare string Mastodon lists."""

    def to_representation(self, block: DomainBlock) -> str:
        return block.domain


class DomainInput(serializers.Serializer):
    domain = serializers.CharField(max_length=2000, allow_blank=True)


class DomainBlockViewSet(ApiViewSet):
    """The domains the caller blocks."""

    scopes = {"list": ["follow", "read:blocks"], "block": ["follow", "write:blocks"],
              "unblock": ["follow", "write:blocks"]}
    serializer_class = DomainSerializer

    @extend_schema(summary="Domains the caller blocks (newest first)", parameters=PAGINATION_PARAMETERS,
                   responses={200: DomainItem, 403: ERRORS[403]})
    def list(self, request):
        return self.render_page(DomainBlock.objects.filter(user=self.viewer), maximum=200, default=100)

    @extend_schema(summary="Block a domain", request=DomainInput,
                   responses={200: Empty, 400: ERRORS[400], 403: ERRORS[403], 422: ERRORS[422]})
    def block(self, request):
        services.block_domain(self.viewer, self.validated(DomainInput, data=self.params())["domain"])
        return empty_response()

    @extend_schema(summary="Unblock a domain", request=DomainInput,
                   responses={200: Empty, 400: ERRORS[400], 403: ERRORS[403], 422: ERRORS[422]})
    def unblock(self, request):
        services.unblock_domain(self.viewer, self.validated(DomainInput, data=self.params())["domain"])
        return empty_response()
