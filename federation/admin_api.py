"""Delivery health in the admin API (moderators): GET /api/v1/pleroma/admin/instances,
GET /api/v1/pleroma/admin/instances/:host, POST .../:host/retry and .../:host/drop."""

from __future__ import annotations

import re

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from core.exceptions import BadRequest, NotFound
from core.openapi import ERRORS
from core.views import ApiViewSet
from federation import health

HOST = re.compile(r"^[a-z0-9.-]{1,253}(:\d{1,5})?$")


class InstanceHealthSerializer(serializers.Serializer):
    """One remote instance as delivery sees it."""

    host = serializers.CharField()
    queued = serializers.IntegerField(help_text="deliveries waiting to be sent")
    failed = serializers.IntegerField(help_text="deliveries given up (refused, out of attempts, dropped)")
    delivered = serializers.IntegerField()
    failing_since = serializers.DateTimeField(allow_null=True)
    last_success_at = serializers.DateTimeField(allow_null=True)
    unreachable = serializers.BooleanField()
    last_status = serializers.IntegerField(allow_null=True, help_text="the last failed attempt's HTTP status")
    last_error = serializers.CharField(allow_blank=True)

    def to_representation(self, instance):
        return super().to_representation(instance.as_dict() if isinstance(instance, health.InstanceHealth)
                                         else instance)


class QueueChangeSerializer(serializers.Serializer):
    host = serializers.CharField()
    count = serializers.IntegerField(help_text="deliveries retried or dropped")


def _host(value: str) -> str:
    host = value.strip().lower()
    if not HOST.match(host):
        raise BadRequest("Invalid host")
    return host


class InstanceHealthViewSet(ApiViewSet):
    """Per remote instance: what is queued, failing since, unreachable, last success."""

    scopes = {"list": ["admin:read"], "retrieve": ["admin:read"], "retry": ["admin:write"],
              "drop": ["admin:write"]}
    serializer_class = InstanceHealthSerializer

    @extend_schema(summary="Delivery health of every remote instance, most queued first",
                   responses={200: InstanceHealthSerializer(many=True), 403: ERRORS[403]})
    def list(self, request):
        return self.render(health.instances())

    @extend_schema(summary="Delivery health of one remote instance",
                   responses={200: InstanceHealthSerializer, 400: ERRORS[400], 403: ERRORS[403],
                              404: ERRORS[404]})
    def retrieve(self, request, host: str):
        found = health.instance(_host(host))
        if found is None:
            raise NotFound()
        return self.render(found)

    @extend_schema(summary="Send the instance's queue again now", request=None,
                   responses={200: QueueChangeSerializer, 400: ERRORS[400], 403: ERRORS[403]})
    def retry(self, request, host: str):
        host = _host(host)
        return Response({"host": host, "count": health.retry(host)})

    @extend_schema(summary="Give up what is queued for the instance", request=None,
                   responses={200: QueueChangeSerializer, 400: ERRORS[400], 403: ERRORS[403]})
    def drop(self, request, host: str):
        host = _host(host)
        return Response({"host": host, "count": health.drop(host)})
