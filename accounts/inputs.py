"""Input serializers of the account endpoints: they parse, services decide."""

from __future__ import annotations

from rest_framework import serializers

from core.fields import BooleanLikeField, ClearableFileField


class RegisterAccountInput(serializers.Serializer):
    username = serializers.CharField(max_length=64, required=False, allow_blank=True)
    nickname = serializers.CharField(max_length=64, required=False, allow_blank=True)
    password = serializers.CharField(max_length=1024, required=False, allow_blank=True)
    email = serializers.CharField(max_length=254, required=False, allow_blank=True, allow_null=True)
    agreement = BooleanLikeField()
    locale = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    reason = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=5000)
    fullname = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=200)
    bio = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=5000)
    birthday = serializers.DateField(required=False, allow_null=True)
    language = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=16)
    captcha_solution = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    captcha_token = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    captcha_answer_data = serializers.CharField(required=False, allow_null=True, allow_blank=True)


VISIBILITY_CHOICES = ["public", "unlisted", "private", "direct", "local"]


class SourceInput(serializers.Serializer):
    """`source[privacy]`, `source[sensitive]`, `source[language]`: a JSON object `source`
    or bracketed form keys. Keys the references do not document are ignored, as every
    parameter nobody documents (docs/unsupported-parameters.md)."""

    privacy = serializers.ChoiceField(choices=VISIBILITY_CHOICES, required=False)
    sensitive = BooleanLikeField()
    language = serializers.CharField(required=False, allow_blank=True, max_length=16)

    def get_value(self, dictionary):
        value = dictionary.get("source", serializers.empty) if hasattr(dictionary, "get") else serializers.empty
        if isinstance(value, dict):
            return value
        keys = dictionary.keys() if hasattr(dictionary, "keys") else []
        found = {key[len("source["):-1]: dictionary.get(key) for key in keys
                 if key.startswith("source[") and key.endswith("]")}
        return found or serializers.empty



class UpdateCredentialsInput(serializers.Serializer):
    """PATCH /api/v1/accounts/update_credentials: absent fields stay unchanged."""

    display_name = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    note = serializers.CharField(required=False, allow_blank=True, max_length=100_000)
    avatar = ClearableFileField()
    header = ClearableFileField()
    pleroma_background_image = ClearableFileField()
    locked = BooleanLikeField()
    bot = BooleanLikeField()
    discoverable = BooleanLikeField()
    hide_followers = BooleanLikeField()
    hide_follows = BooleanLikeField()
    hide_followers_count = BooleanLikeField()
    hide_follows_count = BooleanLikeField()
    hide_favorites = BooleanLikeField()
    show_role = BooleanLikeField()
    no_rich_text = BooleanLikeField()
    skip_thread_containment = BooleanLikeField()
    allow_following_move = BooleanLikeField()
    accepts_chat_messages = BooleanLikeField()
    show_birthday = BooleanLikeField()
    permit_followback = BooleanLikeField()
    default_scope = serializers.ChoiceField(choices=VISIBILITY_CHOICES, required=False)
    actor_type = serializers.ChoiceField(choices=["Person", "Service", "Group"], required=False)
    avatar_description = serializers.CharField(required=False, allow_blank=True, max_length=1500)
    header_description = serializers.CharField(required=False, allow_blank=True, max_length=1500)
    location = serializers.CharField(required=False, allow_blank=True, max_length=200)
    birthday = serializers.DateField(required=False, allow_null=True)
    language = serializers.CharField(required=False, allow_blank=True, max_length=16)
    pleroma_settings_store = serializers.JSONField(required=False)
    also_known_as = serializers.ListField(child=serializers.CharField(max_length=500), required=False)
    source = SourceInput(required=False)
