"""OAuth holes: redirect_uri at the code exchange (RFC 6749 §4.1.3), PKCE (RFC 7636), unsafe
redirect URIs, revocation without client authentication (RFC 7009 §2.1), refresh tokens of
deactivated accounts, and authorization codes that outlive their use."""

from __future__ import annotations

import base64
import datetime
import hashlib
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone
from oauth2_provider.models import AccessToken, Grant

from accounts import services
from accounts.models import User
from tests.factories import PASSWORD, AppFactory, UserFactory

REDIRECT = "https://client.example/cb"
VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
S256_CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"  # RFC 7636 appendix B


def s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")


def authorize(client, app, *, redirect_uri=REDIRECT, **extra):
    """Log in on the authorize page; the code from the redirect."""
    response = client.post("/oauth/authorize", {
        "authorization[name]": "walter", "authorization[password]": PASSWORD,
        "authorization[client_id]": app.client_id, "authorization[redirect_uri]": redirect_uri,
        "authorization[scope]": "read", **{f"authorization[{k}]": v for k, v in extra.items()}})
    assert response.status_code == 302, response.content
    return parse_qs(urlsplit(response["Location"]).query)["code"][0]


def exchange(anon, app, code, **extra):
    return anon.post("/oauth/token", {"grant_type": "authorization_code", "client_id": app.client_id,
                                      "client_secret": app.client_secret, "code": code, **extra})


@pytest.fixture
def app(db):
    UserFactory(nickname="walter")
    return AppFactory(redirect_uris=f"{REDIRECT}\nhttps://client.example/other")


class TestRedirectUriAtExchange:
    """POST /oauth/token grant_type=authorization_code: redirect_uri"""

    def test_the_same_redirect_uri_is_exchanged(self, client, anon, app):
        response = exchange(anon, app, authorize(client, app), redirect_uri=REDIRECT)
        assert response.status_code == 200
        assert response.json()["scope"] == "read"

    @pytest.mark.parametrize("sent", [None, "https://client.example/other", "https://evil.example/cb", ""])
    def test_another_or_no_redirect_uri_is_refused_and_burns_the_code(self, client, anon, app, sent):
        code = authorize(client, app)
        extra = {} if sent is None else {"redirect_uri": sent}
        response = exchange(anon, app, code, **extra)
        assert (response.status_code, response.json()) == (400, {"error": "Invalid credentials"})
        assert exchange(anon, app, code, redirect_uri=REDIRECT).status_code == 400
        assert not Grant.objects.exists()


