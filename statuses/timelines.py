"""Timeline queries: home, public, hashtag, an account's statuses, a thread, favourites.

The status timelines are SQL (`(sql, params)` selecting `s.id, s.reblog_of_id` for
`core.pagination.paginate_raw`; the rules are `statuses.queries.visible_sql` and
`not_muted_sql`, twins of the ORM's `visible_to`): building them with the ORM cost more
than running them. Favourites and search stay querysets (paged on the Favourite id, or by
offset). The views render the pages through statuses.rendering.
"""

from __future__ import annotations

from django.db.models import Q

from accounts.models import User
from core import pagination, sql
from core.db import fetch_all
from core.pagination import PageRow
from core.params import get_list, parse_bool
from statuses import registry
from statuses.models import Favourite, Status
from statuses.queries import not_muted_sql, viewer_conditions_sql, visible_sql

MASTODON_VISIBILITIES = ("public", "unlisted", "private", "direct", "local", "list")


PAGE_COLUMNS = "SELECT s.id, s.reblog_of_id FROM statuses_status s WHERE "


def filters_sql(params) -> tuple[list[str], list]:
    """The shared timeline parameters: only_media, local, remote, exclude_visibilities[]."""
    conditions: list[str] = []
    values: list = []
    if parse_bool(params.get("only_media")):
        conditions.append("EXISTS (SELECT 1 FROM statuses_mediaattachment m WHERE m.status_id = s.id)")
    if parse_bool(params.get("local")):
        conditions.append("s.local")
    if parse_bool(params.get("remote")):
        conditions.append("NOT s.local")
    excluded = [v for v in get_list(params, "exclude_visibilities") if v in MASTODON_VISIBILITIES]
    if excluded:
        condition, condition_values = sql.in_list("s.visibility", excluded)
        conditions.append(f"NOT ({condition})")
        values += condition_values
    return conditions, values


def _page_sql(viewer: User | None, params, conditions: list[str], values: list, *,
              muting: bool = True) -> tuple[str, list]:
    """The page query: the given conditions, visibility, mutes (unless with_muted), filters."""
    visible, visible_values = visible_sql(viewer.pk if viewer is not None else None, inline=True)
    conditions, values = [*conditions, visible], [*values, *visible_values]
    if viewer is not None:
        conditions += viewer_conditions_sql(viewer.pk)
    if muting and viewer is not None and not parse_bool(params.get("with_muted")):
        muted, muted_values = not_muted_sql(viewer.pk, inline=True)
        conditions.append(muted)
        values += muted_values
    extra, extra_values = filters_sql(params)
    return PAGE_COLUMNS + " AND ".join(conditions + extra), values + extra_values


FOLLOWS = "SELECT followed_id FROM accounts_follow WHERE follower_id = {viewer} AND state = 'accept'"
# Up to this many followed accounts the home page is read per author (see `home`).
FEW_FOLLOWS = 20


def home(viewer: User, params) -> tuple[str, list]:
    """The viewer's own statuses and those of followed accounts (their reblogs too, unless
    `show_reblogs` is off), newest first: `(sql, params)` for `paginate_raw`.

    Following many accounts, the followed accounts are an array computed once (an InitPlan)
    and PostgreSQL walks the primary key backwards, stopping after the page. Following few,
    that walk would pass over everyone else's statuses until the page is full (the whole
    table, if they went quiet), so the page is instead the newest statuses of each author
    (the `(account, -id)` index, at most a page per author: `paginate_raw`'s markers put
    the cursor and limit inside) merged. In SQL rather than through the ORM because
    building this query cost more than running it.

    Feature apps change it through statuses.registry: `home_author_filters` hold followed
    accounts back (members of exclusive lists), `home_sources` add statuses of accounts not
    followed (followed hashtags), and then the page is always the primary-key walk.
    """
    me = sql.uuid_literal(viewer.pk)
    follows = FOLLOWS.format(viewer=me)
    # the followed accounts whose statuses home shows (feature apps may hold some back)
    shown = follows + "".join(f" AND {hook(me)}" for hook in registry.home_author_filters)
    sources = [source for source in (hook(viewer) for hook in registry.home_sources) if source]
    if sql.postgres() and viewer.following_count <= FEW_FOLLOWS and not sources:
        query, values = _page_sql(viewer, params, [
            "s.account_id = a.author",
            f"NOT (s.reblog_of_id IS NOT NULL AND s.account_id IN ({follows} AND NOT show_reblogs))"], [])
        authors = f"SELECT {me} AS author UNION SELECT followed_id FROM ({shown}) f"
        return (f"SELECT s.id, s.reblog_of_id FROM ({authors}) a CROSS JOIN LATERAL ("
                f"{query}{pagination.CURSOR_MARK} ORDER BY s.id {pagination.ORDER_MARK}"
                f" LIMIT {pagination.LIMIT_MARK}) s WHERE TRUE", values)
    if sql.postgres():
        def followed(accounts: str) -> str:  # an array, computed once (an InitPlan)
            return f"s.account_id = ANY((SELECT coalesce(array_agg(followed_id), '{{}}') FROM ({accounts}) f)::uuid[])"
    else:
        def followed(accounts: str) -> str:
            return f"s.account_id IN ({accounts})"
    extra = "".join(f" OR {condition}" for condition, _ in sources)
    conditions = [f"(s.account_id = {me} OR {followed(shown)}{extra})",
                  f"NOT (s.reblog_of_id IS NOT NULL AND {followed(follows + ' AND NOT show_reblogs')})"]
    return _page_sql(viewer, params, conditions, [v for _, values in sources for v in values])


