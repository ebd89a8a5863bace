"""Rate limits (on by PLEROMA_RATE_LIMIT_ENABLED, counters in Redis): password grant,
registration, password-checking endpoints, posting, and TOTP brute force."""

from __future__ import annotations

import base64

import pyotp
import pytest

from accounts import services
from tests.factories import PASSWORD, AppFactory, UserFactory


@pytest.fixture(autouse=True)
def limits_on(settings):
    settings.RATE_LIMIT_ENABLED = True


def test_password_grant_guessing_is_throttled(anon):
    app = AppFactory()
    UserFactory(nickname="target")
    statuses = [anon.post("/oauth/token", {"grant_type": "password", "client_id": app.client_id,
                                           "client_secret": app.client_secret, "username": "target",
                                           "password": f"guess{i}"}).status_code for i in range(20)]
    assert statuses[:15] == [400] * 15
    assert statuses[15:] == [429] * 5
    response = anon.post("/oauth/token", {"grant_type": "password", "client_id": app.client_id,
                                          "client_secret": app.client_secret, "username": "target",
                                          "password": PASSWORD})
    assert response.status_code == 429  # even the right password, until the window ends
    assert response.json() == {"error": "Throttled"}
    assert int(response["Retry-After"]) > 0


def test_registration_is_throttled_per_address(anon):
    app = AppFactory()
    token, _ = services.issue_token(app, None, app.scope_list)
    codes = [anon.post("/api/v1/accounts", {"username": f"new{i}", "password": "pw", "agreement": "1",
                                            "email": f"new{i}@example.com"},
                       HTTP_AUTHORIZATION=f"Bearer {token.token}").status_code for i in range(27)]
    assert codes[:25] == [200] * 25
    assert codes[25:] == [429, 429]


@pytest.mark.parametrize("path,extra", [
    ("/api/pleroma/delete_account", {}),
    ("/api/pleroma/disable_account", {}),
    ("/api/pleroma/change_email", {"email": "new@example.com"}),
    ("/api/pleroma/move_account", {"target_account": "nobody"}),
])
def test_password_checking_endpoints_are_throttled(api, path, extra):
    client = api(scopes=["write", "follow", "read"])
    codes = [client.post(path, {"password": f"wrong{i}", **extra}).status_code for i in range(12)]
    assert 429 not in codes[:10]
    assert codes[10:] == [429, 429]


def test_posting_is_throttled(api, settings):
    from core import ratelimit

    ratelimit.LIMITS["status_posting"] = (5, 60)
    try:
        client = api(scopes=["write:statuses"])
        codes = [client.post("/api/v1/statuses", {"status": f"post {i}"}).status_code for i in range(7)]
    finally:
        ratelimit.LIMITS["status_posting"] = (100, 60)
    assert codes == [200] * 5 + [429, 429]


def test_brute_forcing_a_totp_code_is_stopped(anon):
    """POST /oauth/mfa/challenge: after a few wrong codes even the right one is refused."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = UserFactory(nickname="mfauser")
    device = TOTPDevice.objects.create(user=user, name="totp", confirmed=True)
    app = AppFactory()
    first = anon.post("/oauth/token", {"grant_type": "password", "client_id": app.client_id,
                                       "client_secret": app.client_secret, "username": "mfauser",
                                       "password": PASSWORD})
    assert first.status_code == 403 and first.json()["error"] == "mfa_required"
    mfa_token = first.json()["mfa_token"]
    right = pyotp.TOTP(base64.b32encode(device.bin_key).decode()).now()
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    codes = [anon.post("/oauth/mfa/challenge", {"client_id": app.client_id, "client_secret": app.client_secret,
                                                "mfa_token": mfa_token, "challenge_type": "totp",
                                                "code": wrong}).status_code for _ in range(5)]
    assert codes == [400] * 5
    blocked = anon.post("/oauth/mfa/challenge", {"client_id": app.client_id, "client_secret": app.client_secret,
                                                 "mfa_token": mfa_token, "challenge_type": "totp", "code": right})
    assert blocked.status_code == 429
