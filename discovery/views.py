"""Account search, the profile directory, suggestions, familiar followers and trends."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema

from accounts.serializers import AccountSerializer
from accounts.views import AccountSchema
from core.openapi import ERRORS
from core.views import ApiViewSet
from discovery import search
from discovery.inputs import SearchAccountsInput

ACCOUNTS_MAX = 80
AccountListSchema = type(AccountSchema)(many=True)


class AccountSearchViewSet(ApiViewSet):
    """GET /api/v1/accounts/search: local accounts by nickname or display name."""

    scopes = {"search": ["read:accounts", "read:search"]}
    anonymous_actions = ("search",)
    serializer_class = AccountSerializer

    @extend_schema(summary="Search accounts by nickname or display name prefix (local accounts)",
                   parameters=[OpenApiParameter("q", str, required=True), OpenApiParameter("limit", int),
                               OpenApiParameter("offset", int),
                               OpenApiParameter("resolve", bool, description=(
                                   "Accepted; remote lookups come with federation")),
                               OpenApiParameter("following", bool, description="Only accounts the caller follows"),
                               OpenApiParameter("with_relationships", bool)],
                   responses={200: AccountListSchema, 400: ERRORS[400]})
    def search(self, request):
        data = self.validated(SearchAccountsInput, data=request.query_params)
        if data["following"] and self.viewer is None:
            return self.render([])
        limit = min(data["limit"], ACCOUNTS_MAX)
        found = search.search_accounts(self.viewer, data["q"], following=data["following"])
        return self.render(list(found[data["offset"]:data["offset"] + limit]))
