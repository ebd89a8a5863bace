"""POST/GET/PUT/DELETE /api/v1/push/subscription: one subscription per token, scope `push`."""

from __future__ import annotations

import base64
import os

import pytest

from push import vapid
from push.models import ALERT_TYPES, PushSubscription
from tests.push.conftest import BrowserKeys, b64url

URL = "/api/v1/push/subscription"
ENDPOINT = "https://push.example/send/abc"


def subscribe(client, keys: BrowserKeys, endpoint: str = ENDPOINT, **extra):
    return client.post(URL, keys.form(endpoint, **extra))


def json_body(keys: BrowserKeys, endpoint: str = ENDPOINT, **data) -> dict:
    """What Pleroma-FE sends: PushSubscription.toJSON() and the alerts, as JSON."""
    return {"subscription": {"endpoint": endpoint, "expirationTime": None,
                             "keys": {"p256dh": keys.p256dh, "auth": keys.auth_b64}},
            "data": data}


class TestCreateSubscription:
    """POST /api/v1/push/subscription"""

    def test_subscribes_the_token_from_mastodon_py_form(self, api, browser):
        client = api(scopes=["push"])
        response = subscribe(client, browser, **{"data[alerts][favourite]": "1",
                                                 "data[alerts][follow]": "0", "policy": "followed"})
        assert response.status_code == 200
        body = response.json()
        assert body["endpoint"] == ENDPOINT
        assert body["policy"] == "followed"
        assert body["server_key"] == vapid.public_key()
        assert body["standard"] is True
        assert set(body["alerts"]) == set(ALERT_TYPES)
        assert body["alerts"]["favourite"] is True
        assert body["alerts"]["follow"] is False and body["alerts"]["mention"] is False
        row = PushSubscription.objects.get(token=client.token)
        assert row.user == client.user
        assert (row.key_p256dh, row.key_auth) == (browser.p256dh, browser.auth_b64)
        assert isinstance(body["id"], str) and body["id"]

    def test_subscribes_from_pleroma_fe_json_with_pleroma_alerts(self, api, browser):
        client = api(scopes=["push"])
        body = json_body(browser, alerts={"mention": True, "pleroma:emoji_reaction": True,
                                          "pleroma:chat_mention": True}, policy="all")
        response = client.post(URL, body, format="json")
        assert response.status_code == 200
        alerts = response.json()["alerts"]
        assert alerts["pleroma:emoji_reaction"] is True and alerts["pleroma:chat_mention"] is True
        assert alerts["mention"] is True and alerts["reblog"] is False
        assert response.json()["policy"] == "all"

    def test_keeps_the_browser_expiration_and_the_legacy_encoding_when_asked(self, api, browser):
        client = api(scopes=["push"])
        body = json_body(browser, alerts={"mention": True})
        body["subscription"].update(expirationTime=4102444800000, standard=False)
        response = client.post(URL, body, format="json")
        assert response.status_code == 200
        assert response.json()["standard"] is False
        row = PushSubscription.objects.get(token=client.token)
        assert row.expires_at.year == 2100 and row.standard is False

    def test_a_new_subscription_replaces_the_token_one_but_not_other_tokens(self, api, browser):
        client = api(scopes=["push"])
        other_token = api(scopes=["push"], user=client.user)
        first = subscribe(other_token, BrowserKeys()).json()
        subscribe(client, browser)
        response = subscribe(client, browser, endpoint="https://push.example/second")
        assert response.status_code == 200
        assert list(PushSubscription.objects.filter(token=client.token).values_list("endpoint", flat=True)) == [
            "https://push.example/second"]
        assert PushSubscription.objects.filter(token=other_token.token).count() == 1
        assert other_token.get(URL).json()["id"] == first["id"]

    @pytest.mark.parametrize("scopes", [["read"], ["write"], ["follow"]])
    def test_refuses_a_token_without_push(self, api, browser, scopes):
        response = subscribe(api(scopes=scopes), browser)
        assert response.status_code == 403
        assert response.json() == {"error": "Insufficient permissions: push."}
        assert not PushSubscription.objects.exists()

    def test_refuses_anonymous_callers(self, anon, browser):
        response = subscribe(anon, browser)
        assert response.status_code == 403
        assert response.json() == {"error": "Invalid credentials."}

    def test_refuses_basic_auth_which_has_no_token_to_tie_it_to(self, client, user, password, browser):
        credentials = base64.b64encode(f"{user.nickname}:{password}".encode()).decode()
        response = client.post(URL, browser.form(ENDPOINT), HTTP_AUTHORIZATION=f"Basic {credentials}")
        assert response.status_code == 403
        assert "access token" in response.json()["error"]

    @pytest.mark.parametrize(("field", "value", "error"), [
        ("subscription[keys][p256dh]", b64url(b"\x04" + os.urandom(64)),
         "subscription[keys][p256dh] is not a P-256 public key"),
        ("subscription[keys][p256dh]", b64url(os.urandom(33)),
         "subscription[keys][p256dh] is not a P-256 public key"),
        ("subscription[keys][p256dh]", "not base64 at all!", "subscription[keys][p256dh] is not base64"),
        ("subscription[keys][auth]", b64url(os.urandom(15)), "subscription[keys][auth] must be 16 bytes"),
        ("subscription[keys][auth]", b64url(os.urandom(32)), "subscription[keys][auth] must be 16 bytes"),
        ("subscription[endpoint]", "not a url", "subscription[endpoint] is not a valid URL"),
        ("subscription[endpoint]", "ftp://push.example/x", "subscription[endpoint] is not a valid URL"),
        ("subscription[endpoint]", "https://user:secret@push.example/x",
         "subscription[endpoint] must name its push service by host name or IPv4 address"),
        ("subscription[endpoint]", "https://[::1]:8443/x",
         "subscription[endpoint] must name its push service by host name or IPv4 address"),
        ("subscription[endpoint]", "https://push.example:99999/x", "subscription[endpoint] is not a valid URL"),
        ("policy", "friends", "policy must be one of: all, followed, follower, none"),
        ("data[policy]", "friends", "policy must be one of: all, followed, follower, none"),
    ])
    def test_refuses_bad_values_with_422_naming_them(self, api, browser, field, value, error):
        response = subscribe(api(scopes=["push"]), browser, **{field: value})
        assert response.status_code == 422
        assert response.json() == {"error": error}
        assert not PushSubscription.objects.exists()

    def test_ignores_extras_and_alert_types_it_does_not_know(self, api, browser):
        client = api(scopes=["push"])
        response = subscribe(client, browser, **{"data[alerts][quote]": "1", "data[alerts][mention]": "1",
                                                 "subscription[color]": "red", "extra": "x", "odd[": "y"})
        assert response.status_code == 200
        assert "quote" not in response.json()["alerts"]
        assert response.json()["alerts"]["mention"] is True
        assert "quote" not in PushSubscription.objects.get().alerts

    def test_refuses_a_missing_endpoint_or_keys_with_400(self, api, browser):
        client = api(scopes=["push"])
        for missing in ("subscription[endpoint]", "subscription[keys][auth]"):
            form = browser.form(ENDPOINT)
            del form[missing]
            response = client.post(URL, form)
            assert response.status_code == 400
            assert "required" in response.json()["error"]
        response = client.post(URL, {}, format="json")
        assert response.status_code == 400
        assert response.json()["error"].startswith("subscription:")

    def test_refuses_conflicting_and_malformed_keys(self, api, browser):
        client = api(scopes=["push"])
        body = {**browser.form(ENDPOINT), "subscription": "flat"}
        assert client.post(URL, body).status_code == 400
        assert client.post(URL, {**browser.form(ENDPOINT), "data": "flat"}).status_code == 400
        assert client.post(URL, [1, 2], format="json").status_code == 400


