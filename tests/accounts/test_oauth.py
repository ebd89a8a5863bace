"""OAuth: apps, the token grants, revoke."""

import base64

import pytest

from accounts.models import App
from tests.factories import PASSWORD, AppFactory, UserFactory


def register_app(client, **extra):
    body = {"client_name": "Test client", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
            "scopes": "read write follow push", **extra}
    response = client.post("/api/v1/apps", body)
    assert response.status_code == 200, response.content
    return response.json()


class TestCreateApp:
    """POST /api/v1/apps"""

    def test_registers_an_app_with_secrets(self, anon):
        data = register_app(anon, website="https://client.example")
        assert data["name"] == "Test client"
        assert data["website"] == "https://client.example"
        assert data["redirect_uri"] == "urn:ietf:wg:oauth:2.0:oob"
        assert data["scopes"] == ["read", "write", "follow", "push"]
        app = App.objects.get(client_id=data["client_id"])
        assert app.client_secret == data["client_secret"]

    def test_accepts_json_and_multipart_and_a_trailing_slash(self, anon):
        response = anon.post("/api/v1/apps/", {"client_name": "x", "redirect_uris": "https://a/cb"},
                             format="json")
        assert response.status_code == 200
        response = anon.post("/api/v1/apps", {"client_name": "y", "redirect_uris": "https://a/cb"},
                             format="multipart")
        assert response.status_code == 200
        assert response.json()["scopes"] == ["read"]

    def test_refuses_a_missing_client_name(self, anon):
        response = anon.post("/api/v1/apps", {"redirect_uris": "https://a/cb"})
        assert response.status_code == 400
        assert "client_name" in response.json()["error"]


class TestPasswordGrant:
    """POST /oauth/token grant_type=password"""

    def test_logs_in_with_nickname_or_email(self, anon):
        app = register_app(anon)
        user = UserFactory(nickname="alice", email="alice@example.com")
        for login in ("alice", "alice@example.com"):
            response = anon.post("/oauth/token", {
                "grant_type": "password", "client_id": app["client_id"],
                "client_secret": app["client_secret"], "username": login, "password": PASSWORD,
                "scope": "read write"})
            assert response.status_code == 200, response.content
            body = response.json()
            assert body["token_type"] == "Bearer"
            assert body["scope"] == "read write"
            assert isinstance(body["created_at"], int)
            assert body["me"] == user.ap_id
            assert body["expires_in"] > 10 * 365 * 24 * 3600
            assert response.cookies["_pleroma_key"].value == body["access_token"]
            assert response.cookies["_pleroma_key"]["httponly"]

    def test_wrong_password_is_refused(self, anon):
        app = register_app(anon)
        UserFactory(nickname="bob")
        response = anon.post("/oauth/token", {
            "grant_type": "password", "client_id": app["client_id"],
            "client_secret": app["client_secret"], "username": "bob", "password": "nope"})
        assert response.status_code == 400
        assert response.json() == {"error": "Invalid credentials"}

    def test_scopes_beyond_the_app_are_refused(self, anon):
        app = register_app(anon, scopes="read")
        UserFactory(nickname="carol")
        response = anon.post("/oauth/token", {
            "grant_type": "password", "client_id": app["client_id"],
            "client_secret": app["client_secret"], "username": "carol", "password": PASSWORD,
            "scope": "read write"})
        assert response.status_code == 400

    def test_disabled_account_gets_pleroma_identifier(self, anon):
        app = register_app(anon)
        UserFactory(nickname="dave", is_active=False)
        response = anon.post("/oauth/token", {
            "grant_type": "password", "client_id": app["client_id"],
            "client_secret": app["client_secret"], "username": "dave", "password": PASSWORD})
        assert response.status_code == 403
        assert response.json()["identifier"] == "account_is_disabled"

    def test_client_credentials_in_basic_header(self, anon):
        app = register_app(anon)
        UserFactory(nickname="erin")
        basic = base64.b64encode(f"{app['client_id']}:{app['client_secret']}".encode()).decode()
        response = anon.post("/oauth/token", {"grant_type": "password", "username": "erin",
                                              "password": PASSWORD},
                             HTTP_AUTHORIZATION=f"Basic {basic}")
        assert response.status_code == 200

    def test_unknown_client_is_400_so_clients_reregister(self, anon):
        response = anon.post("/oauth/token", {"grant_type": "client_credentials",
                                              "client_id": "x", "client_secret": "y"})
        assert response.status_code == 400

    def test_unknown_grant_type_is_400(self, anon):
        response = anon.post("/oauth/token", {"grant_type": "magic"})
        assert response.status_code == 400
        assert response.json() == {"error": "unsupported_grant_type"}


