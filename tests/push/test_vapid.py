"""The instance's VAPID key: generated once, the same everywhere it is shown, or configured."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

from push import vapid
from push.models import VapidKeyPair
from tests.push.conftest import BrowserKeys, unb64url


class TestInstanceVapidKey:
    """GET /api/v1/instance and /api/v2/instance"""

    def test_is_one_p256_key_shown_in_both_documents_and_subscriptions(self, anon, api):
        v1 = anon.get("/api/v1/instance").json()["pleroma"]["vapid_public_key"]
        v2 = anon.get("/api/v2/instance").json()
        assert v2["configuration"]["vapid"]["public_key"] == v1
        assert v2["pleroma"]["vapid_public_key"] == v1
        point = unb64url(v1)
        assert len(point) == 65 and point[0] == 4
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
        client = api(scopes=["push"])
        created = client.post("/api/v1/push/subscription", BrowserKeys().form("https://push.example/x"))
        assert created.json()["server_key"] == v1

    def test_is_generated_once_and_kept(self, anon):
        first = anon.get("/api/v1/instance").json()["pleroma"]["vapid_public_key"]
        cache.clear()
        assert anon.get("/api/v1/instance").json()["pleroma"]["vapid_public_key"] == first
        assert VapidKeyPair.objects.count() == 1

    def test_the_environment_overrides_it(self, anon, settings):
        pair = vapid.generate()
        settings.VAPID_PRIVATE_KEY = pair.private_key
        assert anon.get("/api/v1/instance").json()["pleroma"]["vapid_public_key"] == pair.public_key
        settings.VAPID_PUBLIC_KEY = pair.public_key
        assert vapid.public_key() == pair.public_key
        assert not VapidKeyPair.objects.exists()


class TestVapidConfiguration:
    """PLEROMA_VAPID_PRIVATE_KEY / PLEROMA_VAPID_PUBLIC_KEY"""

    def test_a_public_key_of_another_pair_is_refused(self, settings):
        settings.VAPID_PRIVATE_KEY = vapid.generate().private_key
        settings.VAPID_PUBLIC_KEY = vapid.generate().public_key
        with pytest.raises(ImproperlyConfigured, match="not the private key's public key"):
            vapid.public_key()

    def test_a_public_key_alone_is_refused(self, settings):
        settings.VAPID_PUBLIC_KEY = vapid.generate().public_key
        with pytest.raises(ImproperlyConfigured, match="needs PLEROMA_VAPID_PRIVATE_KEY"):
            vapid.public_key()

    def test_junk_is_refused(self, settings):
        settings.VAPID_PRIVATE_KEY = "!!"
        with pytest.raises(ImproperlyConfigured):
            vapid.public_key()


class TestAppVapidKey:
    """POST /api/v1/apps and GET /api/v1/apps/verify_credentials"""

    def test_apps_carry_the_key_clients_subscribe_with(self, anon):
        created = anon.post("/api/v1/apps", {"client_name": "pusher", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob",
                                             "scopes": "read push"})
        assert created.status_code == 200
        assert created.json()["vapid_key"] == vapid.public_key()
        app = created.json()
        token = anon.post("/oauth/token", {"grant_type": "client_credentials", "client_id": app["client_id"],
                                           "client_secret": app["client_secret"]}).json()["access_token"]
        verify = anon.get("/api/v1/apps/verify_credentials", HTTP_AUTHORIZATION=f"Bearer {token}")
        assert verify.status_code == 200
        assert verify.json()["vapid_key"] == vapid.public_key()
