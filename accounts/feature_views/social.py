"""An account's favourites, notification settings."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from accounts import extras
from accounts.views import get_account
from core.fields import BooleanLikeField
from core.openapi import ERRORS, PAGINATION_PARAMETERS
from core.views import ApiViewSet

ACCOUNT_ID = OpenApiParameter("id", str, OpenApiParameter.PATH, description="Account id")
REFUSALS = {403: ERRORS[403], 404: ERRORS[404]}


class NotificationSettingsInput(serializers.Serializer):
    block_from_strangers = BooleanLikeField()
    hide_notification_contents = BooleanLikeField()


class FavouritesViewSet(ApiViewSet):
    """GET /api/v1/pleroma/accounts/:id/favourites."""

    scopes = {"list": ["read:favourites"]}
    anonymous_actions = ("list",)

    @extend_schema(summary="Statuses an account liked (403 when it hides them)",
                   parameters=[ACCOUNT_ID, *PAGINATION_PARAMETERS],
                   responses={200: inline_serializer("StatusList", fields={}, many=True), **REFUSALS})
    def list(self, request, pk: str):
        from statuses.serializers import StatusSerializer

        account = get_account(pk)
        rows = extras.favourites_of(account, self.viewer)
        return self.render_page(rows, StatusSerializer, to_objects=extras.statuses_of_favourites)


class NotificationSettingsViewSet(ApiViewSet):
    """PUT /api/pleroma/notification_settings."""

    scopes = {"update": ["write:accounts"]}

    @extend_schema(summary="Change notification settings (only those sent)", request=NotificationSettingsInput,
                   parameters=[OpenApiParameter("block_from_strangers", bool),
                               OpenApiParameter("hide_notification_contents", bool)],
                   responses={200: inline_serializer("NotificationSettingsSaved", fields={
                       "status": serializers.CharField()}), 403: ERRORS[403]})
    def update(self, request):
        data = self.validated(NotificationSettingsInput)
        extras.update_notification_settings(request.user, dict(data))
        return Response({"status": "success"})
