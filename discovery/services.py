"""The profile directory, follow suggestions, familiar followers, trends and instance activity."""

from __future__ import annotations

import datetime

from django.db.models import Count, F, QuerySet
from django.db.models.functions import TruncWeek
from django.utils import timezone
from oauth2_provider.models import AccessToken

from accounts.models import User
from core import ids
from core.exceptions import NotFound, Unprocessable
from discovery.models import DismissedSuggestion
from relationships.models import Block, Follow
from statuses.models import Hashtag, Status, StatusTag

TREND_DAYS = 7
ACTIVITY_WEEKS = 12
FAMILIAR_MAX = 40


def _shown_to(viewer: User | None, qs: QuerySet) -> QuerySet:
    """Active accounts, minus the viewer's blocks either way."""
    qs = qs.filter(is_active=True, is_deleted=False)
    if viewer is not None:
        qs = qs.exclude(pk__in=Block.objects.filter(blocker=viewer).values("blocked_id")) \
               .exclude(pk__in=Block.objects.filter(blocked=viewer).values("blocker_id"))
    return qs


def directory(viewer: User | None, *, order: str = "active", local: bool = False) -> QuerySet:
    """Accounts that chose to be discoverable: recently active first, or newest (`order=new`);
    only this server's with `local`."""
    qs = _shown_to(viewer, User.objects.filter(discoverable=True))
    if local:
        qs = qs.filter(domain__isnull=True)
    if order == "new":
        return qs.order_by("-created_at", "-id")
    return qs.order_by(F("last_status_at").desc(nulls_last=True), "-id")


def suggestions(viewer: User) -> QuerySet:
    """Accounts the staff suggest (Pleroma's is_suggested) that the viewer does not follow or
    dismissed, newest first."""
    return (_shown_to(viewer, User.objects.filter(is_suggested=True)).exclude(pk=viewer.pk)
            .exclude(pk__in=Follow.objects.filter(follower=viewer).values("followed_id"))
            .exclude(pk__in=DismissedSuggestion.objects.filter(user=viewer).values("account_id"))
            .order_by("-created_at", "-id"))


def dismiss_suggestion(viewer: User, account_id: str) -> None:
    pk = ids.decode(str(account_id or ""))
    account = User.objects.filter(pk=pk, is_deleted=False).first() if pk else None
    if account is None:
        raise NotFound()
    DismissedSuggestion.objects.get_or_create(user=viewer, account=account)


def familiar_followers(viewer: User, account_ids: list[str]) -> list[tuple[str, list[User]]]:
    """For each account, the accounts the viewer follows that follow it (one query)."""
    if len(account_ids) > FAMILIAR_MAX:
        raise Unprocessable(f"At most {FAMILIAR_MAX} ids")
    pks = [ids.decode(str(i)) for i in account_ids]
    known = [pk for pk in pks if pk is not None]
    mine = Follow.objects.filter(follower=viewer, state=Follow.State.ACCEPTED).values("followed_id")
    rows = (Follow.objects.filter(followed_id__in=known, state=Follow.State.ACCEPTED, follower_id__in=mine)
            .filter(follower__is_active=True, follower__is_deleted=False)
            .exclude(follower_id__in=Block.objects.filter(blocker=viewer).values("blocked_id"))
            .select_related("follower").order_by("-id")) if known else []
    found: dict = {}
    for row in rows:
        found.setdefault(row.followed_id, []).append(row.follower)
    return [(str(raw), found.get(pk, []) if pk is not None else []) for raw, pk in zip(account_ids, pks, strict=True)]


def _since(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def trending_tags(*, limit: int, offset: int) -> list[Hashtag]:
    """Hashtags of local public posts of the last week, by how many accounts used them."""
    rows = (StatusTag.objects.filter(status__created_at__gte=_since(TREND_DAYS), status__visibility="public",
                                     status__reblog_of__isnull=True, status__account__is_active=True)
            .values("hashtag_id")
            .annotate(accounts=Count("status__account_id", distinct=True), uses=Count("status_id", distinct=True))
            .order_by("-accounts", "-uses", "hashtag_id")[offset:offset + limit])
    by_id = Hashtag.objects.in_bulk([row["hashtag_id"] for row in rows])
    return [by_id[row["hashtag_id"]] for row in rows if row["hashtag_id"] in by_id]


def trending_statuses(viewer: User | None, *, limit: int, offset: int) -> list[Status]:
    """Public posts of the last week with the most favourites and reblogs."""
    qs = (Status.objects.filter(created_at__gte=_since(TREND_DAYS), visibility="public", reblog_of__isnull=True)
          .visible_to(viewer).annotate(score=F("favourites_count") + F("reblogs_count")).filter(score__gt=0)
          .order_by("-score", "-id").only("id", "reblog_of_id"))
    return list(qs[offset:offset + limit])


def weekly_activity(weeks: int = ACTIVITY_WEEKS) -> list[dict]:
    """Mastodon's instance activity: per week (newest first) local statuses, logins (accounts
    that were issued a token that week) and registrations; the values as strings."""
    now = timezone.now()
    this_week = (now - datetime.timedelta(days=now.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
    starts = [this_week - datetime.timedelta(weeks=i) for i in range(weeks)]
    since = starts[-1]

    def per_week(qs, field: str, counted=None) -> dict:
        rows = qs.filter(**{f"{field}__gte": since}).annotate(week=TruncWeek(field)).values("week")
        rows = rows.annotate(n=Count(counted, distinct=True) if counted else Count("pk"))
        return {row["week"].date(): row["n"] for row in rows}

    statuses = per_week(Status.objects.filter(local=True), "created_at")
    logins = per_week(AccessToken.objects.filter(user__isnull=False), "created", "user_id")
    registrations = per_week(User.objects.all(), "created_at")
    return [{"week": str(int(start.timestamp())), "statuses": str(statuses.get(start.date(), 0)),
             "logins": str(logins.get(start.date(), 0)), "registrations": str(registrations.get(start.date(), 0))}
            for start in starts]
