"""Announcements for users (/api/v1/announcements) and for staff (Pleroma's admin API)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers

from announcements import services
from announcements.models import AnnouncementRead
from announcements.serializers import AnnouncementSerializer
from core.exceptions import Unprocessable
from core.openapi import ERRORS
from core.params import get_int, parse_bool
from core.views import ApiViewSet, empty_response

EMPTY = inline_serializer("AnnouncementEmpty", fields={})
PK = OpenApiParameter("pk", str, OpenApiParameter.PATH)
NAME = OpenApiParameter("name", str, OpenApiParameter.PATH, description="Unicode emoji or custom shortcode")
AnnouncementInput = inline_serializer("AnnouncementInput", fields={
    "content": serializers.CharField(), "starts_at": serializers.DateTimeField(required=False, allow_null=True),
    "ends_at": serializers.DateTimeField(required=False, allow_null=True),
    "all_day": serializers.BooleanField(required=False)})
ADMIN_LIMIT, ADMIN_MAX = 20, 100


class AnnouncementViewSet(ApiViewSet):
    """The announcements shown now, their read state and reactions."""

    scopes = {"list": [], "dismiss": ["write:accounts"], "react": ["write:favourites"],
              "unreact": ["write:favourites"]}
    serializer_class = AnnouncementSerializer

    @extend_schema(summary="The announcements shown now, oldest first",
                   parameters=[OpenApiParameter("with_dismissed", bool)],
                   responses={200: AnnouncementSerializer(many=True), 403: ERRORS[403]})
    def list(self, request):
        shown = services.visible_announcements().order_by("published_at", "id")
        if not parse_bool(request.query_params.get("with_dismissed")):
            shown = shown.exclude(pk__in=AnnouncementRead.objects.filter(user=request.user)
                                  .values("announcement_id"))
        return self.render(list(shown))

    @extend_schema(summary="Mark an announcement as read", parameters=[PK], request=None,
                   responses={200: EMPTY, 403: ERRORS[403], 404: ERRORS[404]})
    def dismiss(self, request, pk: str):
        services.dismiss(request.user, pk)
        return empty_response()

    @extend_schema(summary="React to an announcement", parameters=[PK, NAME], request=None,
                   responses={200: EMPTY, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404]})
    def react(self, request, pk: str, name: str):
        services.react(request.user, pk, name)
        return empty_response()

    @extend_schema(summary="Remove a reaction from an announcement", parameters=[PK, NAME],
                   responses={200: EMPTY, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404]})
    def unreact(self, request, pk: str, name: str):
        services.unreact(request.user, pk, name)
        return empty_response()


class AdminAnnouncementViewSet(ApiViewSet):
    """Pleroma's admin API for announcements (every announcement, shown now or not)."""

    scopes = {"list": ["admin:read"], "retrieve": ["admin:read"], "create": ["admin:write"],
              "partial_update": ["admin:write"], "destroy": ["admin:write"]}
    serializer_class = AnnouncementSerializer

    def fields(self, *, partial: bool) -> dict:
        params = self.params()
        if not partial and params.get("content") in (None, ""):
            raise Unprocessable("Missing field: content")
        fields = {name: params[name] for name in ("content", "starts_at", "ends_at") if name in params}
        if "all_day" in params:
            fields["all_day"] = parse_bool(params["all_day"])
        return fields

    @extend_schema(summary="Every announcement, newest first (offset pagination, as Pleroma)",
                   parameters=[OpenApiParameter("limit", int), OpenApiParameter("offset", int)],
                   responses={200: AnnouncementSerializer(many=True), 403: ERRORS[403]})
    def list(self, request):
        limit = get_int(request.query_params, "limit", ADMIN_LIMIT)
        offset = max(get_int(request.query_params, "offset", 0) or 0, 0)
        limit = ADMIN_LIMIT if not limit or limit <= 0 else min(limit, ADMIN_MAX)
        shown = services.Announcement.objects.order_by("-id")[offset:offset + limit]
        return self.render(list(shown), admin=True)

    @extend_schema(summary="One announcement", parameters=[PK],
                   responses={200: AnnouncementSerializer, 403: ERRORS[403], 404: ERRORS[404]})
    def retrieve(self, request, pk: str):
        return self.render(services.get_announcement(pk), admin=True)

    @extend_schema(summary="Publish an announcement", request=AnnouncementInput,
                   responses={200: AnnouncementSerializer, 403: ERRORS[403], 422: ERRORS[422]})
    def create(self, request):
        return self.render(services.create_announcement(**self.fields(partial=False)), admin=True)

    @extend_schema(summary="Change an announcement", parameters=[PK], request=AnnouncementInput,
                   responses={200: AnnouncementSerializer, 403: ERRORS[403], 404: ERRORS[404], 422: ERRORS[422]})
    def partial_update(self, request, pk: str):
        announcement = services.get_announcement(pk)
        return self.render(services.update_announcement(announcement, **self.fields(partial=True)), admin=True)

    @extend_schema(summary="Delete an announcement", parameters=[PK],
                   responses={200: EMPTY, 403: ERRORS[403], 404: ERRORS[404]})
    def destroy(self, request, pk: str):
        services.delete_announcement(services.get_announcement(pk))
        return empty_response()
