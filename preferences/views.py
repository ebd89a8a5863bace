"""GET /api/v1/preferences: the caller's posting and reading defaults."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from core.openapi import ERRORS
from core.views import ApiViewSet
from preferences import services

PreferencesSchema = inline_serializer("Preferences", fields={
    "posting:default:visibility": serializers.CharField(),
    "posting:default:sensitive": serializers.BooleanField(),
    "posting:default:language": serializers.CharField(allow_null=True),
    "reading:expand:media": serializers.CharField(),
    "reading:expand:spoilers": serializers.BooleanField(),
})


class PreferencesViewSet(ApiViewSet):
    """The caller's preferences (Mastodon; set through update_credentials' `source`)."""

    scopes = {"retrieve": ["read:accounts"]}

    @extend_schema(summary="The caller's posting and reading defaults",
                   responses={200: PreferencesSchema, 403: ERRORS[403]})
    def retrieve(self, request):
        return Response(services.preferences(request.user))
