"""GET /api/v2/notifications and a group's routes (notifications.groups)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from accounts.views import get_account
from core.exceptions import NotFound, Unprocessable
from core.openapi import ERRORS, PAGINATION_PARAMETERS, one
from core.params import get_int, get_list
from core.views import ApiViewSet, empty_response
from notifications import filters, groups
from notifications.models import Notification

GroupedSchema = inline_serializer("GroupedNotifications", fields={
    "accounts": serializers.ListField(child=serializers.DictField()),
    "partial_accounts": serializers.ListField(child=serializers.DictField(), required=False),
    "statuses": serializers.ListField(child=serializers.DictField()),
    "notification_groups": serializers.ListField(child=serializers.DictField())})
AccountList = inline_serializer("GroupAccount", fields={"id": serializers.CharField()}, many=True)
UnreadSchema = inline_serializer("GroupedUnreadCount", fields={"count": serializers.IntegerField()})
EMPTY = inline_serializer("GroupDismissed", fields={})
KEY = OpenApiParameter("group_key", str, OpenApiParameter.PATH)
FILTER_PARAMETERS = [
    OpenApiParameter("types[]", str, many=True), OpenApiParameter("exclude_types[]", str, many=True),
    OpenApiParameter("account_id", str),
    OpenApiParameter("grouped_types[]", str, many=True, description="favourite, reblog, follow (the default)"),
]
PARTIAL_FIELDS = ("id", "acct", "url", "avatar", "avatar_static", "locked", "bot")
UNREAD_LIMIT, UNREAD_MAX = 100, 1000
UNREAD_WINDOW = 5000  # unseen notifications read to count their groups


class GroupedNotificationViewSet(ApiViewSet):
    """The caller's notifications, grouped (Mastodon 4.3)."""

    scopes = {"list": ["read:notifications"], "retrieve": ["read:notifications"],
              "accounts": ["read:notifications"], "unread_count": ["read:notifications"],
              "dismiss": ["write:notifications"]}
    unsupported_parameters = {"list": ("include_filtered",)}

    def notifications(self):
        params = self.request.query_params
        qs = filters.visible_to(self.request.user)
        qs = filters.filter_types(qs, types=get_list(params, "types"), exclude_types=get_list(params, "exclude_types"))
        if params.get("account_id"):
            try:
                qs = qs.filter(account=get_account(params["account_id"]))
            except NotFound:
                raise NotFound("Account is not found") from None
        return qs.select_related("status")

    def grouped_types(self) -> tuple[str, ...]:
        names = get_list(self.request.query_params, "grouped_types")
        return tuple(n for n in names if n in groups.GROUPABLE) if names else groups.GROUPABLE

    def render_groups(self, page: list[groups.Group]) -> dict:
        """`{accounts, statuses, notification_groups}`: every account and status rendered once
        for the page (the groups whose status the viewer's filters hide are left out)."""
        from statuses.rendering import render_accounts, render_page, screen

        viewer = self.request.user
        statuses = render_page(viewer, list({g.latest.status_id for g in page if g.latest.status_id}))
        shown_groups, shown_statuses = [], {}
        for g in page:
            if g.latest.status_id:
                status = screen(statuses.get(g.latest.status_id), "notifications")
                if status is None:
                    continue
                shown_statuses[g.latest.status_id] = status
            shown_groups.append(g)
        partial = self.request.query_params.get("expand_accounts") == "partial_avatars"
        if self.request.query_params.get("expand_accounts") not in (None, "", "full", "partial_avatars"):
            raise Unprocessable("expand_accounts must be full or partial_avatars")
        samples = [g.account_ids()[:groups.SAMPLE_ACCOUNTS] for g in shown_groups]
        full_ids = [pk for sample in samples for pk in (sample[:1] if partial else sample)]
        partial_ids = [pk for sample in samples for pk in sample[1:]] if partial else []
        targets = [g.latest.target_id for g in shown_groups if g.latest.target_id]
        accounts = render_accounts(viewer, [*full_ids, *partial_ids, *targets])
        full = list(dict.fromkeys([*full_ids, *targets]))
        body = {"accounts": [accounts[pk] for pk in full if pk in accounts],
                "statuses": list(shown_statuses.values()),
                "notification_groups": [g.entity() for g in shown_groups]}
        if partial:
            body["partial_accounts"] = [{k: accounts[pk].get(k) for k in PARTIAL_FIELDS}
                                        for pk in dict.fromkeys(partial_ids) if pk in accounts and pk not in full]
        return body

    @extend_schema(summary="The caller's notifications, grouped, newest first",
                   parameters=[*PAGINATION_PARAMETERS, *FILTER_PARAMETERS,
                               OpenApiParameter("expand_accounts", str, description="full or partial_avatars")],
                   responses={200: one(GroupedSchema), 403: ERRORS[403], 404: ERRORS[404], 422: ERRORS[422]})
    def list(self, request):
        page = groups.page_of_groups(self.notifications(), request, self.grouped_types())
        response = Response(self.render_groups(page))
        if page:
            from core.pagination import link_header

            rows = [n.pk for g in page for n in g.notifications]
            response["Link"] = link_header(request, max(rows), min(rows))
        return response

    def group_notifications(self, group_key: str) -> list[Notification]:
        rows = list(groups.notifications_of(self.notifications(), group_key).order_by("-id")[:200])
        rows = [n for n in rows if groups.group_key(n, self.grouped_types()) == group_key]
        if not rows:
            raise NotFound()
        return rows

    @extend_schema(summary="One group of notifications", parameters=[KEY],
                   responses={200: GroupedSchema, 403: ERRORS[403], 404: ERRORS[404]})
    def retrieve(self, request, group_key: str):
        found = groups.group(self.group_notifications(group_key), self.grouped_types())
        return Response(self.render_groups(found))

    @extend_schema(summary="The accounts of a group, newest first", parameters=[KEY],
                   responses={200: AccountList, 403: ERRORS[403], 404: ERRORS[404]})
    def accounts(self, request, group_key: str):
        from statuses.rendering import render_accounts

        pks = list(dict.fromkeys(n.account_id for n in self.group_notifications(group_key)))
        accounts = render_accounts(request.user, pks)
        return Response([accounts[pk] for pk in pks if pk in accounts])

    @extend_schema(summary="Dismiss every notification of a group", parameters=[KEY], request=None,
                   responses={200: EMPTY, 403: ERRORS[403], 404: ERRORS[404]})
    def dismiss(self, request, group_key: str):
        pks = [n.pk for n in self.group_notifications(group_key)]
        Notification.objects.filter(user=request.user, pk__in=pks).delete()
        return empty_response()

    @extend_schema(summary="How many groups of unseen notifications (at most `limit`)",
                   parameters=[OpenApiParameter("limit", int, description="default 100, at most 1000"),
                               *FILTER_PARAMETERS],
                   responses={200: UnreadSchema, 403: ERRORS[403], 404: ERRORS[404]})
    def unread_count(self, request):
        limit = get_int(request.query_params, "limit", UNREAD_LIMIT)
        limit = UNREAD_LIMIT if not limit or limit <= 0 else min(limit, UNREAD_MAX)
        rows = (self.notifications().filter(is_seen=False).order_by("-id")
                .only("id", "type", "status_id", "created_at")[:UNREAD_WINDOW])
        grouped = self.grouped_types()
        keys = {groups.group_key(n, grouped) for n in rows}
        return Response({"count": min(len(keys), limit)})



