"""Input serializers of the discovery endpoints."""

from __future__ import annotations

from rest_framework import serializers

from core.fields import BooleanLikeField


class SearchAccountsInput(serializers.Serializer):
    """GET /api/v1/accounts/search"""

    q = serializers.CharField(max_length=500, allow_blank=True, trim_whitespace=True)
    limit = serializers.IntegerField(required=False, default=40, min_value=1, max_value=10_000)
    offset = serializers.IntegerField(required=False, default=0, min_value=0, max_value=1_000_000)
    resolve = BooleanLikeField(default=False)
    following = BooleanLikeField(default=False)


class DirectoryInput(serializers.Serializer):
    """GET /api/v1/directory"""

    order = serializers.ChoiceField(choices=["active", "new"], required=False, default="active")
    local = BooleanLikeField(default=False)
    limit = serializers.IntegerField(required=False, default=40, min_value=1, max_value=10_000)
    offset = serializers.IntegerField(required=False, default=0, min_value=0, max_value=1_000_000)


class OffsetInput(serializers.Serializer):
    """limit and offset of the lists Mastodon pages by offset (trends, suggestions)."""

    limit = serializers.IntegerField(required=False, default=10, min_value=1, max_value=10_000)
    offset = serializers.IntegerField(required=False, default=0, min_value=0, max_value=1_000_000)
