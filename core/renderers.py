"""JSON rendering with orjson: `application/json; charset=utf-8`, UUIDs and dates native."""

import datetime
import uuid

import orjson
from rest_framework.renderers import JSONRenderer as _DRFJSONRenderer

from core import ids


def _default(value):
    if isinstance(value, uuid.UUID):
        return ids.encode(value)
    if isinstance(value, datetime.datetime):
        return format_datetime(value)
    if hasattr(value, "__str__"):
        return str(value)
    raise TypeError


def format_datetime(value: datetime.datetime | None) -> str | None:
    """Pleroma's timestamp: RFC 3339 UTC with milliseconds and Z."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(datetime.UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def dumps(data) -> bytes:
    return orjson.dumps(data, default=_default, option=orjson.OPT_PASSTHROUGH_DATETIME)


class JSONRenderer(_DRFJSONRenderer):
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        return dumps(data)
