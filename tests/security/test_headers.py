"""Security headers on HTML pages; secure cookie flags under https."""

from tests.factories import PASSWORD, AppFactory, UserFactory


def test_authorize_page_has_csp_and_frame_options(anon):
    app = AppFactory()
    response = anon.get("/oauth/authorize", {"client_id": app.client_id, "redirect_uri": app.redirect_uris,
                                             "response_type": "code"})
    assert response.status_code == 200
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_token_cookie_is_secure_under_https(anon, settings):
    settings.PLEROMA_HTTPS = True
    app = AppFactory()
    UserFactory(nickname="secure")
    response = anon.post("/oauth/token", {"grant_type": "password", "client_id": app.client_id,
                                          "client_secret": app.client_secret, "username": "secure",
                                          "password": PASSWORD})
    cookie = response.cookies["_pleroma_key"]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_token_cookie_is_not_marked_secure_over_plain_http(anon, settings):
    settings.PLEROMA_HTTPS = False
    app = AppFactory()
    UserFactory(nickname="plain")
    response = anon.post("/oauth/token", {"grant_type": "password", "client_id": app.client_id,
                                          "client_secret": app.client_secret, "username": "plain",
                                          "password": PASSWORD})
    assert not response.cookies["_pleroma_key"]["secure"]


def test_api_answers_allow_cross_origin_clients(anon):
    response = anon.get("/api/v1/instance", HTTP_ORIGIN="https://client.example")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Link" in response["Access-Control-Expose-Headers"]
