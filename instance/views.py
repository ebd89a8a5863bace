"""Instance discovery and the small endpoints every client calls at boot."""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from core.exceptions import ApiError
from core.openapi import ERRORS
from core.views import ApiViewSet
from instance import documents, health

AnyObject = OpenApiResponse({"type": "object", "additionalProperties": True}, description="JSON object")
EmptyList = OpenApiResponse({"type": "array", "items": {"type": "object"}, "maxItems": 0},
                            description="Always an empty list")
StringList = OpenApiResponse({"type": "array", "items": {"type": "string"}}, description="Hosts")

HealthSerializer = inline_serializer("Healthcheck", fields={
    "pool_size": serializers.IntegerField(), "active": serializers.IntegerField(),
    "idle": serializers.IntegerField(), "memory_used": serializers.FloatField(),
    "healthy": serializers.BooleanField(), "job_queue_stats": serializers.DictField(),
})


class InstanceViewSet(ApiViewSet):
    """The instance documents (Instance v1/v2, nodeinfo) and the instance's peers."""

    @extend_schema(summary="Instance information (v1)", responses={200: AnyObject})
    def v1(self, request):
        return Response(documents.instance_v1())

    @extend_schema(summary="Instance information (v2)", responses={200: AnyObject})
    def v2(self, request):
        return Response(documents.instance_v2())

    @extend_schema(summary="Known peer instances (none: this server does not federate)",
                   responses={200: StringList})
    def peers(self, request):
        return Response([])

    @extend_schema(summary="Per-frontend configuration set by the admin",
                   responses={200: AnyObject})
    def frontend_configurations(self, request):
        return Response({})

    @extend_schema(summary="Instance health: database connections, memory and job queues",
                   responses={200: HealthSerializer, 503: HealthSerializer})
    def healthcheck(self, request):
        healthy, body = health.healthcheck()
        return Response(body, status=200 if healthy else 503)


class NodeinfoViewSet(ApiViewSet):
    """Nodeinfo discovery and documents (2.0, 2.1)."""

    @extend_schema(summary="Nodeinfo discovery links", responses={200: AnyObject})
    def links(self, request):
        base = settings.PLEROMA_URL
        return Response({"links": [
            {"rel": f"http://nodeinfo.diaspora.software/ns/schema/{v}", "href": f"{base}/nodeinfo/{v}.json"}
            for v in ("2.0", "2.1")]})

    @extend_schema(summary="Nodeinfo document", responses={200: AnyObject, 404: ERRORS[404]})
    def show(self, request, version: str):
        if version not in ("2.0", "2.1"):
            raise ApiError("Nodeinfo schema version not handled", status=404)
        response = Response(documents.nodeinfo(version))
        response.content_type = (
            f"application/json; profile=http://nodeinfo.diaspora.software/ns/schema/{version}#")
        return response
