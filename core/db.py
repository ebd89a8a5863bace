"""Hot raw queries: server-side parameters and prepared statements.

Django's PostgreSQL backend binds parameters on the client and prepares nothing (so that
connection poolers in transaction mode keep working). The few queries every timeline page
runs (statuses.timelines, statuses.rendering) would be planned again on every request that
way, and planning them costs more than running them. `fetch_all` runs such a query with
server-side binding, prepared on the connection (PLEROMA_DB_PREPARE=false turns that off,
for a pooler that cannot carry prepared statements), through Django's cursor wrapper so
that errors, transactions and query logging behave as for any other query.
"""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.db import connection

NEVER_BY_COUNT = 2**31 - 1


@cache
def _cursor_class():
    import psycopg

    class PreparedCursor(psycopg.Cursor):
        def execute(self, query, params=None, *, prepare=None, binary=None):
            return super().execute(query, params, prepare=True if prepare is None else prepare, binary=binary)

    return PreparedCursor


def fetch_all(sql: str, params: list) -> list[tuple]:
    """The rows of a raw SELECT (`%s` placeholders; lists bind as PostgreSQL arrays).

    A prepared statement falls back to one generic plan after five runs, planned without
    its parameters: statements whose best plan depends on whose data they read write the
    viewer into their text instead (core.sql.uuid_literal), as the timelines do.
    """
    if connection.vendor != "postgresql" or not settings.DB_PREPARE:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    # As Django's own cursor() does: a connection kept from an earlier request that fails
    # its health check (the server restarted) is replaced before it is used.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    if connection.connection.prepare_threshold is None:
        # Django turns preparing off on the connection (None); psycopg then ignores
        # prepare=True too. A threshold no other query reaches prepares only these.
        connection.connection.prepare_threshold = NEVER_BY_COUNT
    raw = _cursor_class()(connection.connection)
    wrapped = connection.make_debug_cursor(raw) if connection.queries_logged else connection.make_cursor(raw)
    with wrapped:
        wrapped.execute(sql, params)
        return wrapped.fetchall()
