"""Federation in the admin API (moderators): delivery health (GET
/api/v1/pleroma/admin/instances[/:host], POST .../:host/retry and .../:host/drop) and relays
(GET/POST/DELETE /api/v1/pleroma/admin/relay, as Pleroma)."""

from __future__ import annotations

import re

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from core.exceptions import BadRequest, NotFound
from core.openapi import ERRORS, one
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
    unreachable_since = serializers.DateTimeField(allow_null=True)
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


class RelaySerializer(serializers.Serializer):
    """A relay the relay actor follows."""

    actor = serializers.CharField()
    followed_back = serializers.BooleanField(help_text="the relay follows this server's relay actor")
    accepted = serializers.BooleanField(help_text="the relay accepted the follow")


class RelayListSerializer(serializers.Serializer):
    relays = RelaySerializer(many=True)


class RelayInput(serializers.Serializer):
    relay_url = serializers.URLField(max_length=2000)
    force = serializers.BooleanField(required=False, default=False)


class RelayViewSet(ApiViewSet):
    """Relays followed by this server's relay actor (Pleroma's admin API)."""

    scopes = {"list": ["admin:read:follows"], "follow": ["admin:write:follows"],
              "unfollow": ["admin:write:follows"]}
    serializer_class = RelaySerializer

    @extend_schema(summary="The relays followed", responses={200: one(RelayListSerializer), 403: ERRORS[403]})
    def list(self, request):
        from federation import relay

        return Response({"relays": relay.relays()})

    @extend_schema(summary="Follow a relay", request=RelayInput,
                   responses={200: RelaySerializer, 400: ERRORS[400], 403: ERRORS[403], 422: ERRORS[422],
                              502: ERRORS[400]})
    def follow(self, request):
        from federation import relay

        data = self.validated(RelayInput)
        row = relay.follow(data["relay_url"])
        return Response({"actor": data["relay_url"], "followed_back": False,
                         "accepted": row.state == "accept"})

    @extend_schema(summary="Unfollow a relay (force: even when its actor is gone)", request=RelayInput,
                   responses={200: OpenApiTypes.STR, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404]})
    def unfollow(self, request):
        from federation import relay

        data = self.validated(RelayInput, data=self.params())
        return Response(relay.unfollow(data["relay_url"], force=data["force"]))
