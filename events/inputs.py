"""Input serializers of the event endpoints: they parse, services decide."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.exceptions import BadRequest
from events.models import JoinMode, Participation


@extend_schema_field(OpenApiTypes.DATETIME)
class EventTimeField(serializers.Field):
    """An ISO 8601 date-time; a malformed one is Pleroma's 400 cast error (pleroma-content 1.3)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_internal_value(self, data) -> datetime.datetime | None:
        if data in ("", None):
            return None
        try:
            value = parse_datetime(str(data).strip())
        except ValueError:
            value = None
        if value is None:
            raise BadRequest(f'{self.field_name} - Invalid format. Expected :"date-time".')
        if timezone.is_naive(value):
            value = timezone.make_aware(value, datetime.UTC)
        return value

    def to_representation(self, value):
        return value.isoformat() if value else None


class EnumField(serializers.ChoiceField):
    """A choice whose refusal is Pleroma's `<name> - Invalid value for enum.` (400)."""

    def to_internal_value(self, data):
        if data in ("", None) and not self.required:
            return None
        if str(data) not in self.choices:
            raise BadRequest(f"{self.field_name} - Invalid value for enum.")
        return str(data)


class EditEventInput(serializers.Serializer):
    """PUT (or POST) /api/v1/pleroma/events/:id."""

    name = serializers.CharField(required=False, allow_blank=True, allow_null=True, trim_whitespace=False)
    status = serializers.CharField(required=False, allow_blank=True, allow_null=True,
                                   trim_whitespace=False, help_text="Description, processed like a status body")
    content_type = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    banner_id = serializers.CharField(required=False, allow_blank=True, allow_null=True,
                                      help_text="Id of an uploaded media attachment")
    start_time = EventTimeField(help_text="ISO 8601 date-time")
    end_time = EventTimeField(help_text="ISO 8601 date-time, not before start_time")
    location_id = serializers.CharField(required=False, allow_blank=True, allow_null=True,
                                        help_text="origin_id of a location search result")


class CreateEventInput(EditEventInput):
    """POST /api/v1/pleroma/events."""

    join_mode = EnumField(choices=JoinMode.choices, required=False, allow_null=True)
    language = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=16)


class JoinEventInput(serializers.Serializer):
    """POST /api/v1/pleroma/events/:id/join."""

    participation_message = serializers.CharField(required=False, allow_blank=True, allow_null=True,
                                                  max_length=5000, trim_whitespace=False)


class JoinedEventsInput(serializers.Serializer):
    """GET /api/v1/pleroma/events/joined_events."""

    state = EnumField(choices=Participation.State.choices, required=False, allow_null=True)


class LocationSearchInput(serializers.Serializer):
    """GET /api/v1/pleroma/search/location."""

    q = serializers.CharField(required=False, allow_blank=True, max_length=500)
    locale = serializers.CharField(required=False, allow_blank=True, max_length=35)
    type = EnumField(choices=[("ADMINISTRATIVE", "ADMINISTRATIVE")], required=False, allow_null=True)

    def validate(self, attrs):
        if "q" not in attrs:
            raise BadRequest("Missing field: q.")
        return attrs
