"""Input serializers of the statuses endpoints (parse and validate; never save)."""

from __future__ import annotations

from rest_framework import serializers

from core.fields import BooleanLikeField, StringListField


class CreateStatusInput(serializers.Serializer):
    """POST /api/v1/statuses (JSON, form or multipart)."""

    status = serializers.CharField(required=False, allow_blank=True, allow_null=True,
                                   trim_whitespace=False, default="")
    media_ids = StringListField(child=serializers.CharField(), required=False, default=list)
    sensitive = BooleanLikeField()  # absent: the author's default (preferences)
    spoiler_text = serializers.CharField(required=False, allow_blank=True, allow_null=True, default="")
    visibility = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    in_reply_to_id = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    content_type = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    language = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    expires_in = serializers.IntegerField(required=False, allow_null=True)
    preview = BooleanLikeField(default=False)
    to = StringListField(child=serializers.CharField(), required=False, allow_null=True)
    quote_id = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    quoted_status_id = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    in_reply_to_conversation_id = serializers.CharField(required=False, allow_blank=True,
                                                        allow_null=True)


class ReblogInput(serializers.Serializer):
    """POST /api/v1/statuses/:id/reblog"""

    visibility = serializers.CharField(required=False, allow_blank=True, allow_null=True)


class UploadMediaInput(serializers.Serializer):
    """POST /api/v1/media, /api/v2/media (multipart)."""

    file = serializers.FileField(allow_empty_file=True)
    description = serializers.CharField(required=False, allow_blank=True, allow_null=True, default="")
    focus = serializers.CharField(required=False, allow_blank=True, allow_null=True)


class UpdateMediaInput(serializers.Serializer):
    """PUT /api/v1/media/:id"""

    description = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    focus = serializers.CharField(required=False, allow_blank=True, allow_null=True)


class SearchInput(serializers.Serializer):
    """GET /api/v2/search, /api/v1/search"""

    q = serializers.CharField(required=False, allow_blank=True, default="")
    type = serializers.ChoiceField(choices=["accounts", "statuses", "hashtags"], required=False,
                                   allow_null=True, allow_blank=True)
    resolve = BooleanLikeField(default=False)
    following = BooleanLikeField(default=False)
    account_id = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    limit = serializers.IntegerField(required=False, default=20)
    offset = serializers.IntegerField(required=False, default=0, min_value=0)
