"""Relationships: follow, block, mute, follow requests, lists of accounts, subscriptions,
endorsements, imports.

Pleroma routes are written once under /api/v1/pleroma; core.middleware serves the
/api/pleroma spelling from the same lines.
"""

from django.urls import path

from relationships.views import AccountListViewSet, FollowRequestViewSet, RelationshipViewSet
from relationships.views.imports import ImportViewSet
from relationships.views.social import EndorsementViewSet, SubscriptionViewSet

urlpatterns = [
    # relationships with one account
    path("api/v1/accounts/relationships", RelationshipViewSet.as_view({"get": "relationships"})),
    path("api/v1/accounts/<str:pk>/follow", RelationshipViewSet.as_view({"post": "follow"})),
    path("api/v1/accounts/<str:pk>/unfollow", RelationshipViewSet.as_view({"post": "unfollow"})),
    path("api/v1/accounts/<str:pk>/remove_from_followers",
         RelationshipViewSet.as_view({"post": "remove_from_followers"})),
    path("api/v1/accounts/<str:pk>/block", RelationshipViewSet.as_view({"post": "block"})),
    path("api/v1/accounts/<str:pk>/unblock", RelationshipViewSet.as_view({"post": "unblock"})),
    path("api/v1/accounts/<str:pk>/mute", RelationshipViewSet.as_view({"post": "mute"})),
    path("api/v1/accounts/<str:pk>/unmute", RelationshipViewSet.as_view({"post": "unmute"})),
    path("api/v1/accounts/<str:pk>/note", RelationshipViewSet.as_view({"post": "note"})),
    # lists of accounts
    path("api/v1/accounts/<str:pk>/followers", AccountListViewSet.as_view({"get": "followers"})),
    path("api/v1/accounts/<str:pk>/following", AccountListViewSet.as_view({"get": "following"})),
    path("api/v1/blocks", AccountListViewSet.as_view({"get": "blocks"})),
    path("api/v1/mutes", AccountListViewSet.as_view({"get": "mutes"})),
    # follow requests
    path("api/v1/follow_requests", FollowRequestViewSet.as_view({"get": "list"})),
    path("api/v1/follow_requests/<str:pk>/authorize", FollowRequestViewSet.as_view({"post": "authorize"})),
    path("api/v1/follow_requests/<str:pk>/reject", FollowRequestViewSet.as_view({"post": "reject"})),
    # subscriptions and endorsements
    path("api/v1/pleroma/accounts/<str:pk>/subscribe", SubscriptionViewSet.as_view({"post": "subscribe"})),
    path("api/v1/pleroma/accounts/<str:pk>/unsubscribe", SubscriptionViewSet.as_view({"post": "unsubscribe"})),
    path("api/v1/pleroma/accounts/<str:pk>/endorsements", EndorsementViewSet.as_view({"get": "of_account"})),
    path("api/v1/accounts/<str:pk>/pin", EndorsementViewSet.as_view({"post": "pin"})),
    path("api/v1/accounts/<str:pk>/unpin", EndorsementViewSet.as_view({"post": "unpin"})),
    path("api/v1/endorsements", EndorsementViewSet.as_view({"get": "own"})),
    # imports
    path("api/v1/pleroma/follow_import", ImportViewSet.as_view({"post": "follow_import"})),
    path("api/v1/pleroma/blocks_import", ImportViewSet.as_view({"post": "blocks_import"})),
    path("api/v1/pleroma/mutes_import", ImportViewSet.as_view({"post": "mutes_import"})),
    path("api/v1/pleroma/imports", ImportViewSet.as_view({"get": "list"})),
    path("api/v1/pleroma/imports/<str:pk>", ImportViewSet.as_view({"get": "retrieve"})),
]
