"""Lists of accounts: followers, following, blocks, mutes and follow requests.

Each pages over the relationship row's id (most recent relationship first, Mastodon's
order, mastodon-base 1.5) and renders the accounts on the other side of it.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema

from accounts.models import User
from accounts.serializers import AccountSerializer
from accounts.views import AccountSchema, get_account
from core.openapi import ERRORS, PAGINATION_PARAMETERS
from core.views import ApiViewSet
from relationships import follows
from relationships.models import Block, Follow
from relationships.views.actions import ACCOUNT_ID, FOLLOW
from relationships.views.serializers import (
    MutedAccountSerializer,
    RelationshipSchema,
    RelationshipSerializer,
)

WITH_RELATIONSHIPS = OpenApiParameter("with_relationships", bool,
                                      description="Fill pleroma.relationship for the viewer")
LIST_PARAMETERS = [*PAGINATION_PARAMETERS, WITH_RELATIONSHIPS]
ACCOUNT_LIST = type(AccountSchema)(many=True)
VISIBLE = {"is_active": True, "is_deleted": False}


def _visible(prefix: str) -> dict:
    return {f"{prefix}__{field}": value for field, value in VISIBLE.items()}


def followers_of(rows: list[Follow]) -> list[User]:
    return [row.follower for row in rows]


def followed_of(rows: list[Follow]) -> list[User]:
    return [row.followed for row in rows]


def blocked_of(rows: list[Block]) -> list[User]:
    return [row.blocked for row in rows]


def muted_of(rows) -> list[User]:
    accounts = []
    for row in rows:
        row.muted.mute_expires_at = row.expires_at
        accounts.append(row.muted)
    return accounts


class AccountListViewSet(ApiViewSet):
    """An account's followers and follows, the caller's blocks and mutes."""

    scopes = {
        "followers": ["read:accounts"],
        "following": ["read:accounts"],
        "blocks": ["follow", "read:blocks"],
        "mutes": ["follow", "read:mutes"],
    }
    anonymous_actions = ("followers", "following")
    serializer_class = AccountSerializer

    def _hidden(self, account: User, hidden: bool) -> bool:
        viewer = self.viewer
        return hidden and (viewer is None or viewer.pk != account.pk)

    @extend_schema(summary="Accounts following an account ([] when hidden from the caller)",
                   parameters=[ACCOUNT_ID, *LIST_PARAMETERS],
                   responses={200: ACCOUNT_LIST, 404: ERRORS[404]})
    def followers(self, request, pk: str):
        account = get_account(pk)
        if self._hidden(account, account.hide_followers):
            return self.render([])
        rows = Follow.objects.filter(followed=account, state=Follow.State.ACCEPTED,
                                     **_visible("follower")).select_related("follower")
        return self.render_page(rows, to_objects=followers_of)

    @extend_schema(summary="Accounts an account follows ([] when hidden from the caller)",
                   parameters=[ACCOUNT_ID, *LIST_PARAMETERS],
                   responses={200: ACCOUNT_LIST, 404: ERRORS[404]})
    def following(self, request, pk: str):
        account = get_account(pk)
        if self._hidden(account, account.hide_follows):
            return self.render([])
        rows = Follow.objects.filter(follower=account, state=Follow.State.ACCEPTED,
                                     **_visible("followed")).select_related("followed")
        return self.render_page(rows, to_objects=followed_of)

    @extend_schema(summary="Accounts the caller blocks", parameters=LIST_PARAMETERS,
                   responses={200: ACCOUNT_LIST, 403: ERRORS[403]})
    def blocks(self, request):
        rows = Block.objects.filter(blocker=request.user, **_visible("blocked")).select_related("blocked")
        return self.render_page(rows, to_objects=blocked_of)

    @extend_schema(summary="Accounts the caller mutes, with mute_expires_at", parameters=LIST_PARAMETERS,
                   responses={200: ACCOUNT_LIST, 403: ERRORS[403]})
    def mutes(self, request):
        rows = follows.active_mutes().filter(muter=request.user, **_visible("muted")).select_related("muted")
        return self.render_page(rows, MutedAccountSerializer, to_objects=muted_of)


class FollowRequestViewSet(ApiViewSet):
    """Pending follow requests to the caller, and accepting or refusing them."""

    scopes = {
        "list": ["follow", "read:follows"],
        "authorize": FOLLOW,
        "reject": FOLLOW,
    }
    serializer_class = AccountSerializer

    @extend_schema(summary="Accounts asking to follow the caller", parameters=PAGINATION_PARAMETERS,
                   responses={200: ACCOUNT_LIST, 403: ERRORS[403]})
    def list(self, request):
        rows = Follow.objects.filter(followed=request.user, state=Follow.State.PENDING,
                                     **_visible("follower")).select_related("follower")
        return self.render_page(rows, to_objects=followers_of)

    @extend_schema(summary="Accept a follow request", parameters=[ACCOUNT_ID], request=None,
                   responses={200: RelationshipSchema, 403: ERRORS[403], 404: ERRORS[404]})
    def authorize(self, request, pk: str):
        requester = get_account(pk)
        follows.authorize_follow_request(request.user, requester)
        return self.render(requester, RelationshipSerializer)

    @extend_schema(summary="Refuse a follow request", parameters=[ACCOUNT_ID], request=None,
                   responses={200: RelationshipSchema, 403: ERRORS[403], 404: ERRORS[404]})
    def reject(self, request, pk: str):
        requester = get_account(pk)
        follows.reject_follow_request(request.user, requester)
        return self.render(requester, RelationshipSerializer)
