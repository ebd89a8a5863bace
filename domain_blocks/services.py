"""Blocking and unblocking domains, and the questions other code asks about them.

A block hides, from that user, the statuses (timelines, threads, streaming) and the
notifications of the domain's accounts they do not follow (Pleroma's rule), and removes
the domain's accounts from their followers, each told with a Reject of its Follow
(reference/federation.md §6.3: otherwise the domain keeps receiving followers-only posts).
"""

from __future__ import annotations

import re

from django.conf import settings
from django.db import IntegrityError, transaction

from accounts.models import User
from core import sql
from core.exceptions import BadRequest, Unprocessable
from domain_blocks.models import DomainBlock

LABEL = r"(?!-)[a-z0-9-]{1,63}(?<!-)"
DOMAIN_RE = re.compile(rf"^{LABEL}(\.{LABEL})*$")


def normalise_domain(value: str | None) -> str:
    """The host a client names (`Example.COM`, `https://example.com/x`, `*.example.com`
    lose their case, scheme, path and wildcard); junk is a 422."""
    domain = (value or "").strip().lower()
    if not domain:
        raise BadRequest("Missing field: domain.")
    domain = re.sub(r"^[a-z][a-z0-9+.-]*://", "", domain).split("/", 1)[0].split("@")[-1]
    domain = domain.removeprefix("*.").rstrip(".")
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        raise Unprocessable("Validation failed: Domain is not a valid domain") from None
    if len(domain) > 253 or not DOMAIN_RE.match(domain.split(":", 1)[0]):
        raise Unprocessable("Validation failed: Domain is not a valid domain")
    return domain


def block_domain(user: User, domain: str | None) -> DomainBlock:
    """Block a domain (idempotent). This server's own domain cannot be blocked."""
    domain = normalise_domain(domain)
    if domain == settings.INSTANCE_DOMAIN.lower():
        raise Unprocessable("Validation failed: Domain cannot be this server's own domain")
    existing = DomainBlock.objects.filter(user=user, domain=domain).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            block = DomainBlock.objects.create(user=user, domain=domain)
            _remove_followers_from(user, domain)
            return block
    except IntegrityError:  # a concurrent request blocked it first
        return DomainBlock.objects.get(user=user, domain=domain)


def _remove_followers_from(user: User, domain: str) -> None:
    """The domain's accounts stop following `user` (their requests are refused too)."""
    from relationships import follows
    from relationships.models import Follow

    rows = Follow.objects.filter(followed=user, follower__domain__iexact=domain).select_related("follower")
    for row in rows:
        if row.state == Follow.State.ACCEPTED:
            follows.remove_from_followers(user, row.follower)
        else:
            follows.reject_follow_request(user, row.follower)


def unblock_domain(user: User, domain: str | None) -> None:
    DomainBlock.objects.filter(user=user, domain=normalise_domain(domain)).delete()


def blocked_domains(viewer: User | None) -> set[str]:
    if viewer is None:
        return set()
    return set(DomainBlock.objects.filter(user=viewer).values_list("domain", flat=True))


def blocks_domain(viewer: User | None, domain: str | None) -> bool:
    """Whether viewer blocks `domain` or a domain it is a subdomain of (as Mastodon)."""
    if viewer is None or not domain:
        return False
    domain = domain.lower()
    parents = [".".join(domain.split(".")[i:]) for i in range(domain.count(".") + 1)]
    return DomainBlock.objects.filter(user=viewer, domain__in=parents).exists()


def not_blocked_sql(viewer_pk, domain_expression: str) -> str:
    """A SQL condition that `domain_expression` (an account's domain column, NULL for local
    accounts) is not one the viewer blocks: for the timeline statements once accounts have
    a domain (statuses.timelines writes the viewer into its statements the same way)."""
    return (f"({domain_expression} IS NULL OR NOT EXISTS (SELECT 1 FROM domain_blocks_domainblock db"
            f" WHERE db.user_id = {sql.uuid_literal(viewer_pk)} AND db.domain = {domain_expression}))")


def not_hidden_status_sql(viewer: str, alias: str) -> str:
    """statuses.registry.viewer_status_conditions: the status `alias` (or the status it
    reblogs) is not by an account of a domain the viewer blocks, unless the viewer follows
    that account. `viewer` is a SQL literal."""
    return (f"NOT EXISTS (SELECT 1 FROM domain_blocks_domainblock db JOIN accounts_user du ON du.domain = db.domain"
            f" WHERE db.user_id = {viewer} AND du.id IN ({alias}.account_id, {alias}.reblog_of_account_id)"
            f" AND NOT EXISTS (SELECT 1 FROM accounts_follow df WHERE df.follower_id = {viewer}"
            f" AND df.followed_id = du.id AND df.state = 'accept'))")


def refuses_follow(follower: User, target: User) -> bool:
    """relationships.registry.follow_refusals: an account of a domain the target blocks may
    not follow it (Pleroma's deny_follow_blocked)."""
    return bool(follower.domain) and blocks_domain(target, follower.domain)


def hidden_accounts(user: User):
    """notifications.registry.hidden_accounts: ids of the accounts of blocked domains that
    `user` does not follow."""
    from relationships.models import Follow

    followed = Follow.objects.filter(follower=user, state=Follow.State.ACCEPTED).values("followed_id")
    return (User.objects.filter(domain__in=DomainBlock.objects.filter(user=user).values("domain"))
            .exclude(pk__in=followed).values("pk"))


def account_domain(account: User) -> str | None:
    """The server an account lives on, or None for local accounts (all of them, until
    federation gives User a domain)."""
    return getattr(account, "domain", None) or None


def relationship_fields(viewer: User, accounts: list) -> dict:
    """accounts.registry.relationship_parts: `domain_blocking` for each account, one query
    at most (none while every account is local)."""
    domains = {a.pk: account_domain(a) for a in accounts}
    wanted = {d for d in domains.values() if d}
    blocked = set(DomainBlock.objects.filter(user=viewer, domain__in=wanted)
                  .values_list("domain", flat=True)) if wanted else set()
    return {pk: {"domain_blocking": domain in blocked} for pk, domain in domains.items()}
