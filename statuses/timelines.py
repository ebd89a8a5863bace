"""Timeline queries: home, public, hashtag, an account's statuses, favourites.

Each returns a queryset ordered by the caller's pagination (keyset on the status id, or on
the Favourite id for favourites); the views page and render them.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from accounts.models import Follow, User
from core.params import get_list, parse_bool
from statuses.models import Favourite, MediaAttachment, Status, StatusTag

MASTODON_VISIBILITIES = ("public", "unlisted", "private", "direct", "local", "list")


def apply_filters(qs, params, *, prefix: str = ""):
    """The shared timeline parameters: only_media, local, remote, exclude_visibilities[]."""
    if parse_bool(params.get("only_media")):
        qs = qs.filter(Exists(MediaAttachment.objects.filter(status_id=OuterRef(f"{prefix}pk"))))
    if parse_bool(params.get("local")):
        qs = qs.filter(**{f"{prefix}local": True})
    if parse_bool(params.get("remote")):
        qs = qs.filter(**{f"{prefix}local": False})
    excluded = [v for v in get_list(params, "exclude_visibilities") if v in MASTODON_VISIBILITIES]
    if excluded:
        qs = qs.exclude(**{f"{prefix}visibility__in": excluded})
    return qs


def _muting(qs, viewer, params):
    if viewer is None or parse_bool(params.get("with_muted")):
        return qs
    return qs.not_muted_by(viewer)


def home(viewer: User, params):
    """The viewer's own statuses and those of followed accounts (their reblogs too, unless
    `show_reblogs` is off), newest first.

    Written as `account_id IN (<literal ids>)` so PostgreSQL walks the (account, -id) index
    instead of scanning every status.
    """
    follows = list(Follow.objects.filter(follower=viewer, state=Follow.State.ACCEPTED)
                   .values_list("followed_id", "show_reblogs"))
    authors = [viewer.pk] + [pk for pk, _ in follows]
    no_reblogs = [pk for pk, show in follows if not show]
    qs = Status.objects.filter(account_id__in=authors).visible_to(viewer)
    if no_reblogs:
        qs = qs.exclude(account_id__in=no_reblogs, reblog_of__isnull=False)
    return apply_filters(_muting(qs, viewer, params), params)


def public(viewer: User | None, params):
    """Public posts (and local-only ones for logged-in users); no reblogs."""
    shown = ["public", "local"] if viewer is not None else ["public"]
    qs = Status.objects.filter(visibility__in=shown, reblog_of__isnull=True).visible_to(viewer)
    return apply_filters(_muting(qs, viewer, params), params)


def hashtag(viewer: User | None, tag: str, params):
    """Public posts with `#tag`; `any[]` adds tags, `all[]` requires them, `none[]` excludes them."""
    def tagged(names):
        return Exists(StatusTag.objects.filter(status_id=OuterRef("pk"),
                                               hashtag__name__in=[n.lower() for n in names]))

    names = [tag] + list(get_list(params, "any"))
    shown = ["public", "local"] if viewer is not None else ["public"]
    qs = Status.objects.filter(tagged(names), visibility__in=shown, reblog_of__isnull=True)
    for name in get_list(params, "all"):
        qs = qs.filter(tagged([name]))
    none = list(get_list(params, "none"))
    if none:
        qs = qs.exclude(tagged(none))
    qs = qs.visible_to(viewer)
    return apply_filters(_muting(qs, viewer, params), params)


def account_statuses(viewer: User | None, account: User, params):
    """GET /api/v1/accounts/:id/statuses: pinned, exclude_replies, exclude_reblogs, tagged."""
    qs = Status.objects.filter(account=account).visible_to(viewer)
    if parse_bool(params.get("pinned")):
        qs = qs.filter(pinned_at__isnull=False)
    if parse_bool(params.get("exclude_replies")):
        qs = qs.filter(in_reply_to__isnull=True)
    if parse_bool(params.get("exclude_reblogs")):
        qs = qs.filter(reblog_of__isnull=True)
    tagged = params.get("tagged")
    if tagged:
        qs = qs.filter(Exists(StatusTag.objects.filter(
            status_id=OuterRef("pk"), hashtag__name=str(tagged).lstrip("#").lower())))
    return apply_filters(qs, params)


def favourites(viewer: User | None, owner: User):
    """The Favourite rows of `owner` whose statuses `viewer` may see (cursor: Favourite id)."""
    visible = Status.objects.visible_to(viewer).values("pk")
    return (Favourite.objects.filter(account=owner, status_id__in=visible)
            .select_related("status", "status__account", "status__application",
                            "status__in_reply_to_account"))


def text_search(viewer: User | None, query: str, *, account: User | None = None):
    """Statuses visible to the viewer whose text contains `query` (newest first)."""
    qs = Status.objects.filter(reblog_of__isnull=True).filter(
        Q(content_source__icontains=query) | Q(spoiler_text__icontains=query)).visible_to(viewer)
    if account is not None:
        qs = qs.filter(account=account)
    return qs.order_by("-id")
