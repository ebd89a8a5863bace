"""MFA settings (/api/pleroma/accounts/mfa*) and logins with a second factor."""

import base64
import re

import pyotp
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from oauth.models import BackupCode
from tests.factories import PASSWORD, AppFactory


def enable_totp(client) -> pyotp.TOTP:
    """Set up and confirm TOTP through the API; the authenticator for later codes."""
    setup = client.get("/api/pleroma/accounts/mfa/setup/totp").json()
    totp = pyotp.TOTP(setup["key"])
    response = client.post("/api/pleroma/accounts/mfa/confirm/totp",
                           {"password": PASSWORD, "code": totp.now()})
    assert response.status_code == 200, response.json()
    return totp


def later_code(totp: pyotp.TOTP) -> str:
    """The code of the period after the last one used (which cannot be reused). Counted from
    the device's own record, not the clock: a confirmation that crossed a period boundary
    leaves the device a drift, and a clock-based "next" code would then be two ahead."""
    key = base64.b32decode(totp.secret)
    device = next(d for d in TOTPDevice.objects.filter(confirmed=True) if d.bin_key == key)
    return totp.at((device.last_t + 1) * device.step)


def password_grant(anon, app, user):
    return anon.post("/oauth/token", {"grant_type": "password", "client_id": app.client_id,
                                      "client_secret": app.client_secret, "username": user.nickname,
                                      "password": PASSWORD, "scope": "read write"})


class TestMfaSettings:
    """GET /api/pleroma/accounts/mfa"""

    def test_shows_booleans(self, api):
        client = api(scopes=["read", "write"])
        assert client.get("/api/pleroma/accounts/mfa").json() == {"settings": {"enabled": False, "totp": False}}
        enable_totp(client)
        assert client.get("/api/pleroma/accounts/mfa").json() == {"settings": {"enabled": True, "totp": True}}

    def test_refuses_a_token_without_the_scope(self, api):
        response = api(scopes=["write"]).get("/api/pleroma/accounts/mfa")
        assert response.json() == {"error": "Insufficient permissions: read:security."}


class TestSetupTotp:
    """GET /api/pleroma/accounts/mfa/setup/totp"""

    def test_returns_a_secret_and_provisioning_uri(self, api, settings):
        client = api(scopes=["write:security"])
        body = client.get("/api/pleroma/accounts/mfa/setup/totp").json()
        assert re.fullmatch(r"[A-Z2-7]{32}", body["key"])
        email = client.user.email.replace("@", "%40")
        assert body["provisioning_uri"] == (
            f"otpauth://totp/{email}?digits=6&issuer={settings.INSTANCE_NAME}&period=30&secret={body['key']}")
        assert base64.b32decode(body["key"]) == TOTPDevice.objects.get(user=client.user).bin_key

    def test_a_confirmed_device_keeps_working_during_a_new_setup(self, api):
        client = api(scopes=["read", "write"])
        enable_totp(client)
        client.get("/api/pleroma/accounts/mfa/setup/totp")
        assert client.get("/api/pleroma/accounts/mfa").json()["settings"]["enabled"] is True
        assert TOTPDevice.objects.filter(user=client.user).count() == 2

    def test_unknown_method_is_400(self, api):
        response = api(scopes=["write:security"]).get("/api/pleroma/accounts/mfa/setup/sms")
        assert (response.status_code, response.json()) == (400, {"error": "undefined method"})

    def test_refuses_a_token_without_the_scope(self, api):
        response = api(scopes=["read"]).get("/api/pleroma/accounts/mfa/setup/totp")
        assert response.json() == {"error": "Insufficient permissions: write:security."}


class TestConfirmTotp:
    """POST /api/pleroma/accounts/mfa/confirm/totp"""

    def test_wrong_password_and_wrong_code_are_422(self, api):
        client = api(scopes=["write:security"])
        key = client.get("/api/pleroma/accounts/mfa/setup/totp").json()["key"]
        code = pyotp.TOTP(key).now()
        bad_password = client.post("/api/pleroma/accounts/mfa/confirm/totp", {"password": "x", "code": code})
        assert (bad_password.status_code, bad_password.json()) == (422, {"error": "Invalid password."})
        wrong = "000000" if code != "000000" else "111111"
        bad_code = client.post("/api/pleroma/accounts/mfa/confirm/totp", {"password": PASSWORD, "code": wrong})
        assert (bad_code.status_code, bad_code.json()) == (422, {"error": "invalid_token"})
        assert not TOTPDevice.objects.filter(user=client.user, confirmed=True).exists()

    def test_without_setup_is_invalid_token(self, api):
        client = api(scopes=["write:security"])
        response = client.post("/api/pleroma/accounts/mfa/confirm/totp", {"password": PASSWORD, "code": "123456"})
        assert (response.status_code, response.json()) == (422, {"error": "invalid_token"})

    def test_missing_parameters_are_400(self, api):
        client = api(scopes=["write:security"])
        response = client.post("/api/pleroma/accounts/mfa/confirm/totp", {"password": PASSWORD})
        assert (response.status_code, response.json()) == (400, {"error": "undefined mfa method"})


