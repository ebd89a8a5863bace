"""Account verbs: registration, profile updates, OAuth apps and tokens."""

from __future__ import annotations

import json
import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from oauth2_provider.models import AccessToken, Grant, RefreshToken

from accounts.models import App, User
from core import markup
from core import scopes as scope_rules
from core.exceptions import ApiError, BadRequest, Forbidden

NICKNAME_RE = re.compile(r"^[a-zA-Z\d_-]+$")  # Pleroma's extended_nickname_format
RESERVED_NICKNAMES = {
    ".well-known", "~", "about", "activities", "api", "auth", "check_password", "dev",
    "friend-requests", "inbox", "internal", "main", "media", "nodeinfo", "notice", "oauth",
    "objects", "ostatus_subscribe", "pleroma", "proxy", "push", "registration", "relay",
    "settings", "status", "tag", "user-search", "user_exists", "users", "web",
    "verify_credentials", "update_credentials", "relationships", "search",
    "confirmation_resend", "mfa", "admin", "static",
}
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


# --- OAuth apps and tokens ------------------------------------------------------------------

def create_app(*, name: str, redirect_uris: str, scopes: list[str], website: str | None,
               owner: User | None = None) -> App:
    """Register an OAuth client (POST /api/v1/apps)."""
    return App.objects.create(
        name=name, redirect_uris=redirect_uris, scopes=" ".join(scopes or ["read"]),
        website=website or None, user=owner, client_type=App.CLIENT_CONFIDENTIAL,
        authorization_grant_type=App.GRANT_AUTHORIZATION_CODE, hash_client_secret=False,
        client_id=secrets.token_urlsafe(32), client_secret=secrets.token_urlsafe(32),
    )


def grantable_scopes(app: App, requested: list[str]) -> list[str]:
    """The scopes a token gets: the app's when none are asked, else the asked ones if
    the app allows every one of them."""
    if not requested:
        return app.scope_list
    if not scope_rules.within(requested, app.scope_list):
        raise BadRequest("Invalid credentials")
    return requested


def issue_token(app: App, user: User | None, scopes: list[str]) -> tuple[AccessToken, RefreshToken | None]:
    """A new access token (and refresh token, for users) valid as long as Pleroma's."""
    expires = timezone.now() + timedelta(seconds=settings.OAUTH2_PROVIDER["ACCESS_TOKEN_EXPIRE_SECONDS"])
    with transaction.atomic():
        token = AccessToken.objects.create(user=user, application=app, token=secrets.token_urlsafe(32),
                                           expires=expires, scope=" ".join(scopes))
        refresh = None
        if user is not None:
            refresh = RefreshToken.objects.create(user=user, application=app, access_token=token,
                                                  token=secrets.token_urlsafe(32))
    if user is not None:
        User.objects.filter(pk=user.pk).update(last_active_at=timezone.now())
    return token, refresh


def create_grant(app: App, user: User, redirect_uri: str, scopes: list[str], *,
                 code_challenge: str = "", code_challenge_method: str = "") -> Grant:
    """A single-use authorization code for the authorize page, and the token it stands for.

    The token is issued at login, as Pleroma's session holds it from then on (the page sets
    the `_pleroma_key` cookie with it); exchanging the code hands out that same token, so one
    login makes one session.
    """
    with transaction.atomic():
        token, _ = issue_token(app, user, scopes)
        return Grant.objects.create(
            application=app, user=user, code=secrets.token_urlsafe(32), redirect_uri=redirect_uri,
            scope=" ".join(scopes), claims=json.dumps({"token": token.pk}),
            code_challenge=code_challenge, code_challenge_method=code_challenge_method if code_challenge else "",
            expires=timezone.now() + timedelta(
                seconds=settings.OAUTH2_PROVIDER["AUTHORIZATION_CODE_EXPIRE_SECONDS"]),
        )


def grant_token(grant: Grant) -> tuple[AccessToken | None, RefreshToken | None]:
    """The live token issued with an authorization code (None if revoked meanwhile)."""
    try:
        token_id = json.loads(grant.claims or "{}").get("token")
    except ValueError:
        return None, None
    token = AccessToken.objects.select_related("user", "application").filter(
        pk=token_id, application_id=grant.application_id, user_id=grant.user_id).first()
    if token is None or token.expires < timezone.now():
        return None, None
    return token, RefreshToken.objects.filter(access_token=token).first()


def login_refusal(user: User) -> ApiError | None:
    """Why a user with the right password may still not log in (Pleroma's identifiers)."""
    if not user.is_active or user.is_deleted:
        return Forbidden("Your account is currently disabled", identifier="account_is_disabled")
    if user.password_reset_pending:
        return Forbidden("Password reset is required", identifier="password_reset_required")
    if settings.ACCOUNT_ACTIVATION_REQUIRED and not user.is_confirmed:
        return Forbidden("Your login is missing a confirmed e-mail address",
                         identifier="missing_confirmed_email")
    if not user.is_approved:
        return Forbidden("Your account is awaiting approval.", identifier="awaiting_approval")
    return None


def revoke_token(token: AccessToken) -> None:
    with transaction.atomic():
        RefreshToken.objects.filter(access_token=token).delete()
        token.delete()


# --- registration ---------------------------------------------------------------------------

def _changeset_error(errors: dict[str, list[str]]) -> BadRequest:
    """Pleroma's registration failure: the field->messages map JSON-encoded in `error`."""
    details = {field: [{"error": "ERR_INVALID", "description": m} for m in msgs]
               for field, msgs in errors.items()}
    return BadRequest(json.dumps(errors, separators=(",", ":")), details=details)


def validate_registration(*, nickname: str, email: str | None, password: str) -> None:
    errors: dict[str, list[str]] = {}
    if not nickname:
        errors.setdefault("nickname", []).append("can't be blank")
    elif not NICKNAME_RE.match(nickname) or len(nickname) > 64:
        errors.setdefault("nickname", []).append("has invalid format")
    elif nickname.lower() in RESERVED_NICKNAMES:
        errors.setdefault("nickname", []).append("is reserved")
    elif User.objects.filter(nickname__iexact=nickname).exists():
        errors.setdefault("nickname", []).append("has already been taken")
    if email:
        if not EMAIL_RE.match(email):
            errors.setdefault("email", []).append("has invalid format")
        elif User.objects.filter(email__iexact=email).exists():
            errors.setdefault("email", []).append("has already been taken")
    elif settings.ACCOUNT_ACTIVATION_REQUIRED:
        errors.setdefault("email", []).append("can't be blank")
    if not password:
        errors.setdefault("password", []).append("can't be blank")
    if errors:
        raise _changeset_error(errors)


def register_user(*, nickname: str, password: str, email: str | None = None,
                  display_name: str = "", bio: str = "", reason: str = "",
                  birthday=None, language: str = "", confirmed: bool | None = None,
                  is_admin: bool = False, is_moderator: bool = False) -> User:
    """Create a local account; confirmation and approval follow the instance settings."""
    validate_registration(nickname=nickname, email=email, password=password)
    if confirmed is None:
        confirmed = not settings.ACCOUNT_ACTIVATION_REQUIRED
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                nickname, email or None, password, display_name=display_name or "",
                note=bio or "", note_html=markup.render_bio(bio or ""),
                registration_reason=reason or "", birthday=birthday, language=language or "",
                is_confirmed=confirmed, is_approved=not settings.ACCOUNT_APPROVAL_REQUIRED or is_admin,
                is_admin=is_admin, is_moderator=is_moderator,
            )
    except IntegrityError as exc:
        raise _changeset_error({"nickname": ["has already been taken"]}) from exc
    return user
