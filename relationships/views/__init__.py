"""Relationship endpoints: follow, block, mute, notes, follow requests, account lists."""

from relationships.views.actions import RelationshipViewSet
from relationships.views.lists import AccountListViewSet, FollowRequestViewSet

__all__ = ["AccountListViewSet", "FollowRequestViewSet", "RelationshipViewSet"]
