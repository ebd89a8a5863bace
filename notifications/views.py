"""Notifications, their read state (the seed's `notifications/read`) and markers."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from accounts.views import get_account
from core.exceptions import BadRequest, NotFound
from core.openapi import ERRORS, PAGINATION_PARAMETERS, one
from core.params import get_int, get_list, parse_bool
from core.views import ApiViewSet, empty_response
from notifications import filters, services
from notifications.models import Notification
from notifications.serializers import MarkerSerializer, NotificationSerializer

NotificationSchema = inline_serializer("Notification", fields={
    "id": serializers.CharField(), "type": serializers.CharField(),
    "group_key": serializers.CharField(), "created_at": serializers.CharField(),
    "account": serializers.DictField(), "status": serializers.DictField(required=False, allow_null=True),
    "pleroma": serializers.DictField(),
})
NOTIFICATION_LIST = type(NotificationSchema)(many=True)
UNREAD_LIMIT, UNREAD_MAX = 100, 1000  # Mastodon's default and cap for unread_count
EMPTY = inline_serializer("Empty", fields={})
MARKERS = one(inline_serializer("Markers", fields={
    "home": serializers.DictField(required=False), "notifications": serializers.DictField(required=False)}))
# `id` answers the one notification, `max_id` the list of those it marked.
NOTIFICATION_OR_LIST = {"oneOf": [
    {"$ref": "#/components/schemas/Notification"},
    {"type": "array", "items": {"$ref": "#/components/schemas/Notification"}}]}
NOTIFICATION_ID = OpenApiParameter("id", str, OpenApiParameter.PATH, description="Notification id")
LIST_PARAMETERS = [
    *PAGINATION_PARAMETERS,
    OpenApiParameter("types[]", str, many=True, description="Only these types"),
    OpenApiParameter("include_types[]", str, many=True, description="Deprecated alias of types[]"),
    OpenApiParameter("exclude_types[]", str, many=True, description="Leave these types out"),
    OpenApiParameter("account_id", str, description="Only notifications caused by this account"),
    OpenApiParameter("exclude_visibilities[]", str, many=True,
                     description="Leave out notifications about statuses with these visibilities"),
    OpenApiParameter("with_muted", bool, description="Include notifications from muted accounts"),
]


class NotificationViewSet(ApiViewSet):
    """The caller's notifications: list, show, dismiss, clear, destroy_multiple."""

    scopes = {
        "list": ["read:notifications"],
        "unread_count": ["read:notifications"],
        "retrieve": ["read:notifications"],
        "dismiss": ["write:notifications"],
        "dismiss_by_body": ["write:notifications"],
        "clear": ["write:notifications"],
        "destroy_multiple": ["write:notifications"],
    }
    serializer_class = NotificationSerializer

    @extend_schema(summary="The caller's notifications, newest first", parameters=LIST_PARAMETERS,
                   responses={200: NOTIFICATION_LIST, 403: ERRORS[403], 404: ERRORS[404]})
    def list(self, request):
        params = request.query_params
        qs = filters.visible_to(request.user, with_muted=parse_bool(params.get("with_muted")))
        types = get_list(params, "types") or get_list(params, "include_types")
        qs = filters.filter_types(qs, types=types, exclude_types=get_list(params, "exclude_types"))
        if params.get("account_id"):
            try:
                qs = qs.filter(account=get_account(params["account_id"]))
            except NotFound:
                raise NotFound("Account is not found") from None
        visibilities = get_list(params, "exclude_visibilities")
        if visibilities:
            qs = qs.exclude(status__visibility__in=visibilities)
        return self.render_page(qs)

    @extend_schema(summary="How many of the caller's notifications are unread (at most `limit`)", parameters=[
        OpenApiParameter("limit", int, description="Count at most this many (default 100, at most 1000)"),
        OpenApiParameter("types[]", str, many=True), OpenApiParameter("exclude_types[]", str, many=True)],
        responses={200: inline_serializer("UnreadCount", fields={"count": serializers.IntegerField()}),
                   403: ERRORS[403]})
    def unread_count(self, request):
        params = request.query_params
        limit = min(max(get_int(params, "limit", UNREAD_LIMIT) or UNREAD_LIMIT, 1), UNREAD_MAX)
        qs = filters.filter_types(filters.visible_to(request.user).filter(is_seen=False),
                                  types=get_list(params, "types"), exclude_types=get_list(params, "exclude_types"))
        return Response({"count": qs.values("pk")[:limit].count()})

    @extend_schema(summary="One of the caller's notifications", parameters=[NOTIFICATION_ID],
                   responses={200: NotificationSchema, 403: ERRORS[403], 404: ERRORS[404]})
    def retrieve(self, request, pk: str):
        notification = services.get_own_notification(request.user, pk)
        return self.render(notification)

    @extend_schema(summary="Delete one notification", parameters=[NOTIFICATION_ID], request=None,
                   responses={200: EMPTY, 403: ERRORS[403], 404: ERRORS[404]})
    def dismiss(self, request, pk: str):
        services.dismiss(request.user, pk)
        return empty_response()

    @extend_schema(summary="Delete one notification (id in the body; pre-3.0 form)",
                   request=inline_serializer("DismissNotification", fields={"id": serializers.CharField()}),
                   responses={200: EMPTY, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404]})
    def dismiss_by_body(self, request):
        notification_id = self.params().get("id")
        if not notification_id or not isinstance(notification_id, str | int):
            raise BadRequest("Missing parameter: id")
        services.dismiss(request.user, str(notification_id))
        return empty_response()

    @extend_schema(summary="Delete all the caller's notifications", request=None,
                   responses={200: EMPTY, 403: ERRORS[403]})
    def clear(self, request):
        services.clear(request.user)
        return empty_response()

    @extend_schema(summary="Delete several notifications", parameters=[
        OpenApiParameter("ids[]", str, many=True, description="Notification ids")],
        responses={200: EMPTY, 403: ERRORS[403]})
    def destroy_multiple(self, request):
        wanted = get_list(request.query_params, "ids")
        if hasattr(request.data, "get"):
            wanted += get_list(request.data, "ids")
        services.destroy_multiple(request.user, wanted)
        return empty_response()