class TestGetSubscription:
    """GET /api/v1/push/subscription"""

    def test_shows_the_token_subscription(self, api, browser):
        client = api(scopes=["push"])
        created = subscribe(client, browser, **{"data[alerts][mention]": "true"}).json()
        response = client.get(URL)
        assert response.status_code == 200
        assert response.json() == created

    def test_is_404_without_one(self, api):
        response = api(scopes=["push"]).get(URL)
        assert response.status_code == 404
        assert response.json() == {"error": "Record not found"}

    def test_other_tokens_subscriptions_are_not_visible(self, api, browser):
        owner = api(scopes=["push"])
        subscribe(owner, browser)
        same_user_other_token = api(scopes=["push"], user=owner.user)
        stranger = api(scopes=["push"])
        for client in (same_user_other_token, stranger):
            response = client.get(URL)
            assert response.status_code == 404
            assert response.json() == {"error": "Record not found"}

    def test_refuses_a_token_without_push(self, api):
        response = api(scopes=["read"]).get(URL)
        assert response.status_code == 403


class TestUpdateSubscription:
    """PUT /api/v1/push/subscription"""

    def test_replaces_the_alerts_and_changes_the_policy(self, api, browser):
        client = api(scopes=["push"])
        subscribe(client, browser, **{"data[alerts][mention]": "1", "data[alerts][follow]": "1"})
        response = client.put(URL, {"data[alerts][favourite]": "true", "data[alerts][reblog]": "1",
                                    "data[policy]": "follower"})
        assert response.status_code == 200
        alerts = response.json()["alerts"]
        assert (alerts["favourite"], alerts["reblog"], alerts["mention"], alerts["follow"]) == (
            True, True, False, False)
        assert response.json()["policy"] == "follower"
        row = PushSubscription.objects.get(token=client.token)
        assert row.alerts["favourite"] is True and row.policy == "follower"
        assert row.endpoint == ENDPOINT

    def test_a_policy_alone_keeps_the_alerts(self, api, browser):
        client = api(scopes=["push"])
        subscribe(client, browser, **{"data[alerts][mention]": "1"})
        response = client.put(URL, {"data": {"policy": "none"}}, format="json")
        assert response.status_code == 200
        assert response.json()["alerts"]["mention"] is True
        assert response.json()["policy"] == "none"

    def test_leaves_the_endpoint_and_keys_as_they_are(self, api, browser):
        client = api(scopes=["push"])
        subscribe(client, browser)
        response = client.put(URL, {"subscription[endpoint]": "https://elsewhere.example/",
                                    "data[alerts][poll]": "1"})
        assert response.status_code == 200
        assert response.json()["endpoint"] == ENDPOINT and response.json()["alerts"]["poll"] is True
        row = PushSubscription.objects.get(token=client.token)
        assert (row.endpoint, row.key_p256dh) == (ENDPOINT, browser.p256dh)

    def test_is_404_without_one_and_for_other_tokens(self, api, browser):
        owner = api(scopes=["push"])
        subscribe(owner, browser)
        for client in (api(scopes=["push"]), api(scopes=["push"], user=owner.user)):
            response = client.put(URL, {"data[alerts][mention]": "1"})
            assert response.status_code == 404
            assert response.json() == {"error": "Record not found"}
        assert PushSubscription.objects.get().alerts["mention"] is False

    def test_refuses_a_bad_policy(self, api, browser):
        client = api(scopes=["push"])
        subscribe(client, browser)
        response = client.put(URL, {"policy": "everyone"})
        assert response.status_code == 422
        assert PushSubscription.objects.get().policy == "all"


