"""Input serializers of the relationship endpoints."""

from __future__ import annotations

from rest_framework import serializers

from core.fields import BooleanLikeField

# A century: longer expiries would overflow the date arithmetic (and 0 already means forever).
MAX_MUTE_SECONDS = 100 * 365 * 24 * 3600


class FollowInput(serializers.Serializer):
    """POST /api/v1/accounts/:id/follow: options absent from the request stay as they are."""

    reblogs = BooleanLikeField(allow_null=True)
    notify = BooleanLikeField(allow_null=True)


class MuteInput(serializers.Serializer):
    """POST /api/v1/accounts/:id/mute: `duration` (Mastodon) or `expires_in` (Pleroma), seconds."""

    notifications = BooleanLikeField(default=True)
    duration = serializers.IntegerField(required=False, allow_null=True, min_value=0,
                                        max_value=MAX_MUTE_SECONDS)
    expires_in = serializers.IntegerField(required=False, allow_null=True, min_value=0,
                                          max_value=MAX_MUTE_SECONDS)


class NoteInput(serializers.Serializer):
    """POST /api/v1/accounts/:id/note."""

    comment = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=2000)
