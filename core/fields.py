"""Serializer fields shared by every app."""

from __future__ import annotations

import datetime

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core import ids
from core.params import parse_bool
from core.renderers import format_datetime


class FlakeIdField(serializers.Field):
    """A FlakeId: base62 string out, any id spelling in (junk is a validation error)."""

    def to_representation(self, value):
        return ids.encode(value) if value is not None else None

    def to_internal_value(self, data):
        value = ids.decode(str(data))
        if value is None:
            raise serializers.ValidationError("Invalid id")
        return value


@extend_schema_field(OpenApiTypes.BOOL)
class BooleanLikeField(serializers.Field):
    """Pleroma's BooleanLike: "0", "false", "off", "" are false, any other value true."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return bool(value)

    def to_internal_value(self, data):
        return parse_bool(data)

    def validate_empty_values(self, data):
        if data is None:
            return (True, False) if not self.required else super().validate_empty_values(data)
        return super().validate_empty_values(data)


class DateTimeField(serializers.Field):
    """Pleroma's datetime: `YYYY-MM-DDTHH:MM:SS.mmmZ`."""

    def to_representation(self, value: datetime.datetime):
        return format_datetime(value)


class StringListField(serializers.ListField):
    """An array given as `x[]=a&x[]=b`, repeated `x`, a JSON list, or a single value."""

    def get_value(self, dictionary):
        name = self.field_name
        if hasattr(dictionary, "getlist"):
            values = dictionary.getlist(name + "[]") or dictionary.getlist(name)
            if values:
                if len(values) == 1 and isinstance(values[0], list):
                    return values[0]
                return values
            return serializers.empty
        value = dictionary.get(name + "[]", dictionary.get(name, serializers.empty))
        if value is serializers.empty or isinstance(value, list):
            return value
        return [value]


class ClearableFileField(serializers.FileField):
    """A file upload where an empty string means "clear it" (becomes None)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(**kwargs)

    def validate_empty_values(self, data):
        if data == "":
            return (True, None)
        return super().validate_empty_values(data)


@extend_schema_field({"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]})
class AnyValueField(serializers.Field):
    """A value that may be a string or a list (scopes, redirect_uris): passed through."""

    def get_value(self, dictionary):
        if hasattr(dictionary, "getlist"):
            values = dictionary.getlist(self.field_name + "[]") or dictionary.getlist(self.field_name)
            if not values:
                return serializers.empty
            return values if len(values) > 1 else values[0]
        return super().get_value(dictionary)

    def to_internal_value(self, data):
        return data

    def to_representation(self, value):
        return value
