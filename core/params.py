"""Reading request parameters the way Pleroma does (booleans, arrays, merged sources)."""

from __future__ import annotations

from typing import Any

_FALSE = {"0", "f", "F", "false", "False", "FALSE", "off", "OFF", ""}


def parse_bool(value: Any, default: bool = False) -> bool:
    """Pleroma's truthy rule (Rails' Boolean): a few spellings are false, all else true."""
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0
    if isinstance(value, list | tuple):
        return parse_bool(value[-1], default) if value else default
    return str(value) not in _FALSE


def get_list(data: Any, name: str) -> list:
    """An array parameter given as `name[]`, repeated `name`, a JSON list or one scalar."""
    if data is None:
        return []
    getlist = getattr(data, "getlist", None)
    if getlist is not None:
        values = getlist(name + "[]") or getlist(name)
        if len(values) == 1 and isinstance(values[0], list):
            return values[0]
        return [v for v in values if v not in (None,)]
    value = data.get(name + "[]", data.get(name))
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return list(value)
    return [value]


def get_int(data: Any, name: str, default: int | None = None) -> int | None:
    value = data.get(name) if data is not None else None
    if value in (None, ""):
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def request_params(request) -> dict:
    """Query string merged under the body (body wins), flattened to scalars or lists."""
    merged: dict[str, Any] = {}
    for source in (request.query_params, getattr(request, "data", None)):
        if source is None:
            continue
        if hasattr(source, "lists"):
            for key, values in source.lists():
                if key.endswith("[]"):
                    merged[key[:-2]] = list(values)
                else:
                    merged[key] = values[-1] if len(values) == 1 else list(values)
        elif isinstance(source, dict):
            for key, value in source.items():
                merged[key[:-2] if key.endswith("[]") else key] = value
    return merged
