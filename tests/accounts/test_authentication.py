"""The three ways to authenticate, and scope enforcement."""

import base64

from tests.factories import PASSWORD, UserFactory


class TestAuthenticationMethods:
    """GET /api/v1/accounts/verify_credentials"""

    def test_bearer_token(self, api):
        client = api(scopes=["read"])
        response = client.get("/api/v1/accounts/verify_credentials")
        assert response.status_code == 200
        assert response.json()["username"] == client.user.nickname

    def test_bearer_with_colon_and_lower_case_scheme(self, api, anon):
        client = api()
        response = anon.get("/api/v1/accounts/verify_credentials",
                            HTTP_AUTHORIZATION=f"bearer: {client.token.token}")
        assert response.status_code == 200

    def test_access_token_parameter(self, api, anon):
        client = api()
        response = anon.get(f"/api/v1/accounts/verify_credentials?access_token={client.token.token}")
        assert response.status_code == 200

    def test_basic_auth_with_nickname_or_email(self, anon):
        user = UserFactory(nickname="basic", email="basic@example.com")
        for login in ("basic", "basic@example.com"):
            creds = base64.b64encode(f"{login}:{PASSWORD}".encode()).decode()
            response = anon.get("/api/v1/accounts/verify_credentials",
                                HTTP_AUTHORIZATION=f"Basic {creds}")
            assert response.status_code == 200
            assert response.json()["id"]
        assert user.nickname == "basic"

    def test_basic_auth_with_a_wrong_password_is_refused(self, anon):
        UserFactory(nickname="basic2")
        creds = base64.b64encode(b"basic2:wrong").decode()
        response = anon.get("/api/v1/accounts/verify_credentials", HTTP_AUTHORIZATION=f"Basic {creds}")
        assert response.status_code == 403
        assert response.json() == {"error": "Invalid credentials."}

    def test_pleroma_key_cookie(self, api, anon):
        client = api(scopes=["read"])
        anon.cookies["_pleroma_key"] = client.token.token
        response = anon.get("/api/v1/accounts/verify_credentials")
        assert response.status_code == 200

    def test_cookie_is_not_honoured_for_cross_site_writes(self, api, anon):
        client = api()
        anon.cookies["_pleroma_key"] = client.token.token
        response = anon.patch("/api/v1/accounts/update_credentials", {"display_name": "x"},
                              HTTP_ORIGIN="https://evil.example")
        assert response.status_code == 403
        same = anon.patch("/api/v1/accounts/update_credentials", {"display_name": "x"},
                          HTTP_ORIGIN="http://localhost:8000")
        assert same.status_code == 200

    def test_no_credentials_is_403_invalid_credentials(self, anon):
        response = anon.get("/api/v1/accounts/verify_credentials")
        assert response.status_code == 403
        assert response.json() == {"error": "Invalid credentials."}

    def test_unknown_token_is_anonymous(self, anon):
        response = anon.get("/api/v1/accounts/verify_credentials", HTTP_AUTHORIZATION="Bearer nope")
        assert response.status_code == 403

    def test_deactivated_users_token_stops_working(self, api):
        client = api()
        client.user.is_active = False
        client.user.save()
        assert client.get("/api/v1/accounts/verify_credentials").status_code == 403


class TestScopes:
    def test_missing_scope_is_refused_with_pleromas_message(self, api):
        client = api(scopes=["write"])
        response = client.get("/api/v1/accounts/verify_credentials")
        assert response.status_code == 403
        assert response.json() == {"error": "Insufficient permissions: read:accounts."}

    def test_parent_scope_covers_the_child(self, api):
        assert api(scopes=["read"]).get("/api/v1/accounts/verify_credentials").status_code == 200
        assert api(scopes=["read:accounts"]).get("/api/v1/accounts/verify_credentials").status_code == 200

    def test_child_scope_does_not_cover_a_sibling(self, api):
        client = api(scopes=["read:statuses"])
        assert client.get("/api/v1/accounts/verify_credentials").status_code == 403

    def test_optional_auth_endpoint_downgrades_a_token_without_scope(self, api):
        client = api(scopes=["write"])
        other = UserFactory()
        response = client.get(f"/api/v1/accounts/{other.nickname}")
        assert response.status_code == 200
