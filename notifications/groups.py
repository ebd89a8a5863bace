"""Grouped notifications (Mastodon 4.3's /api/v2/notifications).

Favourites and reblogs of one status, and follows, made within the same 12 hours share a
`group_key` (`favourite-<status id>-<bucket>`, `follow-<bucket>`); every other notification
is its own group, `ungrouped-<id>` (as v1's `group_key`). The key is computed, not stored: a
page reads a window of notifications in one query and groups them in order, so a group's
`notifications_count` and `sample_account_ids` count what that window holds of it.
"""

from __future__ import annotations

import datetime
import re

from django.db.models import QuerySet

from core import ids, pagination
from core.exceptions import NotFound
from core.renderers import format_datetime
from notifications.models import Notification

GROUPABLE = ("favourite", "reblog", "follow")
GROUP_SPAN = 12 * 3600  # seconds (Mastodon's MAXIMUM_GROUP_SPAN_HOURS)
DEFAULT_LIMIT, MAX_LIMIT = 40, 80
WINDOW_FACTOR = 4  # notifications read per group wanted
SAMPLE_ACCOUNTS = 8
KEY = re.compile(r"^(?:ungrouped-(?P<id>[0-9A-Za-z]+)|(?P<type>favourite|reblog)-(?P<status>[0-9A-Za-z]+)-(?P<b1>\d+)"
                 r"|follow-(?P<b2>\d+))$")


def group_key(n: Notification, grouped: tuple[str, ...] = GROUPABLE) -> str:
    if n.type not in grouped or n.type not in GROUPABLE:
        return f"ungrouped-{ids.encode(n.pk)}"
    bucket = int(n.created_at.timestamp()) // GROUP_SPAN
    if n.type == "follow":
        return f"follow-{bucket}"
    if n.status_id is None:
        return f"ungrouped-{ids.encode(n.pk)}"
    return f"{n.type}-{ids.encode(n.status_id)}-{bucket}"


class Group:
    """The notifications of one group a page holds, newest first."""

    def __init__(self, key: str) -> None:
        self.key = key
        self.notifications: list[Notification] = []

    @property
    def latest(self) -> Notification:
        return self.notifications[0]

    def account_ids(self) -> list:
        return list(dict.fromkeys(n.account_id for n in self.notifications))

    def entity(self) -> dict:
        latest = self.latest
        data = {
            "group_key": self.key,
            "notifications_count": len(self.notifications),
            "type": latest.type,
            "most_recent_notification_id": ids.encode(latest.pk),
            "page_min_id": ids.encode(self.notifications[-1].pk),
            "page_max_id": ids.encode(latest.pk),
            "latest_page_notification_at": format_datetime(latest.created_at),
            "sample_account_ids": [ids.encode(pk) for pk in self.account_ids()[:SAMPLE_ACCOUNTS]],
        }
        if latest.status_id:
            data["status_id"] = ids.encode(latest.status_id)
        if latest.type == "pleroma:emoji_reaction":
            data["emoji"], data["emoji_url"] = latest.emoji, latest.emoji_url
        if latest.type == "move" and latest.target_id:
            data["target_id"] = ids.encode(latest.target_id)
        return data


def group(notifications: list[Notification], grouped: tuple[str, ...], limit: int | None = None) -> list[Group]:
    """The groups of `notifications` (newest first), stopping where a group past `limit`
    would start: every notification before that point is in the groups returned, so the
    page's oldest one is a cursor that skips nothing."""
    groups: dict[str, Group] = {}
    for n in notifications:
        key = group_key(n, grouped)
        if key not in groups and limit is not None and len(groups) == limit:
            break
        groups.setdefault(key, Group(key)).notifications.append(n)
    return list(groups.values())


def page_of_groups(queryset: QuerySet, request, grouped: tuple[str, ...]) -> list[Group]:
    """Up to `limit` groups from a window of the newest (or cursor-bounded) notifications."""
    limit = pagination.page_limit(request, DEFAULT_LIMIT, MAX_LIMIT)
    window = _WindowRequest(request, limit * WINDOW_FACTOR)
    rows = pagination.paginate(queryset, window, default=limit * WINDOW_FACTOR, maximum=MAX_LIMIT * WINDOW_FACTOR)
    return group(rows, grouped, limit)


class _WindowRequest:
    """The request with its `limit` replaced by the window's size."""

    def __init__(self, request, size: int) -> None:
        params = request.query_params.copy()
        params["limit"] = str(size)
        self.query_params = params


def notifications_of(queryset: QuerySet, key: str) -> QuerySet:
    """The notifications of the group named `key` (404 for a key no group can have)."""
    match = KEY.match(key or "")
    if match is None:
        raise NotFound()
    if match["id"]:
        pk = ids.decode(match["id"])
        if pk is None:
            raise NotFound()
        return queryset.filter(pk=pk)
    bucket = int(match["b1"] or match["b2"])
    if bucket > 10**9:
        raise NotFound()
    start = datetime.datetime.fromtimestamp(bucket * GROUP_SPAN, tz=datetime.UTC)
    span = queryset.filter(created_at__gte=start, created_at__lt=start + datetime.timedelta(seconds=GROUP_SPAN))
    if match["b2"]:
        return span.filter(type="follow")
    status_pk = ids.decode(match["status"])
    if status_pk is None:
        raise NotFound()
    return span.filter(type=match["type"], status_id=status_pk)
