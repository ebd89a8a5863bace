"""Following and featuring hashtags, their usage history, and what they add to home."""

from __future__ import annotations

import datetime
import re

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.db.models.functions import TruncDate
from django.utils import timezone

from accounts.models import User
from core import sql
from core.exceptions import NotFound, Unprocessable
from statuses.models import Hashtag, StatusTag
from tags.models import FeaturedTag, FollowedTag

NAME_RE = re.compile(r"^\w{1,256}$")
FEATURED_MAX = 10  # Mastodon's limit per account
HISTORY_DAYS = 7
PUBLIC = ("public", "unlisted", "local")


def tag_url(name: str) -> str:
    return f"{settings.PLEROMA_URL}/tag/{name}"


def normalise_name(name: str | None) -> str:
    """A hashtag name as stored: no `#`, lower case; anything else than word characters is a 422."""
    name = (name or "").strip().lstrip("#").lower()
    if not NAME_RE.match(name) or name.isdigit():
        raise Unprocessable("Validation failed: Name is not a valid hashtag")
    return name


def get_hashtag(name: str) -> Hashtag:
    """A hashtag that exists (someone used or followed it), else 404."""
    try:
        name = normalise_name(name)
    except Unprocessable:
        raise NotFound() from None
    hashtag = Hashtag.objects.filter(name=name).first()
    if hashtag is None:
        raise NotFound()
    return hashtag


def _hashtag_for(name: str) -> Hashtag:
    name = normalise_name(name)
    Hashtag.objects.bulk_create([Hashtag(name=name)], ignore_conflicts=True)
    return Hashtag.objects.get(name=name)


def follow_tag(user: User, name: str) -> Hashtag:
    """Follow a hashtag, creating it if nobody used it yet (idempotent)."""
    hashtag = _hashtag_for(name)
    with transaction.atomic():
        FollowedTag.objects.bulk_create([FollowedTag(user=user, hashtag=hashtag)], ignore_conflicts=True)
    return hashtag


def unfollow_tag(user: User, name: str) -> Hashtag:
    hashtag = get_hashtag(name)
    FollowedTag.objects.filter(user=user, hashtag=hashtag).delete()
    return hashtag


def followed_ids(viewer: User | None, hashtags: list) -> set:
    if viewer is None or not hashtags:
        return set()
    return set(FollowedTag.objects.filter(user=viewer, hashtag__in=hashtags).values_list("hashtag_id", flat=True))


def feature_tag(user: User, name: str) -> FeaturedTag:
    """Feature a hashtag on the profile (at most FEATURED_MAX; featuring twice is a 422, as Mastodon)."""
    hashtag = _hashtag_for(name)
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()  # one count at a time per user
        if FeaturedTag.objects.filter(user=user).count() >= FEATURED_MAX:
            raise Unprocessable(f"Validation failed: You can feature at most {FEATURED_MAX} hashtags")
        try:
            with transaction.atomic():
                return FeaturedTag.objects.create(user=user, hashtag=hashtag)
        except IntegrityError:
            raise Unprocessable("Validation failed: Name has already been taken") from None


def get_own_featured_tag(user: User, featured_id: str) -> FeaturedTag:
    from core import ids

    pk = ids.decode(str(featured_id or ""))
    featured = FeaturedTag.objects.filter(pk=pk, user=user).select_related("hashtag").first() if pk else None
    if featured is None:
        raise NotFound()
    return featured


def unfeature_tag(featured: FeaturedTag) -> None:
    featured.delete()


def featured_usage(user_id, hashtag_ids: list) -> dict:
    """{hashtag id: (statuses count, last status datetime)} of the user's own public posts, one query."""
    if not hashtag_ids:
        return {}
    rows = (StatusTag.objects.filter(hashtag_id__in=hashtag_ids, status__account_id=user_id,
                                     status__visibility__in=PUBLIC)
            .values("hashtag_id").annotate(count=Count("status_id"), last=Max("status__created_at")))
    return {row["hashtag_id"]: (row["count"], row["last"]) for row in rows}


def suggested_tags(user: User, limit: int = 10) -> list[Hashtag]:
    """The hashtags user used most in recent posts and does not feature yet."""
    featured = FeaturedTag.objects.filter(user=user).values("hashtag_id")
    rows = (StatusTag.objects.filter(status__account=user).exclude(hashtag_id__in=featured)
            .values("hashtag_id").annotate(uses=Count("status_id"), last=Max("status__created_at"))
            .order_by("-uses", "-last")[:limit])
    by_id = Hashtag.objects.in_bulk([row["hashtag_id"] for row in rows])
    return [by_id[row["hashtag_id"]] for row in rows if row["hashtag_id"] in by_id]


def history(hashtag_ids: list, *, days: int = HISTORY_DAYS) -> dict:
    """{hashtag id: [{day, uses, accounts}]}: Mastodon's Tag history from local public posts,
    newest day first, the values as strings (one query for every tag)."""
    today = timezone.now().date()
    since = timezone.make_aware(datetime.datetime.combine(today - datetime.timedelta(days=days - 1),
                                                          datetime.time.min), datetime.UTC)
    counts: dict = {}
    if hashtag_ids:
        rows = (StatusTag.objects.filter(hashtag_id__in=hashtag_ids, status__created_at__gte=since,
                                         status__visibility__in=PUBLIC, status__reblog_of__isnull=True)
                .annotate(day=TruncDate("status__created_at", tzinfo=datetime.UTC))
                .values("hashtag_id", "day")
                .annotate(uses=Count("status_id", distinct=True), accounts=Count("status__account_id", distinct=True)))
        counts = {(row["hashtag_id"], row["day"]): (row["uses"], row["accounts"]) for row in rows}
    out = {}
    for pk in hashtag_ids:
        out[pk] = []
        for back in range(days):
            day = today - datetime.timedelta(days=back)
            uses, accounts = counts.get((pk, day), (0, 0))
            stamp = int(datetime.datetime.combine(day, datetime.time.min, datetime.UTC).timestamp())
            out[pk].append({"day": str(stamp), "uses": str(uses), "accounts": str(accounts)})
    return out


def home_source(viewer: User) -> tuple[str, list] | None:
    """statuses.registry.home_sources: public posts with a hashtag the viewer follows (one
    small query to learn which; None when none, so home keeps its per-author plan)."""
    followed = list(FollowedTag.objects.filter(user=viewer).values_list("hashtag_id", flat=True))
    if not followed:
        return None
    membership, values = sql.in_list("st.hashtag_id", followed)
    return (f"(s.visibility IN ('public', 'local') AND s.reblog_of_id IS NULL AND EXISTS"
            f" (SELECT 1 FROM statuses_statustag st WHERE st.status_id = s.id AND {membership}))", values)