class TestOtherGrants:
    """POST /oauth/token: client_credentials, authorization_code, refresh_token"""

    def test_client_credentials_gives_an_app_token(self, anon):
        app = register_app(anon)
        response = anon.post("/oauth/token", {"grant_type": "client_credentials",
                                              "client_id": app["client_id"],
                                              "client_secret": app["client_secret"]})
        assert response.status_code == 200
        assert "me" not in response.json()
        token = response.json()["access_token"]
        verify = anon.get("/api/v1/apps/verify_credentials", HTTP_AUTHORIZATION=f"Bearer {token}")
        assert verify.status_code == 200
        assert verify.json()["name"] == "Test client"
        assert "client_secret" not in verify.json()

    def test_client_credentials_grant_only_the_scopes_asked_for(self, anon):
        app = register_app(anon)
        response = anon.post("/oauth/token", {"grant_type": "client_credentials", "scope": "read",
                                              "client_id": app["client_id"],
                                              "client_secret": app["client_secret"]})
        assert response.status_code == 200
        assert response.json()["scope"] == "read"

    def test_verify_credentials_without_token_is_401(self, anon):
        response = anon.get("/api/v1/apps/verify_credentials")
        assert response.status_code == 401

    def test_authorization_code_is_single_use(self, anon, db):
        from accounts import services

        app = AppFactory()
        user = UserFactory()
        grant = services.create_grant(app, user, app.redirect_uris, ["read"])
        body = {"grant_type": "authorization_code", "client_id": app.client_id,
                "client_secret": app.client_secret, "code": grant.code,
                "redirect_uri": app.redirect_uris}
        first = anon.post("/oauth/token", body)
        assert first.status_code == 200
        assert first.json()["scope"] == "read"
        assert anon.post("/oauth/token", body).status_code == 400

    def test_refresh_token_issues_a_new_token_and_kills_the_old(self, anon):
        app = register_app(anon)
        UserFactory(nickname="fay")
        first = anon.post("/oauth/token", {
            "grant_type": "password", "client_id": app["client_id"],
            "client_secret": app["client_secret"], "username": "fay", "password": PASSWORD}).json()
        second = anon.post("/oauth/token", {
            "grant_type": "refresh_token", "client_id": app["client_id"],
            "client_secret": app["client_secret"], "refresh_token": first["refresh_token"]})
        assert second.status_code == 200
        assert second.json()["access_token"] != first["access_token"]
        old = anon.get("/api/v1/accounts/verify_credentials",
                       HTTP_AUTHORIZATION=f"Bearer {first['access_token']}")
        assert old.status_code == 403


class TestRevoke:
    """POST /oauth/revoke"""

    def test_revoked_token_stops_working_at_once(self, api, anon):
        client = api()
        assert client.get("/api/v1/accounts/verify_credentials").status_code == 200
        app = client.token.application
        response = anon.post("/oauth/revoke", {"client_id": app.client_id,
                                               "client_secret": app.client_secret,
                                               "token": client.token.token})
        assert response.status_code == 200
        assert response.json() == {}
        assert client.get("/api/v1/accounts/verify_credentials").status_code == 403

    def test_missing_token_is_400(self, anon):
        assert anon.post("/oauth/revoke", {}).status_code == 400


@pytest.mark.parametrize("path", ["/oauth/token", "/api/v1/apps"])
def test_errors_are_json_never_html(anon, path):
    response = anon.get(path)
    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/json")


class TestAuthorizeSession:
    """POST /oauth/authorize, then POST /oauth/token grant_type=authorization_code"""

    def test_login_sets_the_cookie_and_the_code_yields_the_same_token(self, anon, client):
        from oauth2_provider.models import AccessToken

        app = AppFactory(redirect_uris="https://client.example/cb")
        user = UserFactory(nickname="browser")
        client.get("/oauth/authorize", {"client_id": app.client_id, "redirect_uri": app.redirect_uris,
                                        "response_type": "code"})
        response = client.post("/oauth/authorize", {
            "authorization[name]": "browser", "authorization[password]": PASSWORD,
            "authorization[client_id]": app.client_id, "authorization[redirect_uri]": app.redirect_uris,
            "authorization[scope]": "read", "authorization[state]": "xyz"})
        assert response.status_code == 302
        assert response["Location"].startswith("https://client.example/cb?code=")
        cookie = response.cookies["_pleroma_key"]
        assert cookie["httponly"] and cookie["samesite"] == "Lax"
        code = response["Location"].split("code=")[1].split("&")[0]
        me = anon.get("/api/v1/accounts/verify_credentials", HTTP_COOKIE=f"_pleroma_key={cookie.value}")
        assert me.status_code == 200
        assert me.json()["username"] == "browser"
        exchanged = anon.post("/oauth/token", {"grant_type": "authorization_code", "client_id": app.client_id,
                                               "client_secret": app.client_secret, "code": code,
                                               "redirect_uri": app.redirect_uris})
        assert exchanged.status_code == 200
        assert exchanged.json()["access_token"] == cookie.value
        assert AccessToken.objects.filter(user=user).count() == 1