class PleromaNotificationViewSet(ApiViewSet):
    """POST /api/v1/pleroma/notifications/read: mark one, or all up to an id, seen."""

    scopes = {"read": ["write:notifications"]}
    serializer_class = NotificationSerializer

    @extend_schema(summary="Mark notifications as read (`id`: one; `max_id`: all up to it)",
                   request=inline_serializer("ReadNotifications", fields={
                       "id": serializers.CharField(required=False),
                       "max_id": serializers.CharField(required=False)}),
                   responses={200: NOTIFICATION_OR_LIST, 400: ERRORS[400], 403: ERRORS[403]})
    def read(self, request):
        params = self.params()
        if params.get("id") not in (None, ""):
            notification = services.read_one(request.user, params["id"])
            return self.render(notification)
        if params.get("max_id") not in (None, ""):
            read = services.read_up_to(request.user, params["max_id"])
            return self.render(list(Notification.objects.filter(pk__in=[n.pk for n in read])
                                    .order_by("-id")))
        raise BadRequest("Missing parameter: id or max_id")


class MarkerViewSet(ApiViewSet):
    """GET/POST /api/v1/markers: read positions in the home and notifications timelines."""

    scopes = {"list": ["read:statuses"], "create": ["write:statuses"]}
    serializer_class = MarkerSerializer

    def render_markers(self, markers) -> Response:
        context = {"unread_count": services.unread_count(self.request.user)}
        return Response({m.timeline: MarkerSerializer(m, context=context).data for m in markers})

    @extend_schema(summary="The caller's markers", parameters=[
        OpenApiParameter("timeline[]", str, many=True, description="home and/or notifications")],
        responses={200: MARKERS, 403: ERRORS[403]})
    def list(self, request):
        return self.render_markers(services.get_markers(request.user, get_list(request.query_params, "timeline")))

    @extend_schema(summary="Save markers (`home[last_read_id]`, `notifications[last_read_id]`)",
                   request=MARKERS, responses={200: MARKERS, 400: ERRORS[400], 403: ERRORS[403]})
    def create(self, request):
        positions = {}
        data = request.data
        for timeline in ("home", "notifications"):
            value = None
            nested = data.get(timeline) if hasattr(data, "get") else None
            if isinstance(nested, dict):
                value = nested.get("last_read_id")
            elif hasattr(data, "get"):
                value = data.get(f"{timeline}[last_read_id]")
            if value is None:
                value = request.query_params.get(f"{timeline}[last_read_id]")
            if value is not None:
                if not isinstance(value, str | int) or len(str(value)) > 64:
                    raise BadRequest(f"Invalid {timeline}[last_read_id]")
                positions[timeline] = str(value)
        return self.render_markers(services.save_markers(request.user, positions))
