"""Status extensions: how feature apps add their data to the Status entity.

Dependencies point one way (feature apps -> statuses). A feature app registers a loader
from its AppConfig.ready():

    from statuses import registry
    registry.register(load_events)

A loader renders what every viewer sees: it is called as `loader(None, statuses)` for the
statuses (not reblogs) being rendered into the render cache and returns
`{status.pk: {"field": value, "pleroma": {"key": value}}}`, merged into each status's JSON
(the `pleroma` key one level deep). Loaders must use a fixed number of queries whatever the
page size, and the app must drop the cached entries their output depends on when it
changes (core.render_cache.forget). What depends on the viewer is a ViewerPart
(`register_viewer_part`): its query runs inside the page's one viewer query.
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


class ViewerPart(NamedTuple):
    """What one viewer alone sees of a status (their bookmark, their reaction, their event
    participation), applied over the cached entity, which is rendered as anonymous.

    `rows(viewer, pairs)` returns `(sql, params)`: a SELECT of `(key, kind)` text pairs (kind
    == this part's `kind`), or None when there is nothing to look up; it runs inside the
    page's one viewer query (a UNION ALL) and is only called with a viewer. Its `pairs` are
    `(cached entity, ref)`: a part can skip the statuses whose entity shows nothing it
    would change (no reactions, no event). `apply(viewer, pairs, keys)` is called for every
    page, anonymous ones included (keys then empty), with `(entity, ref)` pairs of the page's
    statuses (reblogs excluded: wrappers copy from the status they reblog) and changes the
    entities in place. A ref has the Status attributes pk, account_id, reblog_of_id,
    quote_id, in_reply_to_id, context_id and visibility.
    """

    kind: str
    rows: Callable[[object, list], object]
    apply: Callable[[object, list, list[str]], None]


viewer_parts: list[ViewerPart] = []


def register_viewer_part(kind: str, rows: Callable, apply: Callable) -> ViewerPart:
    part = ViewerPart(kind, rows, apply)
    viewer_parts[:] = [p for p in viewer_parts if p.kind != kind] + [part]
    return part


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
# `after_receive(status)`: a status of another server was stored (its mentions written),
# inside the storing transaction; the feature apps file it as they file local ones
# (conversations: a direct message into its conversation). Federation calls these.
after_receive: list[Callable[[object], None]] = []
# `status_resolvers(uri) -> Status | None`: the status an object id of another server names,
# fetched and stored when unknown (the remote-interaction page, search with `resolve=true`);
# federation registers one.
status_resolvers: list[Callable[[str], object]] = []


def resolve_remote_status(uri: str):
    """The status of another server `uri` names, through the registered resolvers."""
    for resolve in status_resolvers:
        found = resolve(uri)
        if found is not None:
            return found
    return None


# Status edit refusals (PUT /api/v1/statuses/:id, statuses.services.editing):
# `before_update(status, params)` may refuse the edit by raising an ApiError (events:
# "Use event update route").
before_update: list[Callable[[object, dict], None]] = []

# Custom emoji of a text shown outside the Status entity (a former version in the edit
# history): `emojis_in(text) -> [CustomEmoji entity]`, registered by the emoji app.
text_emojis: list[Callable[[str], list[dict]]] = []

# What happened to a status after it was posted, announced to the apps that tell others
# (federation sends the matching activities). Every hook runs inside the transaction of the
# action, so that what it writes (an outbox row) commits or rolls back with it:
# `before_delete(status)`: the status (or reblog) is about to be deleted, still complete;
# `after_update(status)`: an edit of the status was saved (PUT /api/v1/statuses/:id);
# `after_favourite(account, status, favourite)` / `after_unfavourite(...)`: a Favourite row
# was created / is being removed (the row still carries its id);
# `after_reblog(boost)`: a reblog was created; `after_unreblog(boost)`: one is being removed.
before_delete: list[Callable[[object], None]] = []
after_update: list[Callable[[object], None]] = []
after_favourite: list[Callable[[object, object, object], None]] = []
after_unfavourite: list[Callable[[object, object, object], None]] = []
after_reblog: list[Callable[[object], None]] = []
after_unreblog: list[Callable[[object], None]] = []
# `after_react(account, status, reaction)`: an EmojiReaction row was created;
# `after_unreact(account, status, reaction)`: one is being removed (the row still has its id).
after_react: list[Callable[[object, object, object], None]] = []
after_unreact: list[Callable[[object, object, object], None]] = []
# `after_vote(account, poll, choices)`: `account`'s vote (option indices) was counted in
# `poll`, whose row carries the new counts (a local vote, or a remote one received).
after_vote: list[Callable[[object, object, list[int]], None]] = []
# `after_pin(status)` / `after_unpin(status)`: a status was pinned to / unpinned from its
# author's profile (the featured collection).
after_pin: list[Callable[[object], None]] = []
after_unpin: list[Callable[[object], None]] = []


class StatusFilter(NamedTuple):
    """The viewer's own filters over the statuses they are shown (the filters app).

    `annotate(viewer, entities)` is called once for every page rendered for a viewer (not for
    anonymous pages) with `{pk: Status entity}` (reblogs included, quoted statuses not) and
    sets each entity's `filtered` (Mastodon's FilterResult list) in place, in a fixed number
    of queries. `screen(entity, context)` decides for one entity listed in `context` (home,
    notifications, public, thread, account): the entity to show, its `filtered` narrowed to
    the filters of that context, or None to leave it out of the list.
    """

    annotate: Callable[[object, dict], None]
    screen: Callable[[dict, str], dict | None]


status_filters: list[StatusFilter] = []


def register_status_filter(annotate: Callable, screen: Callable) -> StatusFilter:
    status_filter = StatusFilter(annotate, screen)
    status_filters[:] = [f for f in status_filters if f.annotate is not annotate] + [status_filter]
    return status_filter


# Home timeline extensions (statuses.timelines.home). `home_author_filters`: functions
# viewer-literal -> SQL condition on `followed_id` that keeps a followed account's statuses
# out of home (lists: members of exclusive lists). `home_sources`: functions viewer ->
# (SQL condition on the status `s`, params) or None, statuses home shows besides the
# followed accounts' (tags: statuses with a followed hashtag); None costs the page nothing.
home_author_filters: list[Callable[[str], str]] = []
home_sources: list[Callable[[object], tuple[str, list] | None]] = []


# Conditions every status listed to a logged-in viewer meets (timelines, threads, streaming):
# functions (viewer literal, status alias) -> SQL condition on that statuses_status row
# (domain_blocks: nothing from a blocked domain unless its author is followed).
viewer_status_conditions: list[Callable[[str, str], str]] = []
