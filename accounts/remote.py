"""Accounts on other servers: their webfinger documents fetched through core.http, and the
forms of a handle (actor documents are federation's, through accounts.registry).

Used for remote interaction and by federation's resolver. A remote server is asked with this
server's own scheme, as Pleroma's WebFinger does (https in production, http between two
instances on loopback in tests).
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

from django.conf import settings

from accounts.models import User
from core import http

SUBSCRIBE_REL = "http://ostatus.org/schema/1.0/subscribe"
ACCT_RE = re.compile(r"^@?(?P<nick>[^@\s/]+)@(?P<host>[^@\s/]+)$")


class RemoteNotFound(Exception):
    """The remote account could not be found or its documents were unusable."""


class RemoteUnreachable(RemoteNotFound):
    """The remote server did not answer (connection error, timeout, 5xx)."""


def _unreachable(exc: http.OutboundError) -> bool:
    message = str(getattr(exc, "message", exc))
    return isinstance(exc, http.RemoteTimeout) or message.startswith("Remote fetch failed") or (
        message.startswith("Remote server answered 5"))


def split_acct(value: str) -> tuple[str, str | None]:
    """`nick`, `@nick`, `nick@host`, `@nick@host` -> (nick, host or None)."""
    value = (value or "").strip()
    match = ACCT_RE.match(value)
    if match:
        return match.group("nick"), match.group("host")
    return value.lstrip("@"), None


def is_local_host(host: str | None) -> bool:
    return host is None or host.lower() == settings.INSTANCE_DOMAIN.lower()


def local_nickname(value: str) -> str | None:
    """The nickname in a nickname, `nick@our.domain` or local actor URL; None for others."""
    value = (value or "").strip()
    prefix = f"{settings.PLEROMA_URL}/users/"
    if value.startswith(prefix):
        nick, host = value[len(prefix):], None
    else:
        nick, host = split_acct(value)
    if not nick or not is_local_host(host):
        return None
    return nick


def local_user(value: str) -> User | None:
    """A live local account named by nickname, `nick@our.domain` or its actor URL."""
    nick = local_nickname(value)
    if nick is None:
        return None
    return User.objects.filter(nickname__iexact=nick, is_deleted=False, is_active=True).first()


def _base(host: str) -> str:
    return f"{urlsplit(settings.PLEROMA_URL).scheme}://{host}"


def finger(nick: str, host: str) -> dict:
    """The JRD of `nick@host`: its subject must name the host that was asked."""
    url = f"{_base(host)}/.well-known/webfinger?resource={quote(f'acct:{nick}@{host}', safe=':@')}"
    try:
        document = http.get_json(url, timeout=10, max_bytes=1_000_000,
                                 headers={"Accept": "application/jrd+json, application/json"})
    except http.OutboundError as exc:
        if _unreachable(exc):
            raise RemoteUnreachable(str(exc)) from exc
        raise RemoteNotFound(str(exc)) from exc
    if not isinstance(document, dict):
        raise RemoteNotFound("webfinger answer is not an object")
    subject = str(document.get("subject") or "")
    _, subject_host = split_acct(subject.removeprefix("acct:"))
    if subject_host is None or subject_host.lower() != host.lower():
        raise RemoteNotFound("webfinger subject names another host")
    return document


def _link(document: dict, rel: str, *, types: tuple[str, ...] = ()) -> dict | None:
    for link in document.get("links") or []:
        if isinstance(link, dict) and link.get("rel") == rel and (
                not types or any(t in str(link.get("type", "")) for t in types)):
            return link
    return None


def subscribe_template(nick: str, host: str) -> str:
    """The remote-follow URL template (`{uri}` placeholder) of an account elsewhere."""
    link = _link(finger(nick, host), SUBSCRIBE_REL)
    template = str(link.get("template") or "") if link else ""
    if "{uri}" not in template:
        raise RemoteNotFound("no subscribe template")
    return template
