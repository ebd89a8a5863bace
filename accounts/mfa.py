"""Multi-factor login: TOTP devices (django-otp) and the `mfa_token` of the password grant."""

from __future__ import annotations

from django.core import signing
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.exceptions import ApiError

MFA_TOKEN_SALT = "pleroma_py.mfa_token"
MFA_TOKEN_MAX_AGE = 15 * 60


def is_enabled(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def make_mfa_token(user, app, scopes: list[str]) -> str:
    """A signed, expiring token that names the half-finished login."""
    return signing.dumps({"u": str(user.pk), "a": app.pk, "s": scopes}, salt=MFA_TOKEN_SALT)


def read_mfa_token(value: str) -> dict | None:
    try:
        return signing.loads(value, salt=MFA_TOKEN_SALT, max_age=MFA_TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None


def challenge_required(user, app, scopes: list[str]) -> ApiError:
    """Pleroma's answer to a password grant when MFA is on."""
    return ApiError("mfa_required", status=403, mfa_token=make_mfa_token(user, app, scopes),
                    supported_challenge_types="totp")


def verify_code(user, code: str) -> bool:
    """A TOTP code of a confirmed device, or an unused backup code (then used up)."""
    from django_otp.plugins.otp_static.models import StaticDevice

    code = code.strip().replace(" ", "")
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        if device.verify_token(code):
            return True
    for device in StaticDevice.objects.filter(user=user, confirmed=True):
        if device.verify_token(code):
            return True
    return False
