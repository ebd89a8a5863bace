"""Emoji entities (Pleroma's and Mastodon's shapes) and the input of each pack action."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.exceptions import ApiError
from core.fields import BooleanLikeField
from emoji import registry

# --- output ---------------------------------------------------------------------------------


class CustomEmojiSerializer(serializers.Serializer):
    """Mastodon's CustomEmoji from a registry entry (reference §2.3)."""

    shortcode = serializers.CharField()
    url = serializers.CharField()
    static_url = serializers.CharField()
    visible_in_picker = serializers.BooleanField()
    tags = serializers.ListField(child=serializers.CharField())
    category = serializers.CharField()

    def to_representation(self, entry):
        url = registry.absolute_url(entry["image_url"])
        return {"shortcode": entry["shortcode"], "url": url, "static_url": url,
                "visible_in_picker": True, "tags": list(entry["tags"]),
                "category": ",".join(t for t in entry["tags"] if t != "Custom")}


class PackMetadataSerializer(serializers.Serializer):
    """The `pack` object: stored metadata plus can-download / download-sha256."""

    license = serializers.CharField(required=False)
    homepage = serializers.CharField(required=False)
    description = serializers.CharField(required=False)
    fallback_src = serializers.CharField(required=False)
    share_files = serializers.BooleanField(required=False)

    def get_fields(self):
        fields = super().get_fields()
        fields["fallback-src"] = fields.pop("fallback_src")
        fields["share-files"] = fields.pop("share_files")
        fields["fallback-src-sha256"] = serializers.CharField(required=False)
        fields["can-download"] = serializers.BooleanField(required=False)
        fields["download-sha256"] = serializers.CharField(required=False)
        return fields


class EmojiPackSerializer(serializers.Serializer):
    """A pack as the API shows it: `{files, pack, files_count}` (no name, reference §3.4)."""

    files = serializers.DictField(child=serializers.CharField())
    pack = PackMetadataSerializer()
    files_count = serializers.IntegerField()

    def to_representation(self, rendered):
        return rendered


class EmojiPacksSerializer(serializers.Serializer):
    packs = serializers.DictField(child=EmojiPackSerializer())
    count = serializers.IntegerField()

    def to_representation(self, rendered):
        return rendered


# --- input ----------------------------------------------------------------------------------


def _message(field: str, detail) -> str:
    code = getattr(detail, "code", "")
    if code == "required":
        return f"Missing field: {field}."
    return f"{field} - {detail}"


class Input(serializers.Serializer):
    """Input whose errors read like Pleroma's OpenAPI cast errors (reference §1.3)."""

    def is_valid(self, *, raise_exception=False):
        valid = super().is_valid(raise_exception=False)
        if not valid and raise_exception:
            messages, pointers = [], []
            for field, details in self.errors.items():
                for detail in details if isinstance(details, list) else [details]:
                    messages.append(_message(field, detail))
                    pointers.append({"title": "Invalid value", "source": {"pointer": f"/{field}"},
                                     "message": messages[-1].rstrip(".")})
            raise ApiError(" ".join(messages), status=400, errors=pointers)
        return valid


def text(**kwargs):
    return serializers.CharField(allow_blank=True, trim_whitespace=False, **kwargs)


@extend_schema_field(OpenApiTypes.OBJECT)
class MetadataField(serializers.Field):
    """`metadata` as a JSON object, or multipart `metadata[key]=value` fields."""

    def get_value(self, dictionary):
        if hasattr(dictionary, "getlist"):
            nested = {key[len("metadata["):-1]: dictionary.get(key) for key in dictionary
                      if key.startswith("metadata[") and key.endswith("]")}
            if nested:
                return nested
        return dictionary.get(self.field_name, serializers.empty)

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError("Invalid object.")
        return dict(data)

    def to_representation(self, value):
        return value


class PackNameInput(Input):
    name = text()


# Pages past these are refused (400) rather than turned into offsets no database takes.
MAX_PAGE = 1_000_000
MAX_PAGE_SIZE = 100_000


def page_field(default: int = 1):
    return serializers.IntegerField(required=False, default=default, min_value=0, max_value=MAX_PAGE)


def page_size_field(default: int):
    return serializers.IntegerField(required=False, default=default, min_value=0, max_value=MAX_PAGE_SIZE)


class ShowPackInput(PackNameInput):
    page = page_field()
    page_size = page_size_field(30)


class ListPacksInput(Input):
    page = page_field()
    page_size = page_size_field(50)


class UpdatePackInput(PackNameInput):
    metadata = MetadataField()


class RemotePacksInput(Input):
    url = text()
    page = page_field()
    page_size = page_size_field(30)


class DownloadPackInput(Input):
    url = text()
    name = text()

    def get_fields(self):
        fields = super().get_fields()
        fields["as"] = text(required=False, allow_null=True)
        return fields


@extend_schema_field(OpenApiTypes.BINARY)
class FileOrUrlField(serializers.Field):
    """`file`: an uploaded part, or the URL of an image to fetch."""

    def to_internal_value(self, data):
        if hasattr(data, "read"):
            return data
        if isinstance(data, str) and data.startswith(("http://", "https://")):
            return data
        raise serializers.ValidationError("Invalid value.")

    def to_representation(self, value):
        return str(value)


class AddFileInput(PackNameInput):
    file = FileOrUrlField()
    shortcode = text(required=False)
    filename = text(required=False)


class RenameFileInput(PackNameInput):
    shortcode = text()
    new_shortcode = text()
    new_filename = text()
    force = BooleanLikeField(default=False)


class RemoveFileInput(PackNameInput):
    shortcode = text()
