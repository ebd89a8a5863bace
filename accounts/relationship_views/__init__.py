"""Relationship endpoints: follow, block, mute, notes, follow requests, account lists."""

from accounts.relationship_views.actions import RelationshipViewSet
from accounts.relationship_views.lists import AccountListViewSet, FollowRequestViewSet

__all__ = ["AccountListViewSet", "FollowRequestViewSet", "RelationshipViewSet"]
