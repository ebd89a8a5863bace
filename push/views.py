"""POST/GET/PUT/DELETE /api/v1/push/subscription: the Web Push subscription of the token."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers

from core.openapi import ERRORS
from core.views import ApiViewSet, empty_response
from push import services
from push.models import ALERT_TYPES
from push.serializers import (
    CreateSubscriptionInput,
    UpdateSubscriptionInput,
    WebPushSubscriptionSerializer,
    nested_params,
)

SubscriptionSchema = inline_serializer("WebPushSubscription", fields={
    "id": serializers.CharField(),
    "endpoint": serializers.CharField(),
    "standard": serializers.BooleanField(),
    "alerts": inline_serializer("WebPushAlerts", fields={
        kind: serializers.BooleanField() for kind in ALERT_TYPES}),
    "policy": serializers.ChoiceField(choices=["all", "followed", "follower", "none"]),
    "server_key": serializers.CharField(),
})
EMPTY = inline_serializer("PushEmpty", fields={})


def _policy(data: dict) -> str | None:
    return data.get("data", {}).get("policy", data.get("policy"))


class PushSubscriptionViewSet(ApiViewSet):
    """The Web Push subscription of the request's access token (one per token)."""

    scopes = {"create": ["push"], "retrieve": ["push"], "update": ["push"], "destroy": ["push"]}
    serializer_class = WebPushSubscriptionSerializer

    @extend_schema(summary="Subscribe this token's notifications to a push endpoint (replaces its old one)",
                   request=CreateSubscriptionInput,
                   responses={200: SubscriptionSchema, 400: ERRORS[400], 403: ERRORS[403], 422: ERRORS[422]})
    def create(self, request):
        data = self.validated(CreateSubscriptionInput, data=nested_params(request))
        subscription = data["subscription"]
        created = services.subscribe(
            request.auth, endpoint=subscription["endpoint"], p256dh=subscription["keys"]["p256dh"],
            key_auth=subscription["keys"]["auth"], alerts=data.get("data", {}).get("alerts"),
            policy=_policy(data), standard=subscription.get("standard"),
            expiration_ms=subscription.get("expirationTime"))
        return self.render(created)

    @extend_schema(summary="This token's push subscription",
                   responses={200: SubscriptionSchema, 403: ERRORS[403], 404: ERRORS[404]})
    def retrieve(self, request):
        return self.render(services.get_own_subscription(request.auth))

    @extend_schema(summary="Change which notifications are pushed (alerts sent replace the stored ones)",
                   request=UpdateSubscriptionInput,
                   responses={200: SubscriptionSchema, 400: ERRORS[400], 403: ERRORS[403],
                              404: ERRORS[404], 422: ERRORS[422]})
    def update(self, request):
        data = self.validated(UpdateSubscriptionInput, data=nested_params(request))
        updated = services.update_subscription(request.auth, alerts=data.get("data", {}).get("alerts"),
                                               policy=_policy(data))
        return self.render(updated)

    @extend_schema(summary="Stop pushing this token's notifications", responses={200: EMPTY, 403: ERRORS[403]})
    def destroy(self, request):
        services.unsubscribe(request.auth)
        return empty_response()
