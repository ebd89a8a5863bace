"""Relationships: follow, block, mute, follow requests, lists of accounts."""

urlpatterns: list = []
