"""Account search (GET /api/v1/accounts/search), ranked the way Pleroma ranks it.

Pleroma's User.Search scores each match and then boosts it by the viewer's relationship:
an exact nickname match first (9001), then mutual follows x1.5, accounts the viewer
follows x1.3, the viewer's followers x1.1. Our base score is a prefix match: the nickname
(1.0) over the display name (0.5). Remote accounts (and `resolve=true` webfinger lookups)
come with federation: a `nick@other.host` query matches local display names only.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Case, Exists, F, FloatField, OuterRef, Q, QuerySet, Value, When

from accounts.models import User
from relationships.models import Block, Follow

EXACT = 9001.0


def search_accounts(viewer: User | None, query: str, *, following: bool = False) -> QuerySet:
    """Active local accounts matching `query` by nickname or display-name prefix, best first."""
    term = query.strip().lstrip("@")
    nickname, _, host = term.partition("@")
    ours = host in ("", settings.INSTANCE_DOMAIN)
    if not term:
        return User.objects.none()
    matches = Q(display_name__istartswith=term)
    # local nicknames are `nick`, remote ones `nick@host`: `nick@` alone matches both
    handle = nickname if ours else term
    if handle:
        matches |= Q(nickname__istartswith=handle)
    qs = User.objects.filter(matches, is_active=True, is_deleted=False)
    by_nickname = [When(nickname__iexact=handle, then=Value(EXACT)),
                   When(nickname__istartswith=handle, then=Value(1.0))] if handle else []
    base = Case(*by_nickname, default=Value(0.5), output_field=FloatField())
    if viewer is None:
        return qs.annotate(rank=base).order_by("-rank", "nickname", "id")
    qs = qs.exclude(pk__in=Block.objects.filter(blocker=viewer).values("blocked_id")) \
           .exclude(pk__in=Block.objects.filter(blocked=viewer).values("blocker_id"))
    accepted = Follow.objects.filter(state=Follow.State.ACCEPTED)
    followed = Exists(accepted.filter(follower=viewer, followed=OuterRef("pk")))
    follower = Exists(accepted.filter(followed=viewer, follower=OuterRef("pk")))
    qs = qs.annotate(base=base, followed=followed, follower=follower)
    if following:
        qs = qs.filter(followed=True)
    rank = Case(
        When(base=EXACT, then=F("base")),
        When(followed=True, follower=True, then=F("base") * 1.5),
        When(followed=True, then=F("base") * 1.3),
        When(follower=True, then=F("base") * 1.1),
        default=F("base"), output_field=FloatField())
    return qs.annotate(rank=rank).order_by("-rank", "nickname", "id")
