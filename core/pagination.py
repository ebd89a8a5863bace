"""Mastodon pagination: max_id / since_id / min_id / limit on ids, and the Link header.

Keyset only (never OFFSET): the cursor is the id of the row being listed, which for
bookmarks or favourites is the joining row, not the status shown.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple
from urllib.parse import urlencode

from django.conf import settings

from core import ids, sql
from core.db import fetch_all

DEFAULT_LIMIT = 20
MAX_LIMIT = 40
CURSOR_PARAMS = ("max_id", "min_id", "since_id", "order")


def page_limit(request, default: int = DEFAULT_LIMIT, maximum: int = MAX_LIMIT) -> int:
    raw = request.query_params.get("limit") if hasattr(request, "query_params") else None
    try:
        value = int(raw) if raw not in (None, "") else default
    except (TypeError, ValueError):
        return default
    if value <= 0:
        return default
    return min(value, maximum)


def _cursor(request, name: str):
    raw = request.query_params.get(name)
    if not raw:
        return None
    return ids.decode(raw)


def paginate(queryset, request, *, key: str = "id", default: int = DEFAULT_LIMIT,
             maximum: int = MAX_LIMIT) -> list:
    """One page of `queryset`, newest first, keyed on `key` (a FlakeId column)."""
    limit = page_limit(request, default, maximum)
    max_id, since_id, min_id = (_cursor(request, n) for n in ("max_id", "since_id", "min_id"))
    if max_id is not None:
        queryset = queryset.filter(**{f"{key}__lt": max_id})
    if min_id is not None:
        queryset = queryset.filter(**{f"{key}__gt": min_id}).order_by(key)
        return list(reversed(_fetch(queryset, key, limit)))
    if since_id is not None:
        queryset = queryset.filter(**{f"{key}__gt": since_id})
    return _fetch(queryset.order_by(f"-{key}"), key, limit)


def _fetch(queryset, key: str, limit: int) -> list:
    """The first `limit` rows of an ordered queryset.

    A queryset with select_related is fetched as `WHERE pk IN (<the page's keys, LIMIT n>)`:
    the inner query selects no joined columns, so PostgreSQL walks an index in key order and
    stops after `limit` matches, and only the page's rows are joined. Written as one query,
    the planner would join every matching row (a whole home timeline) before it sorts and
    cuts the page, a cost that grows with the table.
    """
    query = queryset.query
    if not query.select_related or query.annotations or query.distinct or query.extra:
        return list(queryset[:limit])
    keys = queryset.values(queryset.model._meta.pk.name)[:limit]
    rows = queryset.model._base_manager.filter(pk__in=keys).order_by(*query.order_by)
    rows.query.select_related = query.select_related
    rows._prefetch_related_lookups = queryset._prefetch_related_lookups
    return list(rows)


def _absolute(request, params: dict) -> str:
    base = f"{settings.PLEROMA_URL}{request.path}"
    return f"{base}?{urlencode(params, doseq=True)}"


def link_header(request, first_cursor: Any, last_cursor: Any) -> str:
    """`Link: <...max_id=last>; rel="next", <...min_id=first>; rel="prev"`."""
    keep = {k: request.query_params.getlist(k) for k in request.query_params
            if k not in CURSOR_PARAMS}
    def enc(c):
        return ids.encode(c) if not isinstance(c, str) else c
    next_url = _absolute(request, {**keep, "max_id": enc(last_cursor)})
    prev_url = _absolute(request, {**keep, "min_id": enc(first_cursor)})
    return f'<{next_url}>; rel="next", <{prev_url}>; rel="prev"'


def set_link(response, request, page: list, cursor: Callable[[Any], Any] = lambda o: o.pk):
    if page:
        response["Link"] = link_header(request, cursor(page[0]), cursor(page[-1]))
    return response


# Markers a raw page query may hold inside a subquery, replaced by the cursor conditions,
# the order and the limit (statuses.timelines.home reads each author's newest statuses).
CURSOR_MARK, ORDER_MARK, LIMIT_MARK = "/*cursor*/", "/*order*/", "/*limit*/"


class PageRow(NamedTuple):
    """A row of a raw page: enough for the serializers (which render by id) and cursors."""

    pk: Any
    reblog_of_id: Any


def paginate_raw(request, query: str, params: list, *, column: str = "s.id",
                 default: int = DEFAULT_LIMIT, maximum: int = MAX_LIMIT) -> list[PageRow]:
    """One page of a raw `SELECT <id>, <reblog_of_id> ... WHERE <conditions>` (no ORDER BY
    or LIMIT), newest first, keyed on `column` (a FlakeId), with the request's cursors."""
    cursors = {name: _cursor(request, name) for name in ("max_id", "since_id", "min_id")}
    statement, values = page_statement(query, params, column=column,
                                       limit=page_limit(request, default, maximum), **cursors)
    rows = [PageRow(sql.as_uuid(pk), sql.as_uuid(reblog_of)) for pk, reblog_of in fetch_all(statement, values)]
    return rows[::-1] if cursors["min_id"] is not None else rows


def page_statement(query: str, params: list, *, limit: int, column: str = "s.id", max_id=None,
                   since_id=None, min_id=None) -> tuple[str, list]:
    """The statement of one page: the cursors added as further conditions (the same way
    `paginate` filters a queryset), the order and the limit. A query that reads a page from
    each of several subqueries marks where their cursor conditions, order and limit go
    (CURSOR_MARK, ORDER_MARK, LIMIT_MARK). With `min_id` the page comes oldest first."""
    conditions, cursor_values = [], []
    if max_id is not None:
        conditions.append(f"{column} < %s")
        cursor_values.append(sql.value(max_id))
    lower = min_id if min_id is not None else since_id
    if lower is not None:
        conditions.append(f"{column} > %s")
        cursor_values.append(sql.value(lower))
    order = "ASC" if min_id is not None else "DESC"
    where = "".join(f" AND {condition}" for condition in conditions)
    values = [*params, *cursor_values]
    if CURSOR_MARK in query:  # the subquery (after the query's own parameters) gets them too
        query = query.replace(CURSOR_MARK, where).replace(ORDER_MARK, order).replace(LIMIT_MARK, str(int(limit)))
        values = [*params, *cursor_values, *cursor_values]
    # The limit is written into the statement: a prepared plan then knows how few rows it
    # needs (a parameter there makes PostgreSQL plan for many, in parallel).
    return f"{query}{where} ORDER BY {column} {order} LIMIT {int(limit)}", values
