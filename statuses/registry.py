"""Status extensions: how feature apps add their data to the Status entity.

Dependencies point one way (feature apps -> statuses). A feature app registers a loader
from its AppConfig.ready():

    from statuses import registry
    registry.register(load_events)

A loader is called once per rendered page as `loader(viewer, statuses)` (viewer may be
None; statuses are every Status object rendered on the page, reblogged and quoted ones
included) and returns `{status.pk: {"field": value, "pleroma": {"key": value}}}`. The
serializer merges the dict into each status's JSON (the `pleroma` key merged one level
deep). Loaders must use a fixed number of queries whatever the page size. A loader that
only looks up the viewer's own rows can register with `register_keyed` instead: its query
then runs inside the serializer's viewer query (see KeyedLoader) and costs no round trip.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

Loader = Callable[[object, list], dict]

loaders: list[Loader] = []


def register(loader: Loader) -> Loader:
    if loader not in loaders:
        loaders.append(loader)
    return loader


def load_all(viewer, statuses: list) -> list[dict]:
    return [loader(viewer, statuses) for loader in loaders]


class KeyedLoader(NamedTuple):
    """A loader whose query joins the page's viewer query (one UNION ALL round trip).

    `rows(viewer, statuses)` returns a queryset of `(key, kind)` text pairs (kind == this
    loader's `kind`), or None when there is nothing to look up; it is only called with a
    viewer. `build(viewer, statuses, keys)` turns the keys found (an empty list for an
    anonymous viewer) into the same `{status.pk: extension}` dict as a plain loader.
    """

    kind: str
    rows: Callable[[object, list], object]
    build: Callable[[object, list, list[str]], dict]


keyed_loaders: list[KeyedLoader] = []


def register_keyed(kind: str, rows: Callable, build: Callable) -> KeyedLoader:
    loader = KeyedLoader(kind, rows, build)
    keyed_loaders[:] = [k for k in keyed_loaders if k.kind != kind] + [loader]
    return loader


def merge_into(data: dict, extension: dict | None) -> dict:
    if not extension:
        return data
    for key, value in extension.items():
        if key == "pleroma" and isinstance(value, dict):
            data.setdefault("pleroma", {}).update(value)
        else:
            data[key] = value
    return data


# Status creation hooks (POST /api/v1/statuses and every service that posts).
# `before_create(author, params) -> dict` may return overrides of create_status's keyword
# arguments (conversations turns `in_reply_to_conversation_id` into `visibility="direct"`
# and explicit recipients); `after_create(status, params)` runs inside the creating
# transaction (conversations files the direct status into its conversation).
before_create: list[Callable[[object, dict], dict]] = []
after_create: list[Callable[[object, dict], None]] = []