class TestPkce:
    """PKCE: code_challenge at /oauth/authorize, code_verifier at /oauth/token"""

    def test_s256_with_the_right_verifier(self, client, anon, app):
        assert s256(VERIFIER) == S256_CHALLENGE
        code = authorize(client, app, code_challenge=S256_CHALLENGE, code_challenge_method="S256")
        grant = Grant.objects.get(code=code)
        assert (grant.code_challenge, grant.code_challenge_method) == (S256_CHALLENGE, "S256")
        response = exchange(anon, app, code, redirect_uri=REDIRECT, code_verifier=VERIFIER)
        assert response.status_code == 200, response.json()

    @pytest.mark.parametrize("verifier", [None, "", "wrong" * 10, S256_CHALLENGE, VERIFIER[:-1] + "l"])
    def test_s256_with_a_wrong_or_missing_verifier_is_refused(self, client, anon, app, verifier):
        code = authorize(client, app, code_challenge=S256_CHALLENGE, code_challenge_method="S256")
        extra = {} if verifier is None else {"code_verifier": verifier}
        response = exchange(anon, app, code, redirect_uri=REDIRECT, **extra)
        assert (response.status_code, response.json()) == (400, {"error": "Invalid credentials"})
        # the code is spent: the right verifier afterwards does not help a guesser
        assert exchange(anon, app, code, redirect_uri=REDIRECT, code_verifier=VERIFIER).status_code == 400

    def test_plain_and_the_default_method(self, client, anon, app):
        for method in ({"code_challenge_method": "plain"}, {}):
            code = authorize(client, app, code_challenge=VERIFIER, **method)
            assert Grant.objects.get(code=code).code_challenge_method == "plain"
            assert exchange(anon, app, code, redirect_uri=REDIRECT, code_verifier="x" * 43).status_code == 400
            code = authorize(client, app, code_challenge=VERIFIER, **method)
            assert exchange(anon, app, code, redirect_uri=REDIRECT, code_verifier=VERIFIER).status_code == 200

    def test_the_page_carries_the_challenge_into_its_form(self, client, app):
        page = client.get("/oauth/authorize", {"client_id": app.client_id, "redirect_uri": REDIRECT,
                                               "response_type": "code", "code_challenge": S256_CHALLENGE,
                                               "code_challenge_method": "S256"})
        assert page.status_code == 200
        assert f'name="authorization[code_challenge]" value="{S256_CHALLENGE}"'.encode() in page.content
        assert b'name="authorization[code_challenge_method]" value="S256"' in page.content

    @pytest.mark.parametrize("challenge,method", [(S256_CHALLENGE, "S512"), ("short", "S256"),
                                                  ("", "S256")])
    def test_an_unusable_challenge_is_refused_on_the_page(self, client, app, challenge, method):
        page = client.get("/oauth/authorize", {"client_id": app.client_id, "redirect_uri": REDIRECT,
                                               "response_type": "code", "code_challenge": challenge,
                                               "code_challenge_method": method})
        assert page.status_code == 400
        assert b'name="authorization[password]"' not in page.content


class TestRedirectUriRegistration:
    """POST /api/v1/apps: redirect_uris"""

    @pytest.mark.parametrize("uri", [
        "javascript:alert(document.cookie)", "JavaScript:alert(1)", "data:text/html,<script>alert(1)</script>",
        "//evil.example/cb", "/relative/cb", "evil.example/cb", "vbscript:msgbox(1)", "http:///nohost",
        "https://client.example/cb#frag", "https://client.example/c b", "file:///etc/passwd",
    ])
    def test_an_unsafe_redirect_uri_is_refused(self, anon, uri):
        response = anon.post("/api/v1/apps", {"client_name": "x", "redirect_uris": f"https://ok.example/cb\n{uri}"})
        assert response.status_code == 422, response.content
        assert "redirect_uris" in response.json()["error"]

    def test_an_unsafe_uri_in_a_json_list_is_refused(self, anon):
        response = anon.post("/api/v1/apps", {"client_name": "x", "redirect_uris": ["javascript:alert(1)"]},
                             format="json")
        assert response.status_code == 422

    @pytest.mark.parametrize("uri", ["urn:ietf:wg:oauth:2.0:oob", "https://client.example/cb?x=1",
                                     "http://localhost:3000/callback", "com.example.app:/callback",
                                     "myapp://oauth", "org.joinmastodon.android.pleroma://callback"])
    def test_web_native_and_out_of_band_uris_are_allowed(self, anon, uri):
        response = anon.post("/api/v1/apps", {"client_name": "x", "redirect_uris": uri})
        assert response.status_code == 200, response.content
        assert response.json()["redirect_uri"] == uri

    def test_the_authorize_page_never_redirects_to_an_unsafe_uri_registered_earlier(self, client, db):
        UserFactory(nickname="walter")
        app = AppFactory(redirect_uris="javascript:alert(document.cookie)//")
        response = client.post("/oauth/authorize", {
            "authorization[name]": "walter", "authorization[password]": PASSWORD,
            "authorization[client_id]": app.client_id, "authorization[redirect_uri]": app.redirect_uris,
            "authorization[scope]": "read"})
        assert response.status_code == 400
        assert "Location" not in response
        assert not Grant.objects.exists()


