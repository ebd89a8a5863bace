"""Query vocabulary for statuses: who may see what, and what the serializer needs loaded.

Visibility (mastodon-base 1.6): public, unlisted and local posts are visible to everyone;
private posts to the author, the author's accepted followers and the mentioned accounts;
direct (and list) posts to the author and the mentioned accounts. Statuses of accounts the
viewer blocks or is blocked by are never shown, nor are those of deactivated accounts.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from core import ids
from core.exceptions import NotFound
from core.render_cache import ForgettingQuerySet

PUBLIC_VISIBILITIES = ("public", "unlisted", "local")


def followed_ids(viewer):
    """Subquery: ids of the accounts `viewer` follows (accepted follows only)."""
    from relationships.models import Follow

    return Follow.objects.filter(follower=viewer, state=Follow.State.ACCEPTED).values("followed_id")


def blocked_ids(viewer):
    """Subqueries: accounts the viewer blocks, and accounts that block the viewer."""
    from relationships.models import Block

    return (Block.objects.filter(blocker=viewer).values("blocked_id"),
            Block.objects.filter(blocked=viewer).values("blocker_id"))


def muted_ids(viewer):
    from relationships.follows import active_mutes  # mutes in force (timed ones expire)

    return active_mutes().filter(muter=viewer).values("muted_id")


def visibility_q(viewer, prefix: str = "") -> Q:
    """The visibility rule as a Q on Status (or on a related status via `prefix`)."""
    public = Q(**{f"{prefix}visibility__in": PUBLIC_VISIBILITIES})
    if viewer is None:
        return public
    from statuses.models import Mention

    pk_ref = OuterRef(prefix.rstrip("_") + "_id" if prefix else "pk")
    mentioned = Exists(Mention.objects.filter(status_id=pk_ref, account_id=viewer.pk))
    return (public
            | Q(**{f"{prefix}account_id": viewer.pk})
            | Q(**{f"{prefix}visibility": "private", f"{prefix}account_id__in": followed_ids(viewer)})
            | (Q(**{f"{prefix}visibility__in": ("private", "direct", "list")}) & mentioned))


class StatusQuerySet(ForgettingQuerySet):
    """`Status.objects.visible_to(viewer).for_api()` and friends; `update()` drops the
    rendered entries of the statuses it changes."""

    render_kind = "s"

    def visible_to(self, viewer):
        """Statuses `viewer` (a User or None) may see.

        A reblog has its original's audience (only public posts, or one's own private
        post, can be reblogged, and visibility never changes), so for reblogs only the
        original's author is checked, through the copied `reblog_of_account`.
        """
        qs = self.filter(visibility_q(viewer), account__is_active=True).filter(
            Q(reblog_of_account__isnull=True) | Q(reblog_of_account__is_active=True))
        if viewer is not None:
            blocks, blockers = blocked_ids(viewer)
            qs = qs.exclude(account_id__in=blocks).exclude(account_id__in=blockers)
            qs = qs.exclude(reblog_of_account_id__in=blocks).exclude(reblog_of_account_id__in=blockers)
        return qs

    def not_muted_by(self, viewer):
        """Hide statuses (and reblogs of statuses) of accounts the viewer mutes."""
        if viewer is None:
            return self
        mutes = muted_ids(viewer)
        return self.exclude(account_id__in=mutes).exclude(reblog_of_account_id__in=mutes)

    def for_api(self):
        """Statuses for a view that renders them and may act on them: with their author, whom
        the actions notify. The entity itself is rendered by id (statuses.rendering, from the
        render cache or one batch of queries), so nothing it shows is joined here."""
        return self.select_related("account")


def get_visible_status(viewer, status_id, *, for_api: bool = True):
    """The status `status_id` (base62 string, UUID or Status) if `viewer` may see it, else 404.

    Missing and invisible give the same answer, so ids leak nothing.
    """
    from statuses.models import Status

    pk = getattr(status_id, "pk", status_id)
    if not hasattr(pk, "int"):
        pk = ids.decode(str(pk)) if pk is not None else None
    if pk is None:
        raise NotFound()
    qs = Status.objects.visible_to(viewer).filter(pk=pk)
    status = (qs.for_api() if for_api else qs).first()
    if status is None:
        raise NotFound()
    return status


def is_visible(viewer, status) -> bool:
    """One status's visibility for viewer, without a query when the answer is plain."""
    from statuses.models import Status

    if status.visibility in PUBLIC_VISIBILITIES and viewer is None:
        return True
    return Status.objects.visible_to(viewer).filter(pk=status.pk).exists()