class TestDeleteSubscription:
    """DELETE /api/v1/push/subscription"""

    def test_deletes_only_the_token_subscription(self, api, browser):
        client = api(scopes=["push"])
        subscribe(client, browser)
        other_token = api(scopes=["push"], user=client.user)
        subscribe(other_token, BrowserKeys())
        response = client.delete(URL)
        assert response.status_code == 200
        assert response.json() == {}
        assert not PushSubscription.objects.filter(token=client.token).exists()
        assert PushSubscription.objects.filter(token=other_token.token).exists()
        assert client.get(URL).status_code == 404

    def test_answers_empty_without_one(self, api):
        response = api(scopes=["push"]).delete(URL)
        assert response.status_code == 200
        assert response.json() == {}

    def test_refuses_a_token_without_push(self, api, browser):
        client = api(scopes=["push"])
        subscribe(client, browser)
        response = api(scopes=["write"], user=client.user).delete(URL)
        assert response.status_code == 403
        assert PushSubscription.objects.count() == 1


class TestRevokingTheToken:
    """POST /oauth/revoke"""

    def test_drops_the_token_subscription(self, api, anon, browser):
        client = api(scopes=["push"])
        subscribe(client, browser)
        app = client.token.application
        response = anon.post("/oauth/revoke", {"token": client.token.token, "client_id": app.client_id,
                                               "client_secret": app.client_secret})
        assert response.status_code == 200
        assert not PushSubscription.objects.exists()
