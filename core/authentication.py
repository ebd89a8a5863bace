"""Who is calling: bearer token, HTTP Basic, or the `_pleroma_key` cookie (in that order).

An unknown, expired or revoked token authenticates no one and the request goes on as
anonymous, as in Pleroma; endpoints that need a user then refuse with 403
`Invalid credentials.` (see core.permissions).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.utils import timezone
from oauth2_provider.models import AccessToken
from rest_framework import authentication

from core.exceptions import Forbidden

COOKIE_NAMES = ("_pleroma_key", "__Host-pleroma_key", "pleroma_key")


@dataclass(frozen=True)
class BasicCredentials:
    """request.auth for a Basic-authenticated request: no scope limits (as in Pleroma)."""

    scopes: tuple = ()
    via: str = "basic"


def token_checksum(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def lookup_token(raw: str) -> AccessToken | None:
    """The live access token for a raw token string, with its user and app loaded."""
    if not raw or len(raw) > 512:
        return None
    # token_checksum is unique: no ORDER BY (which `.first()` would add, and compile).
    token = next(iter(AccessToken.objects.select_related("user", "application")
                      .filter(token_checksum=token_checksum(raw))[:1]), None)
    if token is None or token.expires < timezone.now():
        return None
    return token


def user_usable(user) -> bool:
    """Pleroma's account-state gate: deactivated or unconfirmed users authenticate no one."""
    return bool(
        user.is_active and not user.is_deleted and user.is_approved
        and (user.is_confirmed or not settings.ACCOUNT_ACTIVATION_REQUIRED)
        and not user.password_reset_pending
    )


def _authenticated(token: AccessToken | None):
    if token is None:
        return None
    if token.user_id is None:
        return (AnonymousUser(), token)  # app-only token: no user endpoints
    if not user_usable(token.user):
        return None
    return (token.user, token)


def bearer_from_request(request) -> str | None:
    raw = request.query_params.get("access_token")
    if raw is None and request.method not in ("GET", "HEAD"):
        try:
            raw = request._request.POST.get("access_token")
        except Exception:  # unreadable body: leave it to the parser to complain
            raw = None
    if raw:
        return raw
    header = request.META.get("HTTP_AUTHORIZATION", "").strip()
    if header[:6].lower() == "bearer":
        rest = header[6:].lstrip(":").strip()
        return rest or None
    return None


class BearerAuthentication(authentication.BaseAuthentication):
    """`access_token` parameter or `Authorization: Bearer <token>`."""

    def authenticate(self, request):
        raw = bearer_from_request(request)
        if raw is None:
            return None
        result = _authenticated(lookup_token(raw))
        if result is None:
            request._pleroma_bad_token = True
        return result

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


def find_user_by_login(login: str):
    User = get_user_model()
    return User.objects.filter(Q(nickname=login) | Q(email__iexact=login)).order_by("-nickname").first()


# Wrong passwords allowed per account and per client address in a window, whatever route
# checks them (password grant, HTTP Basic, the authorize page, the admin login). Only
# failures count, so a client sending Basic credentials on every request is not slowed.
FAILED_LOGINS_PER_ACCOUNT = (15, 60)
FAILED_LOGINS_PER_ADDRESS = (50, 60)


def _login_limits(ip: str, login: str, user) -> list[tuple[str, str, tuple[int, int]]]:
    account = f"user:{user.pk}" if user is not None else f"login:{login.strip().lower()[:200]}"
    return [("failed_login_account", account, FAILED_LOGINS_PER_ACCOUNT),
            ("failed_login_address", ip, FAILED_LOGINS_PER_ADDRESS)]


def check_password_login(login: str, password: str, *, ip: str):
    """The user whose nickname or e-mail and password match, else None.

    Every password login goes through here: past the allowance of failures for the account
    or for the address it raises 429 `Throttled`, even for the right password, until the
    window ends.
    """
    from core import ratelimit

    user = find_user_by_login(login) if login else None
    limits = _login_limits(ip, login, user)
    for name, key, limit in limits:
        ratelimit.refuse_if_exhausted(name, key, limit=limit)
    if user is None or not password or not user.check_password(password):
        for name, key, limit in limits:
            ratelimit.count(name, key, limit=limit)
        return None
    return user


class BasicAuthentication(authentication.BaseAuthentication):
    """HTTP Basic with nickname or e-mail and password; no scope limits."""

    def authenticate(self, request):
        if getattr(request, "_pleroma_bad_token", False):
            return None
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header.startswith("Basic "):
            return None
        try:
            decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
        login, sep, password = decoded.partition(":")
        if not sep:
            return None
        from core.ratelimit import client_ip

        user = check_password_login(login, password, ip=client_ip(request))
        if user is None or not user_usable(user):
            return None
        if user.mfa_enabled:
            raise Forbidden("Two-factor authentication enabled, you must use a access token.")
        return (user, BasicCredentials())


def same_origin(request) -> bool:
    """False when the browser says the request comes from another site."""
    origin = request.META.get("HTTP_ORIGIN")
    if not origin or origin == "null":
        return request.META.get("HTTP_SEC_FETCH_SITE", "same-origin") in ("same-origin", "none")
    ours = urlsplit(settings.PLEROMA_URL)
    theirs = urlsplit(origin)
    host = request.get_host()
    return (theirs.scheme, theirs.netloc) == (ours.scheme, ours.netloc) or theirs.netloc == host


class PleromaCookieAuthentication(authentication.BaseAuthentication):
    """The `_pleroma_key` cookie carrying an OAuth token, so that token's scopes apply.

    Clients send no CSRF token; unsafe methods authenticated by the cookie alone are
    guarded by SameSite=Lax and by refusing a cross-site Origin.
    """

    def authenticate(self, request):
        if "HTTP_AUTHORIZATION" in request.META or request.query_params.get("access_token"):
            return None
        raw = next((request.COOKIES[n] for n in COOKIE_NAMES if request.COOKIES.get(n)), None)
        if raw is None:
            return None
        result = _authenticated(lookup_token(raw))
        if result is None:
            return None
        if request.method not in ("GET", "HEAD", "OPTIONS") and not same_origin(request):
            return None
        return result


def set_token_cookie(response, raw_token: str) -> None:
    """Store an issued token in the `_pleroma_key` cookie, as Pleroma's session does."""
    response.set_cookie(
        "_pleroma_key", raw_token, max_age=settings.OAUTH2_PROVIDER["ACCESS_TOKEN_EXPIRE_SECONDS"],
        httponly=True, samesite="Lax", secure=settings.PLEROMA_HTTPS,
    )


def scopes_of(auth) -> list[str] | None:
    """The scopes a request's credentials carry; None means unlimited (Basic auth)."""
    if isinstance(auth, BasicCredentials):
        return None
    if isinstance(auth, AccessToken):
        return auth.scope.split()
    return []
