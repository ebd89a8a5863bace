"""The few pieces of raw SQL that differ between PostgreSQL and SQLite (the embedded mode).

The hot paths (timelines, the page's viewer query) are written as SQL; these helpers keep
them one text for both databases: a membership test that binds a whole list as one array
parameter on PostgreSQL (one statement text whatever the length, so it can be prepared),
text casts, and parameter values (SQLite keeps UUIDs as 32 hex digits).
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable

from django.db import connection


def postgres() -> bool:
    return connection.vendor == "postgresql"


def value(v):
    """A parameter value as the database stores it."""
    if isinstance(v, uuid.UUID) and not postgres():
        return v.hex
    if isinstance(v, datetime.datetime):
        return connection.ops.adapt_datetimefield_value(v)
    return v


def uuid_literal(pk: uuid.UUID) -> str:
    """A UUID written into the statement (its text is only hex digits and dashes).

    Timeline statements name their viewer this way: PostgreSQL then plans each viewer's
    statement with the viewer known, and the plan it keeps for a prepared statement is the
    index walk that stops after the page (with the viewer as a parameter, its generic plan
    on a small table read every followed status and sorted them).
    """
    pk = pk if isinstance(pk, uuid.UUID) else uuid.UUID(str(pk))
    return f"'{pk}'::uuid" if postgres() else f"'{pk.hex}'"


def in_list(column: str, values: Iterable) -> tuple[str, list]:
    """`column` is one of `values`, as (sql, params)."""
    values = [value(v) for v in values]
    if postgres():
        return f"{column} = ANY(%s)", [values]
    if not values:
        return "1 = 0", []
    return f"{column} IN ({', '.join(['%s'] * len(values))})", values


def text(expression: str) -> str:
    return f"{expression}::text" if postgres() else f"CAST({expression} AS TEXT)"


def tab() -> str:
    """A tab character, to join the fields of a text key."""
    return "chr(9)" if postgres() else "char(9)"


def as_uuid(v) -> uuid.UUID | None:
    """A UUID column read back (SQLite returns its hex digits)."""
    if v is None or isinstance(v, uuid.UUID):
        return v
    return uuid.UUID(v)
