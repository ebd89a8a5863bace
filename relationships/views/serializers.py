"""The Relationship entity, and the Account of a mutes list with `mute_expires_at`."""

from __future__ import annotations

from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

from accounts.serializers import AccountSerializer
from core.renderers import format_datetime
from relationships.entity import relationship_map

RELATIONSHIP_FIELDS = {
    "id": serializers.CharField(), "following": serializers.BooleanField(),
    "requested": serializers.BooleanField(), "followed_by": serializers.BooleanField(),
    "blocking": serializers.BooleanField(), "blocked_by": serializers.BooleanField(),
    "muting": serializers.BooleanField(), "muting_notifications": serializers.BooleanField(),
    "domain_blocking": serializers.BooleanField(), "showing_reblogs": serializers.BooleanField(),
    "endorsed": serializers.BooleanField(), "note": serializers.CharField(),
    "subscribing": serializers.BooleanField(), "notifying": serializers.BooleanField(),
}
RelationshipSchema = inline_serializer("Relationship", fields=RELATIONSHIP_FIELDS)
RelationshipListSchema = inline_serializer("Relationship", fields=RELATIONSHIP_FIELDS, many=True)


class RelationshipSerializer(serializers.BaseSerializer):
    """The viewer's Relationship with an account; all accounts of a page in one batch."""

    @classmethod
    def context_for(cls, viewer, accounts, request=None) -> dict:
        return {"relationships": relationship_map(viewer, accounts)}

    def to_representation(self, account):
        return self.context["relationships"].get(account.pk, {})


class MutedAccountSerializer(AccountSerializer):
    """An Account in `GET /api/v1/mutes`: adds `mute_expires_at` (null for a lasting mute)."""

    def to_representation(self, user):
        data = super().to_representation(user)
        expires_at = getattr(user, "mute_expires_at", None)
        data["mute_expires_at"] = format_datetime(expires_at) if expires_at else None
        return data
