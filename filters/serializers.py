"""The Filter (v2), FilterKeyword, FilterStatus and v1 Filter entities, and reading the
nested `keywords_attributes` parameter in any of the spellings clients send."""

from __future__ import annotations

import re

from rest_framework import serializers

from core import ids
from core.exceptions import Unprocessable
from core.params import parse_bool
from core.renderers import format_datetime
from filters.matching import filter_entity


class FilterKeywordSerializer(serializers.BaseSerializer):
    """The FilterKeyword entity."""

    def to_representation(self, keyword):
        return {"id": ids.encode(keyword.pk), "keyword": keyword.keyword, "whole_word": keyword.whole_word}


class FilterStatusSerializer(serializers.BaseSerializer):
    """The FilterStatus entity."""

    def to_representation(self, row):
        return {"id": ids.encode(row.pk), "status_id": ids.encode(row.status_id)}


class FilterSerializer(serializers.BaseSerializer):
    """The Filter entity (v2) with its keywords and statuses (prefetched)."""

    def to_representation(self, f):
        return {**filter_entity(f),
                "keywords": [FilterKeywordSerializer(k).data for k in f.keywords.all()],
                "statuses": [FilterStatusSerializer(s).data for s in f.statuses.all()]}


class V1FilterSerializer(serializers.BaseSerializer):
    """The v1 Filter entity: one keyword of a filter (its filter selected with it)."""

    def to_representation(self, keyword):
        f = keyword.filter
        return {"id": ids.encode(keyword.pk), "phrase": keyword.keyword, "context": f.contexts,
                "whole_word": keyword.whole_word, "expires_at": format_datetime(f.expires_at),
                "irreversible": f.action == "hide"}


NESTED_KEY = re.compile(r"^(?P<name>\w+)\[(?P<index>\w*)\]\[(?P<field>\w+)\]$")


def nested_attributes(request, name: str) -> list[dict] | None:
    """`name` as a list of dicts: a JSON list or index-keyed object, or the form spellings
    `name[][field]` (the n-th value of each field makes the n-th item) and `name[0][field]`."""
    data = request.data
    if isinstance(data, dict) and name in data and not hasattr(data, "lists"):
        value = data[name]
        if isinstance(value, dict):
            value = [value[k] for k in sorted(value, key=lambda k: (len(str(k)), str(k)))]
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise Unprocessable(f"Invalid {name}")
        return value
    positional: dict[str, list] = {}
    indexed: dict[str, dict] = {}
    found = False
    for source in (request.query_params, data if hasattr(data, "lists") else None):
        if source is None:
            continue
        for key, values in source.lists():
            match = NESTED_KEY.match(key)
            if match is None or match["name"] != name:
                continue
            found = True
            if match["index"]:
                indexed.setdefault(match["index"], {})[match["field"]] = values[-1]
            else:
                positional.setdefault(match["field"], []).extend(values)
    if not found:
        return None
    # `name[][field]`: the n-th value of each field belongs to the n-th item.
    count = max((len(values) for values in positional.values()), default=0)
    items = [{field: values[n] for field, values in positional.items() if n < len(values)}
             for n in range(count)]
    return items + [indexed[k] for k in sorted(indexed, key=lambda k: (len(k), k))]


def keyword_attributes(raw: list[dict]) -> list[dict]:
    """The keys a keyword takes, booleans parsed (the rest of each item ignored)."""
    cleaned = []
    for item in raw:
        attributes = {k: item[k] for k in ("id", "keyword") if k in item}
        if "whole_word" in item:
            attributes["whole_word"] = parse_bool(item["whole_word"])
        attributes["_destroy"] = parse_bool(item.get("_destroy"))
        cleaned.append(attributes)
    return cleaned