# -- the same rules as SQL, for the hot paths that skip the ORM (statuses.rendering, timelines) --

ACTIVE_SQL = "EXISTS (SELECT 1 FROM accounts_user au WHERE au.id = {col} AND au.is_active)"


def visible_sql(viewer_pk, alias: str = "s", *, inline: bool = False) -> tuple[str, list]:
    """`visible_to` as a SQL condition on the statuses_status row `alias`, with its params
    (with `inline`, the viewer is written into the condition: core.sql.uuid_literal)."""
    from core import sql

    s = alias
    active = (f"{ACTIVE_SQL.format(col=f'{s}.account_id')} AND ({s}.reblog_of_account_id IS NULL "
              f"OR {ACTIVE_SQL.format(col=f'{s}.reblog_of_account_id')})")
    public = f"{s}.visibility IN ('public', 'unlisted', 'local')"
    if viewer_pk is None:
        return f"({public} AND {active})", []
    audience = (
        f"({public} OR {s}.account_id = %s"
        f" OR ({s}.visibility = 'private' AND EXISTS (SELECT 1 FROM accounts_follow af"
        f" WHERE af.follower_id = %s AND af.followed_id = {s}.account_id AND af.state = 'accept'))"
        f" OR ({s}.visibility IN ('private', 'direct', 'list') AND EXISTS (SELECT 1 FROM statuses_mention sm"
        f" WHERE sm.status_id = {s}.id AND sm.account_id = %s)))")
    blocks = (
        f"NOT EXISTS (SELECT 1 FROM accounts_block ab WHERE"
        f" (ab.blocker_id = %s AND (ab.blocked_id = {s}.account_id OR ab.blocked_id = {s}.reblog_of_account_id))"
        f" OR (ab.blocked_id = %s AND (ab.blocker_id = {s}.account_id OR ab.blocker_id = {s}.reblog_of_account_id)))")
    condition = f"({audience} AND {active} AND {blocks})"
    if inline:
        return condition.replace("%s", sql.uuid_literal(viewer_pk)), []
    return condition, [sql.value(viewer_pk)] * 5


def not_muted_sql(viewer_pk, alias: str = "s", *, inline: bool = False) -> tuple[str, list]:
    """`not_muted_by` as SQL: no statuses (or reblogs of statuses) of accounts muted now."""
    from django.utils import timezone

    from core import sql

    s = alias
    muter = sql.uuid_literal(viewer_pk) if inline else "%s"
    return (f"NOT EXISTS (SELECT 1 FROM accounts_mute am WHERE am.muter_id = {muter}"
            f" AND (am.muted_id = {s}.account_id OR am.muted_id = {s}.reblog_of_account_id)"
            f" AND (am.expires_at IS NULL OR am.expires_at > %s))",
            ([] if inline else [sql.value(viewer_pk)]) + [sql.value(timezone.now())])


def viewer_conditions_sql(viewer_pk, alias: str = "s") -> list[str]:
    """The feature apps' conditions on statuses listed to this viewer
    (statuses.registry.viewer_status_conditions), the viewer written in."""
    from core import sql
    from statuses import registry

    viewer = sql.uuid_literal(viewer_pk)
    return [condition(viewer, alias) for condition in registry.viewer_status_conditions]
