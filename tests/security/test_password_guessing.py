"""Password guessing through every route that checks a password: HTTP Basic on any API
route, the Django admin login, the password grant and the authorize page share one limit of
failed attempts per account and per address; once it is spent even the right password fails."""

from __future__ import annotations

import base64

import pytest

from tests.factories import PASSWORD, AppFactory, UserFactory

WRONG_ATTEMPTS = 40


@pytest.fixture(autouse=True)
def limits_on(settings):
    settings.RATE_LIMIT_ENABLED = True
    # A fast hash: these tests check a password some fifty times each.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def fast_user(**fields):
    from django.contrib.auth.hashers import make_password

    return UserFactory(password=make_password(PASSWORD), **fields)


def basic(login: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{login}:{password}".encode()).decode()


class TestBasicAuthentication:
    """Authorization: Basic on GET /api/v1/accounts/verify_credentials"""

    def test_guessing_is_throttled_and_then_the_right_password_is_refused(self, anon):
        fast_user(nickname="target")
        codes = [anon.get("/api/v1/accounts/verify_credentials",
                          HTTP_AUTHORIZATION=basic("target", f"guess{i}")).status_code
                 for i in range(WRONG_ATTEMPTS)]
        assert codes[:15] == [403] * 15
        assert set(codes[15:]) == {429}
        response = anon.get("/api/v1/accounts/verify_credentials", HTTP_AUTHORIZATION=basic("target", PASSWORD))
        assert response.status_code == 429
        assert response.json() == {"error": "Throttled"}
        assert int(response["Retry-After"]) > 0

    def test_the_right_password_works_and_successes_do_not_count(self, anon):
        fast_user(nickname="legit")
        for _ in range(20):
            response = anon.get("/api/v1/accounts/verify_credentials", HTTP_AUTHORIZATION=basic("legit", PASSWORD))
            assert response.status_code == 200
        assert response.json()["username"] == "legit"

    def test_the_limit_is_per_account_across_addresses(self, anon):
        fast_user(nickname="target")
        for i in range(15):
            anon.get("/api/v1/accounts/verify_credentials", HTTP_AUTHORIZATION=basic("target", f"x{i}"),
                     REMOTE_ADDR=f"10.0.0.{i}")
        response = anon.get("/api/v1/accounts/verify_credentials", HTTP_AUTHORIZATION=basic("target", PASSWORD),
                            REMOTE_ADDR="10.0.1.1")
        assert response.status_code == 429

    def test_the_limit_is_per_address_across_accounts(self, anon):
        for i in range(50):
            anon.get("/api/v1/accounts/verify_credentials", HTTP_AUTHORIZATION=basic(f"user{i}", "x"),
                     REMOTE_ADDR="10.9.9.9")
        fast_user(nickname="other")
        refused = anon.get("/api/v1/accounts/verify_credentials", HTTP_AUTHORIZATION=basic("other", PASSWORD),
                           REMOTE_ADDR="10.9.9.9")
        assert refused.status_code == 429
        elsewhere = anon.get("/api/v1/accounts/verify_credentials", HTTP_AUTHORIZATION=basic("other", PASSWORD),
                             REMOTE_ADDR="10.9.9.10")
        assert elsewhere.status_code == 200

    def test_failures_over_basic_also_lock_the_password_grant(self, anon):
        fast_user(nickname="target")
        app = AppFactory()
        for i in range(15):
            anon.get("/api/v1/accounts/verify_credentials", HTTP_AUTHORIZATION=basic("target", f"x{i}"))
        response = anon.post("/oauth/token", {"grant_type": "password", "client_id": app.client_id,
                                              "client_secret": app.client_secret, "username": "target",
                                              "password": PASSWORD})
        assert response.status_code == 429


def test_password_rechecks_of_the_mfa_routes_stay_throttled(api):
    """DELETE /api/v1/pleroma/accounts/mfa/totp: past the re-check limit, 429 (not 422)."""
    client = api(scopes=["write:security"])
    codes = [client.delete(f"/api/v1/pleroma/accounts/mfa/totp?password=wrong{i}").status_code
             for i in range(12)]
    assert codes[:10] == [422] * 10
    assert codes[10:] == [429, 429]


class TestAdminLogin:
    """POST /admin/login/"""

    def test_guessing_is_throttled_and_then_the_right_password_is_refused(self, client):
        fast_user(nickname="boss", is_admin=True)
        codes = [client.post("/admin/login/", {"username": "boss", "password": f"guess{i}"}).status_code
                 for i in range(WRONG_ATTEMPTS)]
        assert codes[:15] == [200] * 15  # the form again, with its error
        assert set(codes[15:]) == {429}
        response = client.post("/admin/login/", {"username": "boss", "password": PASSWORD, "next": "/admin/"})
        assert response.status_code == 429
        assert b"Too many failed logins, try again later." in response.content
        assert client.get("/admin/").status_code == 302  # still not logged in

    def test_the_right_password_logs_in(self, client):
        fast_user(nickname="boss", is_admin=True)
        response = client.post("/admin/login/", {"username": "boss", "password": PASSWORD, "next": "/admin/"})
        assert response.status_code == 302
        assert client.get("/admin/").status_code == 200

    def test_a_wrong_password_shows_the_form_error(self, client):
        fast_user(nickname="boss", is_admin=True)
        response = client.post("/admin/login/", {"username": "boss", "password": "nope"})
        assert response.status_code == 200
        assert b"Please enter the correct" in response.content