class TestDisableTotp:
    """DELETE /api/pleroma/accounts/mfa/totp"""

    def test_turns_mfa_off_and_keeps_backup_codes(self, api):
        client = api(scopes=["read", "write"])
        enable_totp(client)
        client.get("/api/pleroma/accounts/mfa/backup_codes")
        refused = client.delete("/api/pleroma/accounts/mfa/totp", {"password": "x"}, format="json")
        assert (refused.status_code, refused.json()) == (422, {"error": "Invalid password."})
        response = client.delete("/api/pleroma/accounts/mfa/totp", {"password": PASSWORD}, format="json")
        assert (response.status_code, response.json()) == (200, {})
        assert client.get("/api/pleroma/accounts/mfa").json()["settings"]["enabled"] is False
        assert BackupCode.objects.filter(user=client.user).count() == 5

    def test_unknown_method_is_400(self, api):
        response = api(scopes=["write:security"]).delete("/api/pleroma/accounts/mfa/sms")
        assert response.json() == {"error": "undefined mfa method"}


class TestBackupCodes:
    """GET /api/pleroma/accounts/mfa/backup_codes"""

    def test_returns_new_codes_stored_only_hashed(self, api):
        client = api(scopes=["write:security"])
        first = client.get("/api/pleroma/accounts/mfa/backup_codes").json()["codes"]
        second = client.get("/api/pleroma/accounts/mfa/backup_codes").json()["codes"]
        assert len(second) == 5 and all(re.fullmatch(r"[0-9a-f]{16}", c) for c in second)
        digests = list(BackupCode.objects.filter(user=client.user).values_list("digest", flat=True))
        assert len(digests) == 5
        assert not any(code in digest for code in first + second for digest in digests)

    def test_refuses_a_token_without_the_scope(self, api):
        response = api(scopes=["read"]).get("/api/pleroma/accounts/mfa/backup_codes")
        assert response.json() == {"error": "Insufficient permissions: write:security."}


