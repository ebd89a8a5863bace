"""Input serializers of the statuses endpoints (parse and validate; never save)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.fields import BooleanLikeField, StringListField

MAX_OFFSET = 1_000_000


class PollInput(serializers.Serializer):
    """`poll` of POST /api/v1/statuses (JSON object, or `poll[options][]=` in a form)."""

    options = serializers.ListField(child=serializers.CharField())
    expires_in = serializers.IntegerField()
    multiple = BooleanLikeField(default=False)
    hide_totals = BooleanLikeField(default=False)


@extend_schema_field(PollInput)
class PollParamField(serializers.Field):
    """Documents `poll`; the view reads it from the raw parameters (both encodings) through
    statuses.services.polls.poll_from_params, which gives Pleroma's messages."""

    def get_value(self, dictionary):
        return serializers.empty


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
    poll = PollParamField(required=False)
    scheduled_at = serializers.CharField(required=False, allow_blank=True, allow_null=True,
                                         help_text="ISO 8601, at least 5 minutes ahead")


class MediaAttributeInput(serializers.Serializer):
    """One item of `media_attributes[]` on PUT /api/v1/statuses/:id."""

    id = serializers.CharField()
    description = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    focus = serializers.CharField(required=False, allow_blank=True, allow_null=True)


@extend_schema_field(MediaAttributeInput(many=True))
class MediaAttributesParamField(serializers.Field):
    """Documents `media_attributes[]`; the view reads it from the raw parameters (JSON list
    or form) through statuses.services.editing.media_attributes_from_params."""

    def get_value(self, dictionary):
        return serializers.empty


class UpdateStatusInput(serializers.Serializer):
    """PUT /api/v1/statuses/:id (JSON, form or multipart). `visibility`, `in_reply_to_id`,
    `quote_id` and `to[]` may only repeat the status's current values."""

    status = serializers.CharField(required=False, allow_blank=True, allow_null=True,
                                   trim_whitespace=False, default="")
    spoiler_text = serializers.CharField(required=False, allow_blank=True, allow_null=True, default="")
    sensitive = BooleanLikeField()  # absent: unchanged
    media_ids = StringListField(child=serializers.CharField(), required=False, default=list)
    media_attributes = MediaAttributesParamField(required=False)
    poll = PollParamField(required=False)
    content_type = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    language = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=16)
    visibility = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    in_reply_to_id = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    quote_id = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    quoted_status_id = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    to = StringListField(child=serializers.CharField(), required=False, allow_null=True)


class VoteInput(serializers.Serializer):
    """POST /api/v1/polls/:id/votes"""

    choices = StringListField(child=serializers.CharField(), required=False, default=list)


class RescheduleInput(serializers.Serializer):
    """PUT /api/v1/scheduled_statuses/:id"""

    scheduled_at = serializers.CharField(required=False, allow_blank=True, allow_null=True)


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
    # Out-of-range limits fall back to 20 (as Pleroma); absurd numbers and offsets are 400.
    limit = serializers.IntegerField(required=False, default=20, min_value=-MAX_OFFSET, max_value=MAX_OFFSET)
    offset = serializers.IntegerField(required=False, default=0, min_value=0, max_value=MAX_OFFSET)