class TestRevokeNeedsTheClient:
    """POST /oauth/revoke"""

    @pytest.fixture
    def victim(self, api):
        client = api()
        assert client.get("/api/v1/accounts/verify_credentials").status_code == 200
        return client

    @pytest.mark.parametrize("creds", ["none", "wrong_secret", "unknown_client"])
    def test_without_the_apps_credentials_nothing_is_revoked(self, anon, victim, creds):
        app = victim.token.application
        body = {"token": victim.token.token}
        if creds == "wrong_secret":
            body.update(client_id=app.client_id, client_secret="nope")
        elif creds == "unknown_client":
            body.update(client_id="nope", client_secret="nope")
        response = anon.post("/oauth/revoke", body)
        assert (response.status_code, response.json()) == (401, {"error": "invalid_client"})
        assert victim.get("/api/v1/accounts/verify_credentials").status_code == 200

    def test_another_apps_credentials_revoke_nothing(self, anon, victim):
        other = AppFactory()
        response = anon.post("/oauth/revoke", {"client_id": other.client_id, "client_secret": other.client_secret,
                                               "token": victim.token.token})
        assert (response.status_code, response.json()) == (200, {})
        assert victim.get("/api/v1/accounts/verify_credentials").status_code == 200

    def test_the_apps_credentials_in_the_body_or_basic_revoke(self, anon, api):
        for style in ("body", "basic"):
            victim = api()
            app = victim.token.application
            if style == "body":
                response = anon.post("/oauth/revoke", {"client_id": app.client_id,
                                                       "client_secret": app.client_secret,
                                                       "token": victim.token.token})
            else:
                basic = base64.b64encode(f"{app.client_id}:{app.client_secret}".encode()).decode()
                response = anon.post("/oauth/revoke", {"token": victim.token.token},
                                     HTTP_AUTHORIZATION=f"Basic {basic}")
            assert (response.status_code, response.json()) == (200, {})
            assert victim.get("/api/v1/accounts/verify_credentials").status_code == 403


class TestRefreshOfADeactivatedAccount:
    """POST /oauth/token grant_type=refresh_token"""

    def test_is_refused_and_issues_nothing(self, anon):
        app = AppFactory()
        user = UserFactory(nickname="gone")
        token, refresh = services.issue_token(app, user, ["read"])
        User.objects.filter(pk=user.pk).update(is_active=False)
        response = anon.post("/oauth/token", {"grant_type": "refresh_token", "client_id": app.client_id,
                                              "client_secret": app.client_secret,
                                              "refresh_token": refresh.token})
        assert response.status_code == 403
        assert response.json() == {"error": "Your account is currently disabled",
                                   "identifier": "account_is_disabled"}
        assert list(AccessToken.objects.filter(user=user)) == [token]


class TestCodeLifetime:
    """Authorization codes: single use, short-lived"""

    def test_an_expired_code_is_refused(self, anon, app):
        user = User.objects.get(nickname="walter")
        grant = services.create_grant(app, user, REDIRECT, ["read"])
        Grant.objects.filter(pk=grant.pk).update(expires=timezone.now() - datetime.timedelta(seconds=1))
        assert exchange(anon, app, grant.code, redirect_uri=REDIRECT).status_code == 400

    def test_codes_live_ten_minutes_at_most(self, anon, app):
        user = User.objects.get(nickname="walter")
        grant = services.create_grant(app, user, REDIRECT, ["read"])
        assert grant.expires - timezone.now() <= datetime.timedelta(minutes=10)

    def test_a_code_of_another_app_is_refused(self, anon, app):
        user = User.objects.get(nickname="walter")
        grant = services.create_grant(app, user, REDIRECT, ["read"])
        other = AppFactory(redirect_uris=REDIRECT)
        assert exchange(anon, other, grant.code, redirect_uri=REDIRECT).status_code == 400
        assert exchange(anon, app, grant.code, redirect_uri=REDIRECT).status_code == 200
