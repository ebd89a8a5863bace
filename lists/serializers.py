"""The List entity and the inputs of the list endpoints."""

from __future__ import annotations

from rest_framework import serializers

from core import ids
from core.fields import BooleanLikeField, StringListField
from lists.models import List


class ListSerializer(serializers.BaseSerializer):
    """The List entity: id, title, replies_policy, exclusive."""

    def to_representation(self, lst: List) -> dict:
        return {"id": ids.encode(lst.pk), "title": lst.title, "replies_policy": lst.replies_policy,
                "exclusive": lst.exclusive}


class CreateListInput(serializers.Serializer):
    """POST /api/v1/lists"""

    title = serializers.CharField(allow_blank=True, max_length=10_000, trim_whitespace=False)
    replies_policy = serializers.ChoiceField(choices=List.RepliesPolicy.choices, required=False,
                                             default=List.RepliesPolicy.LIST)
    exclusive = BooleanLikeField(default=False)


class UpdateListInput(serializers.Serializer):
    """PUT /api/v1/lists/:id (absent values stay)"""

    title = serializers.CharField(required=False, allow_blank=True, max_length=10_000, trim_whitespace=False)
    replies_policy = serializers.ChoiceField(choices=List.RepliesPolicy.choices, required=False)
    exclusive = BooleanLikeField()


class ListAccountsInput(serializers.Serializer):
    """POST/DELETE /api/v1/lists/:id/accounts"""

    account_ids = StringListField(child=serializers.CharField(max_length=64), max_length=250)