class TestMfaChallenge:
    """POST /oauth/mfa/challenge"""

    def test_full_password_login_with_a_totp_code(self, api, anon):
        client = api(scopes=["read", "write"])
        totp = enable_totp(client)
        app = AppFactory()
        first = password_grant(anon, app, client.user)
        assert first.status_code == 403
        body = first.json()
        assert body["error"] == "mfa_required" and body["supported_challenge_types"] == "totp"
        response = anon.post("/oauth/mfa/challenge", {
            "client_id": app.client_id, "client_secret": app.client_secret,
            "mfa_token": body["mfa_token"], "challenge_type": "totp", "code": later_code(totp)})
        assert response.status_code == 200, response.json()
        token = response.json()
        assert token["scope"] == "read write" and token["me"] == client.user.ap_id
        me = anon.get("/api/v1/accounts/verify_credentials", HTTP_AUTHORIZATION=f"Bearer {token['access_token']}")
        assert me.json()["username"] == client.user.nickname
        replay = anon.post("/oauth/mfa/challenge", {
            "client_id": app.client_id, "client_secret": app.client_secret,
            "mfa_token": body["mfa_token"], "challenge_type": "totp", "code": totp.now()})
        assert replay.json() == {"error": "Invalid code"}

    def test_a_backup_code_works_once(self, api, anon):
        client = api(scopes=["read", "write"])
        enable_totp(client)
        code = client.get("/api/pleroma/accounts/mfa/backup_codes").json()["codes"][0]
        app = AppFactory()
        results = []
        for _ in range(2):
            mfa_token = password_grant(anon, app, client.user).json()["mfa_token"]
            results.append(anon.post("/oauth/mfa/challenge", {
                "client_id": app.client_id, "client_secret": app.client_secret, "mfa_token": mfa_token,
                "challenge_type": "recovery", "code": code}))
        assert results[0].status_code == 200
        assert (results[1].status_code, results[1].json()) == (400, {"error": "Invalid code"})
        assert BackupCode.objects.filter(user=client.user).count() == 4

    def test_a_replayed_mfa_token_spends_no_recovery_code(self, api, anon):
        client = api(scopes=["read", "write"])
        totp = enable_totp(client)
        first, second = client.get("/api/pleroma/accounts/mfa/backup_codes").json()["codes"][:2]
        app = AppFactory()
        mfa_token = password_grant(anon, app, client.user).json()["mfa_token"]
        params = {"client_id": app.client_id, "client_secret": app.client_secret, "mfa_token": mfa_token}
        done = anon.post("/oauth/mfa/challenge", {**params, "challenge_type": "totp", "code": later_code(totp)})
        replay = anon.post("/oauth/mfa/challenge", {**params, "challenge_type": "recovery", "code": first})
        assert done.status_code == 200
        assert (replay.status_code, replay.json()) == (400, {"error": "Invalid code"})
        assert BackupCode.objects.filter(user=client.user).count() == 5  # `first` still unused
        fresh = password_grant(anon, app, client.user).json()["mfa_token"]
        for code in (first, second):
            response = anon.post("/oauth/mfa/challenge", {**params, "mfa_token": fresh,
                                                          "challenge_type": "recovery", "code": code})
            fresh = password_grant(anon, app, client.user).json()["mfa_token"]
            assert response.status_code == 200
        assert BackupCode.objects.filter(user=client.user).count() == 3

    def test_a_refused_login_spends_no_recovery_code(self, api, anon):
        client = api(scopes=["read", "write"])
        enable_totp(client)
        code = client.get("/api/pleroma/accounts/mfa/backup_codes").json()["codes"][0]
        app = AppFactory()
        mfa_token = password_grant(anon, app, client.user).json()["mfa_token"]
        type(client.user).objects.filter(pk=client.user.pk).update(is_active=False)
        response = anon.post("/oauth/mfa/challenge", {
            "client_id": app.client_id, "client_secret": app.client_secret, "mfa_token": mfa_token,
            "challenge_type": "recovery", "code": code})
        assert (response.status_code, response.json()) == (400, {"error": "Invalid code"})
        assert BackupCode.objects.filter(user=client.user).count() == 5

    def test_every_failure_is_invalid_code(self, api, anon):
        client = api(scopes=["read", "write"])
        totp = enable_totp(client)
        app, other_app = AppFactory(), AppFactory()
        mfa_token = password_grant(anon, app, client.user).json()["mfa_token"]
        good = {"client_id": app.client_id, "client_secret": app.client_secret, "mfa_token": mfa_token,
                "challenge_type": "totp", "code": later_code(totp)}
        for change in ({"mfa_token": "forged"}, {"code": "000000x"}, {"challenge_type": "sms"},
                       {"client_id": other_app.client_id, "client_secret": other_app.client_secret},
                       {"client_secret": "wrong"}, {"challenge_type": "recovery"}):
            response = anon.post("/oauth/mfa/challenge", {**good, **change})
            assert (response.status_code, response.json()) == (400, {"error": "Invalid code"}), change

    def test_wrong_codes_are_rate_limited(self, api, anon, settings):
        client = api(scopes=["read", "write"])
        totp = enable_totp(client)
        settings.RATE_LIMIT_ENABLED = True
        app = AppFactory()
        mfa_token = password_grant(anon, app, client.user).json()["mfa_token"]
        params = {"client_id": app.client_id, "client_secret": app.client_secret, "mfa_token": mfa_token,
                  "challenge_type": "totp"}
        codes = [anon.post("/oauth/mfa/challenge", {**params, "code": "999999"}).status_code for _ in range(5)]
        blocked = anon.post("/oauth/mfa/challenge", {**params, "code": later_code(totp)})
        assert codes == [400] * 5
        assert (blocked.status_code, blocked.json()) == (429, {"error": "Throttled"})


class TestAuthorizePageWithMfa:
    """POST /oauth/authorize for an MFA account"""

    def test_asks_for_the_code_and_accepts_a_backup_code_once(self, api):
        client = api(scopes=["read", "write"])
        enable_totp(client)
        code = client.get("/api/pleroma/accounts/mfa/backup_codes").json()["codes"][0]
        app = AppFactory()
        browser = Client()
        form = {"authorization[client_id]": app.client_id, "authorization[redirect_uri]": app.redirect_uris,
                "authorization[scope]": "read", "authorization[name]": client.user.nickname,
                "authorization[password]": PASSWORD}
        outcomes = []
        for _ in range(2):
            page = browser.post("/oauth/authorize", form)
            mfa_token = re.search(r'name="authorization\[mfa_token\]" value="([^"]+)"', page.content.decode()).group(1)
            answer = browser.post("/oauth/authorize", {**form, "authorization[mfa_token]": mfa_token,
                                                       "authorization[mfa_code]": code})
            outcomes.append(answer.status_code)
        assert outcomes == [200, 401]  # the out-of-band code page, then the code is used up
