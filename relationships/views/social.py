"""Subscriptions and endorsements of accounts."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema

from accounts.serializers import AccountSerializer
from accounts.views import WITH_RELATIONSHIPS, AccountSchema, get_account
from core.openapi import ERRORS, PAGINATION_PARAMETERS
from core.views import ApiViewSet
from relationships import social
from relationships.models import Endorsement
from relationships.views.serializers import RelationshipSchema, RelationshipSerializer

ACCOUNT_ID = OpenApiParameter("id", str, OpenApiParameter.PATH, description="Account id")
ACCOUNT_LIST = type(AccountSchema)(many=True)
FOLLOW = ["follow", "write:follows"]
REFUSALS = {403: ERRORS[403], 404: ERRORS[404]}


class SubscriptionViewSet(ApiViewSet):
    """POST /api/v1/pleroma/accounts/:id/subscribe and /unsubscribe (deprecated: `notify`
    on follow does the same; both change one relationship)."""

    scopes = {"subscribe": FOLLOW, "unsubscribe": FOLLOW}

    @extend_schema(summary="Get a notification for each post of the account (follows it)",
                   parameters=[ACCOUNT_ID], request=None, deprecated=True,
                   responses={200: RelationshipSchema, 400: ERRORS[400], **REFUSALS})
    def subscribe(self, request, pk: str):
        target = get_account(pk)
        social.subscribe(request.user, target)
        return self.render(target, RelationshipSerializer)

    @extend_schema(summary="Stop the notifications for each post of the account",
                   parameters=[ACCOUNT_ID], request=None, deprecated=True,
                   responses={200: RelationshipSchema, **REFUSALS})
    def unsubscribe(self, request, pk: str):
        target = get_account(pk)
        social.unsubscribe(request.user, target)
        return self.render(target, RelationshipSerializer)


class EndorsementViewSet(ApiViewSet):
    """Accounts featured on a profile: pin/unpin, the caller's list, anyone's list."""

    scopes = {"pin": ["follow", "write:accounts"], "unpin": ["follow", "write:accounts"],
              "own": ["read:accounts"], "of_account": ["read:accounts"]}
    anonymous_actions = ("of_account",)
    serializer_class = AccountSerializer

    @extend_schema(summary="Feature a followed account on the profile", parameters=[ACCOUNT_ID],
                   request=None, responses={200: RelationshipSchema, 400: ERRORS[400], **REFUSALS})
    def pin(self, request, pk: str):
        target = get_account(pk)
        social.endorse(request.user, target)
        return self.render(target, RelationshipSerializer)

    @extend_schema(summary="Stop featuring an account", parameters=[ACCOUNT_ID], request=None,
                   responses={200: RelationshipSchema, **REFUSALS})
    def unpin(self, request, pk: str):
        target = get_account(pk)
        social.unendorse(request.user, target)
        return self.render(target, RelationshipSerializer)

    @extend_schema(summary="Accounts the caller features", parameters=[*PAGINATION_PARAMETERS, WITH_RELATIONSHIPS],
                   responses={200: ACCOUNT_LIST, 403: ERRORS[403]})
    def own(self, request):
        rows = Endorsement.objects.filter(owner=request.user, account__is_active=True,
                                          account__is_deleted=False).select_related("account")
        return self.render_page(rows, to_objects=lambda page: [row.account for row in page])

    @extend_schema(summary="Accounts an account features", parameters=[ACCOUNT_ID, WITH_RELATIONSHIPS],
                   responses={200: ACCOUNT_LIST, 404: ERRORS[404]})
    def of_account(self, request, pk: str):
        return self.render(social.endorsed_accounts(get_account(pk)))
