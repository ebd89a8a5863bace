"""The list timeline and what lists change in home, as SQL (statuses.timelines' pattern)."""

from __future__ import annotations

from accounts.models import User
from core import sql
from lists.models import List
from statuses import timelines

# Members the owner still follows (accepted or requested): unfollowing hides a member.
MEMBERS = ("SELECT lm.account_id FROM lists_listmember lm WHERE lm.list_id = {list}"
           " AND EXISTS (SELECT 1 FROM accounts_follow lf WHERE lf.follower_id = {owner}"
           " AND lf.followed_id = lm.account_id)")


def list_timeline(viewer: User, lst: List, params) -> tuple[str, list]:
    """Statuses (and reblogs) by the list's members, newest first, with Mastodon's replies
    policy: a reply to someone else shows only when it answers the owner, or a followed
    account (`followed`), or a member (`list`); `none` shows no other replies."""
    conditions = _conditions(viewer.pk, lst)
    return timelines.feature_timeline(viewer, params, conditions, [])


def _conditions(owner_pk, lst: List) -> list[str]:
    """The status `s` is by a member and, when a reply, passes the list's replies policy."""
    me = sql.uuid_literal(owner_pk)
    members = MEMBERS.format(list=sql.uuid_literal(lst.pk), owner=me)
    replies = ["s.in_reply_to_id IS NULL", "s.in_reply_to_account_id = s.account_id",
               f"s.in_reply_to_account_id = {me}"]
    if lst.replies_policy == List.RepliesPolicy.FOLLOWED:
        replies.append(f"s.in_reply_to_account_id IN ({timelines.FOLLOWS.format(viewer=me)})")
    elif lst.replies_policy == List.RepliesPolicy.LIST:
        replies.append(f"s.in_reply_to_account_id IN ({members})")
    return [f"s.account_id IN ({members})", f"({' OR '.join(replies)})"]


def exclusive_members(viewer_literal: str) -> str:
    """statuses.registry.home_author_filters: members of the viewer's exclusive lists stay
    out of home (a condition on accounts_follow.followed_id)."""
    return ("followed_id NOT IN (SELECT lm.account_id FROM lists_listmember lm JOIN lists_list ll"
            f" ON ll.id = lm.list_id WHERE ll.owner_id = {viewer_literal} AND ll.exclusive)")


def lists_showing(owner_pk, list_pks: list, status_pk) -> set:
    """Which of the owner's lists `list_pks` show the status in their timeline (the
    membership and replies-policy conditions of `list_timeline`, for one status)."""
    from django.db import connection

    if not list_pks:
        return set()
    shown = set()
    for lst in List.objects.filter(pk__in=list_pks, owner_id=owner_pk):
        query = "SELECT 1 FROM statuses_status s WHERE s.id = %s AND " + " AND ".join(_conditions(owner_pk, lst))
        with connection.cursor() as cursor:
            cursor.execute(query, [sql.value(status_pk)])  # SQLite binds no UUID objects
            if cursor.fetchone() is not None:
                shown.add(lst.pk)
    return shown