def feature_timeline(viewer: User, params, conditions: list[str], values: list) -> tuple[str, list]:
    """A feature app's timeline (lists): its conditions on the status `s` plus visibility,
    the viewer's mutes (unless with_muted) and the shared filters, as `(sql, params)`."""
    return _page_sql(viewer, params, conditions, values)


def public(viewer: User | None, params) -> tuple[str, list]:
    """Public posts (and local-only ones for logged-in users); no reblogs."""
    shown = ["public", "local"] if viewer is not None else ["public"]
    shown_sql, shown_values = sql.in_list("s.visibility", shown)
    return _page_sql(viewer, params, [shown_sql, "s.reblog_of_id IS NULL"], shown_values)


TAGGED = ("EXISTS (SELECT 1 FROM statuses_statustag st JOIN statuses_hashtag h ON h.id = st.hashtag_id"
          " WHERE st.status_id = s.id AND {names})")


def hashtag(viewer: User | None, tag: str, params) -> tuple[str, list]:
    """Public posts with `#tag`; `any[]` adds tags, `all[]` requires them, `none[]` excludes them."""
    conditions: list[str] = []
    values: list = []

    def tagged(names, *, negate: bool = False) -> None:
        membership, names_values = sql.in_list("h.name", [str(n).lower() for n in names])
        conditions.append(("NOT " if negate else "") + TAGGED.format(names=membership))
        values.extend(names_values)

    tagged([tag, *get_list(params, "any")])
    for name in get_list(params, "all"):
        tagged([name])
    none = list(get_list(params, "none"))
    if none:
        tagged(none, negate=True)
    shown, shown_values = sql.in_list("s.visibility", ["public", "local"] if viewer is not None else ["public"])
    return _page_sql(viewer, params, [*conditions, shown, "s.reblog_of_id IS NULL"], [*values, *shown_values])


def account_statuses(viewer: User | None, account: User, params) -> tuple[str, list]:
    """GET /api/v1/accounts/:id/statuses: pinned, exclude_replies, exclude_reblogs, tagged."""
    conditions, values = [f"s.account_id = {sql.uuid_literal(account.pk)}"], []
    if parse_bool(params.get("pinned")):
        conditions.append("s.pinned_at IS NOT NULL")
    if parse_bool(params.get("exclude_replies")):
        conditions.append("s.in_reply_to_id IS NULL")
    if parse_bool(params.get("exclude_reblogs")):
        conditions.append("s.reblog_of_id IS NULL")
    tagged = params.get("tagged")
    if tagged:
        conditions.append("EXISTS (SELECT 1 FROM statuses_statustag st JOIN statuses_hashtag h"
                          " ON h.id = st.hashtag_id WHERE st.status_id = s.id AND h.name = %s)")
        values.append(str(tagged).lstrip("#").lower())
    # An account's own page is not filtered by the viewer's mutes (Pleroma shows it).
    return _page_sql(viewer, params, conditions, values, muting=False)


def favourites(viewer: User | None, owner: User):
    """The Favourite rows of `owner` whose statuses `viewer` may see (cursor: Favourite id)."""
    visible = Status.objects.visible_to(viewer).values("pk")
    return (Favourite.objects.filter(account=owner, status_id__in=visible)
            .select_related("status").only("id", "status__id", "status__reblog_of_id"))


def text_search(viewer: User | None, query: str, *, account: User | None = None):
    """Statuses visible to the viewer whose text contains `query` (newest first)."""
    qs = Status.objects.filter(reblog_of__isnull=True).filter(
        Q(content_source__icontains=query) | Q(spoiler_text__icontains=query)).visible_to(viewer)
    if account is not None:
        qs = qs.filter(account=account)
    return qs.order_by("-id")


def thread(viewer: User | None, status_id) -> tuple[PageRow | None, list[PageRow]]:
    """GET /api/v1/statuses/:id/context: the status (None when the viewer may not see it)
    and the rest of its thread the viewer may see, oldest first, mutes applied."""
    visible, values = visible_sql(viewer.pk if viewer is not None else None, inline=True)
    found = fetch_all(f"SELECT s.id, s.context_id FROM statuses_status s WHERE s.id = %s AND {visible}",
                      [sql.value(status_id), *values])
    if not found:
        return None, []
    pk, context_id = sql.as_uuid(found[0][0]), found[0][1]
    if context_id is None:
        return PageRow(pk, None), []
    conditions = ["s.context_id = %s", "s.reblog_of_id IS NULL", "s.id <> %s", visible]
    values = [context_id, sql.value(pk), *values]
    if viewer is not None:
        muted, muted_values = not_muted_sql(viewer.pk, inline=True)
        conditions.append(muted)
        values += muted_values
        conditions += viewer_conditions_sql(viewer.pk)
    rows = fetch_all(f"{PAGE_COLUMNS}{' AND '.join(conditions)} ORDER BY s.id", values)
    return PageRow(pk, None), [PageRow(sql.as_uuid(a), sql.as_uuid(b)) for a, b in rows]


def quotes(viewer: User | None, status_pk) -> tuple[str, list]:
    """GET /api/v1/pleroma/statuses/:id/quotes: the statuses quoting `status_pk` that the
    viewer may see, mutes applied (the `(quote, -id)` index walks them newest first)."""
    return _page_sql(viewer, {}, [f"s.quote_id = {sql.uuid_literal(status_pk)}",
                                  "s.reblog_of_id IS NULL"], [])
