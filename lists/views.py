"""Lists: CRUD, their accounts, the lists an account is on, and the list timeline."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers

from accounts.serializers import AccountSerializer
from accounts.views import AccountSchema, get_account
from core import pagination
from core.openapi import ERRORS, PAGINATION_PARAMETERS
from core.views import ApiViewSet, empty_response
from lists import services, timelines
from lists.models import List
from lists.serializers import CreateListInput, ListAccountsInput, ListSerializer, UpdateListInput
from statuses.serializers import StatusSerializer
from statuses.views.timelines import TIMELINE_PARAMETERS

ListSchema = inline_serializer("List", fields={
    "id": serializers.CharField(), "title": serializers.CharField(),
    "replies_policy": serializers.ChoiceField(choices=List.RepliesPolicy.choices),
    "exclusive": serializers.BooleanField()})
ListListSchema = type(ListSchema)(many=True)
Empty = OpenApiResponse({"type": "object", "maxProperties": 0}, description="Empty object")


class ListViewSet(ApiViewSet):
    """The caller's lists."""

    scopes = {"list": ["read:lists"], "create": ["write:lists"], "retrieve": ["read:lists"],
              "update": ["write:lists"], "destroy": ["write:lists"], "account_lists": ["read:lists"]}
    serializer_class = ListSerializer

    @extend_schema(summary="The caller's lists", responses={200: ListListSchema, 403: ERRORS[403]})
    def list(self, request):
        return self.render(list(List.objects.filter(owner=self.viewer).order_by("id")))

    @extend_schema(summary="Create a list", request=CreateListInput,
                   responses={200: ListSchema, 400: ERRORS[400], 403: ERRORS[403], 422: ERRORS[422]})
    def create(self, request):
        return self.render(services.create_list(self.viewer, **self.validated(CreateListInput)))

    @extend_schema(summary="One of the caller's lists", responses={200: ListSchema, 404: ERRORS[404]})
    def retrieve(self, request, pk: str):
        return self.render(services.get_own_list(self.viewer, pk))

    @extend_schema(summary="Rename a list or change its replies policy or exclusivity", request=UpdateListInput,
                   responses={200: ListSchema, 400: ERRORS[400], 404: ERRORS[404], 422: ERRORS[422]})
    def update(self, request, pk: str):
        lst = services.get_own_list(self.viewer, pk)
        return self.render(services.update_list(lst, **self.validated(UpdateListInput)))

    @extend_schema(summary="Delete a list", responses={200: Empty, 404: ERRORS[404]})
    def destroy(self, request, pk: str):
        services.delete_list(services.get_own_list(self.viewer, pk))
        return empty_response()

    @extend_schema(summary="The caller's lists that hold an account",
                   responses={200: ListListSchema, 404: ERRORS[404]})
    def account_lists(self, request, pk: str):
        return self.render(list(services.lists_with(self.viewer, get_account(pk))))


class ListAccountViewSet(ApiViewSet):
    """The accounts on one of the caller's lists."""

    scopes = {"list": ["read:lists"], "add": ["write:lists"], "remove": ["write:lists"]}
    serializer_class = AccountSerializer

    @extend_schema(summary="Accounts on a list (limit=0: all of them)", parameters=PAGINATION_PARAMETERS,
                   responses={200: type(AccountSchema)(many=True), 404: ERRORS[404]})
    def list(self, request, pk: str):
        members = services.members(services.get_own_list(self.viewer, pk))
        if request.query_params.get("limit") == "0":  # Mastodon: every member, unpaged
            return self.render([m.account for m in members.order_by("-id")])
        return self.render_page(members, AccountSerializer, maximum=80, default=40,
                                to_objects=lambda rows: [m.account for m in rows])

    @extend_schema(summary="Add accounts the caller follows to a list", request=ListAccountsInput,
                   responses={200: Empty, 400: ERRORS[400], 404: ERRORS[404], 422: ERRORS[422]})
    def add(self, request, pk: str):
        lst = services.get_own_list(self.viewer, pk)
        services.add_accounts(lst, self.validated(ListAccountsInput, data=self.params())["account_ids"])
        return empty_response()

    @extend_schema(summary="Remove accounts from a list", request=ListAccountsInput,
                   responses={200: Empty, 400: ERRORS[400], 404: ERRORS[404]})
    def remove(self, request, pk: str):
        lst = services.get_own_list(self.viewer, pk)
        services.remove_accounts(lst, self.validated(ListAccountsInput, data=self.params())["account_ids"])
        return empty_response()


class ListTimelineViewSet(ApiViewSet):
    """GET /api/v1/timelines/list/:id, paged by status id."""

    scopes = {"timeline": ["read:lists"]}
    serializer_class = StatusSerializer

    @extend_schema(summary="Statuses of a list's members", parameters=TIMELINE_PARAMETERS,
                   responses={200: StatusSerializer(many=True), 403: ERRORS[403], 404: ERRORS[404]})
    def timeline(self, request, pk: str):
        lst = services.get_own_list(self.viewer, pk)
        page = pagination.paginate_raw(request, *timelines.list_timeline(self.viewer, lst, request.query_params))
        # Mastodon applies the filters of the `home` context to list timelines.
        return pagination.set_link(self.render(page, StatusSerializer, filter_context="home"), request, page)
