"""Account search, the profile directory, suggestions, familiar followers, trends, activity."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from accounts import registry
from accounts.serializers import AccountSerializer
from accounts.views import AccountSchema
from core import markup
from core.openapi import ERRORS
from core.params import get_list
from core.renderers import format_datetime
from core.views import ApiViewSet, empty_response
from discovery import search, services
from discovery.inputs import DirectoryInput, OffsetInput, SearchAccountsInput
from statuses.serializers import StatusSerializer
from tags.serializers import TagSerializer
from tags.views import TagSchema

ACCOUNTS_MAX = 80
AccountListSchema = type(AccountSchema)(many=True)
SuggestionSchema = inline_serializer("Suggestion", fields={
    "source": serializers.CharField(), "sources": serializers.ListField(child=serializers.CharField()),
    "account": AccountSchema})
FamiliarSchema = inline_serializer("FamiliarFollowers", fields={
    "id": serializers.CharField(), "accounts": AccountListSchema})
ActivityList = OpenApiResponse({"type": "array", "items": {"type": "object", "properties": {
    "week": {"type": "string"}, "statuses": {"type": "string"}, "logins": {"type": "string"},
    "registrations": {"type": "string"}}}}, description="Weekly activity, newest week first")
ExtendedDescription = inline_serializer("ExtendedDescription", fields={
    "updated_at": serializers.CharField(), "content": serializers.CharField()})
EmptyList = OpenApiResponse({"type": "array", "items": {"type": "object"}, "maxItems": 0},
                            description="Always an empty list")
Empty = OpenApiResponse({"type": "object", "maxProperties": 0}, description="Empty object")
OFFSET_PARAMETERS = [OpenApiParameter("limit", int), OpenApiParameter("offset", int)]
# The description is configuration read at start-up: it changed, if at all, when the process started.
STARTED_AT = timezone.now()


def _window(data: dict, maximum: int) -> slice:
    return slice(data["offset"], data["offset"] + min(data["limit"], maximum))


class AccountSearchViewSet(ApiViewSet):
    """GET /api/v1/accounts/search: accounts by nickname or display name."""

    scopes = {"search": ["read:accounts", "read:search"]}
    anonymous_actions = ("search",)
    serializer_class = AccountSerializer

    @extend_schema(summary="Search accounts by nickname or display name prefix",
                   parameters=[OpenApiParameter("q", str, required=True), *OFFSET_PARAMETERS,
                               OpenApiParameter("resolve", bool, description=(
                                   "Look up a `nick@host` of another server (signed-in callers)")),
                               OpenApiParameter("following", bool, description="Only accounts the caller follows"),
                               OpenApiParameter("with_relationships", bool)],
                   responses={200: AccountListSchema, 400: ERRORS[400]})
    def search(self, request):
        data = self.validated(SearchAccountsInput, data=request.query_params)
        if data["following"] and self.viewer is None:
            return self.render([])
        if data["resolve"] and self.viewer is not None and "@" in data["q"].strip().lstrip("@"):
            # `nick@host` of another server: looked up (WebFinger, signed fetch) when unknown
            registry.resolve_remote_account(data["q"].strip().lstrip("@"))
        found = search.search_accounts(self.viewer, data["q"], following=data["following"])
        return self.render(list(found[_window(data, ACCOUNTS_MAX)]))


class DirectoryViewSet(ApiViewSet):
    """GET /api/v1/directory: accounts that opted into discovery."""

    scopes = {"list": ["read:accounts"]}
    anonymous_actions = ("list",)
    serializer_class = AccountSerializer

    @extend_schema(summary="The profile directory", parameters=[
        OpenApiParameter("order", str, enum=["active", "new"]), OpenApiParameter("local", bool),
        *OFFSET_PARAMETERS], responses={200: AccountListSchema, 400: ERRORS[400]})
    def list(self, request):
        data = self.validated(DirectoryInput, data=request.query_params)
        accounts = services.directory(self.viewer, order=data["order"], local=data["local"])
        return self.render(list(accounts[_window(data, ACCOUNTS_MAX)]))


class SuggestionViewSet(ApiViewSet):
    """Follow suggestions: the accounts the staff suggest."""

    scopes = {"v1": ["read"], "v2": ["read"], "dismiss": ["read"]}
    serializer_class = AccountSerializer

    def _accounts(self) -> list:
        data = self.validated(OffsetInput, data={"limit": 40, **self.request.query_params.dict()})
        return list(services.suggestions(self.viewer)[_window(data, ACCOUNTS_MAX)])

    @extend_schema(summary="Accounts to follow", parameters=OFFSET_PARAMETERS,
                   responses={200: AccountListSchema, 400: ERRORS[400], 403: ERRORS[403]})
    def v1(self, request):
        return self.render(self._accounts())

    @extend_schema(summary="Accounts to follow, with why", parameters=OFFSET_PARAMETERS,
                   responses={200: type(SuggestionSchema)(many=True), 400: ERRORS[400], 403: ERRORS[403]})
    def v2(self, request):
        accounts = self.render(self._accounts()).data
        return Response([{"source": "staff", "sources": ["featured"], "account": a} for a in accounts])

    @extend_schema(summary="Stop suggesting an account", responses={200: Empty, 404: ERRORS[404]})
    def dismiss(self, request, pk: str):
        services.dismiss_suggestion(self.viewer, pk)
        return empty_response()


class FamiliarFollowerViewSet(ApiViewSet):
    """GET /api/v1/accounts/familiar_followers"""

    scopes = {"list": ["read:follows"]}
    serializer_class = AccountSerializer

    @extend_schema(summary="For each account, the accounts the caller follows that follow it",
                   parameters=[OpenApiParameter("id[]", str, many=True)],
                   responses={200: type(FamiliarSchema)(many=True), 403: ERRORS[403], 422: ERRORS[422]})
    def list(self, request):
        # Mastodon.py sends the ids as a JSON body on this GET: read query and body alike
        found = services.familiar_followers(self.viewer, [str(i) for i in get_list(self.params(), "id")])
        accounts = [a for _, followers in found for a in followers]
        rendered = {a.pk: entity for a, entity in zip(accounts, self.render(accounts).data, strict=True)}
        return Response([{"id": raw, "accounts": [rendered[a.pk] for a in followers]} for raw, followers in found])


class TrendViewSet(ApiViewSet):
    """Trends from local activity of the last week."""


    @extend_schema(summary="Hashtags most accounts used in public posts this week", parameters=OFFSET_PARAMETERS,
                   responses={200: type(TagSchema)(many=True), 400: ERRORS[400]})
    def tags(self, request):
        data = self.validated(OffsetInput, data=request.query_params)
        return self.render(services.trending_tags(limit=min(data["limit"], 20), offset=data["offset"]),
                           TagSerializer)

    @extend_schema(summary="Trending hashtags (Mastodon's older path of trends/tags)", parameters=OFFSET_PARAMETERS,
                   responses={200: type(TagSchema)(many=True), 400: ERRORS[400]})
    def legacy_tags(self, request):
        return self.tags(request)

    @extend_schema(summary="Public posts of this week with the most favourites and reblogs",
                   parameters=OFFSET_PARAMETERS, responses={200: StatusSerializer(many=True), 400: ERRORS[400]})
    def statuses(self, request):
        data = self.validated(OffsetInput, data={"limit": 20, **request.query_params.dict()})
        return self.render(services.trending_statuses(self.viewer, limit=min(data["limit"], 40),
                                                      offset=data["offset"]), StatusSerializer)

    @extend_schema(summary="Trending links (none: this server makes no link previews)",
                   parameters=OFFSET_PARAMETERS, responses={200: EmptyList})
    def links(self, request):
        self.validated(OffsetInput, data=request.query_params)
        return Response([])


class InstanceActivityViewSet(ApiViewSet):
    """The instance's weekly activity and its extended description."""

    @extend_schema(summary="Local statuses, logins and registrations per week (12 weeks)",
                   responses={200: ActivityList})
    def activity(self, request):
        return Response(services.weekly_activity())

    @extend_schema(summary="The instance's extended description", responses={200: ExtendedDescription})
    def extended_description(self, request):
        return Response({"updated_at": format_datetime(STARTED_AT),
                         "content": markup.render(settings.INSTANCE_DESCRIPTION, "text/plain")})
