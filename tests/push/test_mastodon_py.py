"""Mastodon.py's push calls against gunicorn, and the push a real worker sends after
Mastodon.py favourites a status, decrypted with the keys Mastodon.py generated."""

from __future__ import annotations

import http_ece
import orjson
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from mastodon import Mastodon
from mastodon.errors import MastodonNotFoundError

from tests.push.conftest import vapid_claims

pytestmark = pytest.mark.django_db(transaction=True)


def mastodon_client(server, nickname: str) -> Mastodon:
    server.create_user(nickname)
    return Mastodon(access_token=server.token(nickname), api_base_url=server.url,
                    version_check_mode="none")


class TestMastodonPyPush:
    """push_subscription_set / push_subscription / push_subscription_update / push_subscription_delete"""

    def test_sets_reads_updates_and_deletes_a_subscription(self, running_server):
        client = mastodon_client(running_server, "pushy")
        private, public = client.push_subscription_generate_keys()
        created = client.push_subscription_set("https://push.example/pushy", public, mention_events=True,
                                               favourite_events=True, follow_events=False, policy="followed")
        assert created.endpoint == "https://push.example/pushy"
        assert created.alerts.mention is True and created.alerts.follow is False
        assert created.policy == "followed"
        assert created.server_key == running_server.get("/api/v1/instance").json()["pleroma"]["vapid_public_key"]
        assert client.push_subscription().id == created.id
        updated = client.push_subscription_update(reblog_events=True, policy="all")
        assert updated.alerts.reblog is True and updated.alerts.mention is False
        assert updated.policy == "all"
        client.push_subscription_delete()
        with pytest.raises(MastodonNotFoundError):
            client.push_subscription()

    def test_a_favourite_made_with_mastodon_py_reaches_the_subscriber(
            self, running_server, push_service, private_networks, celery_worker_process):
        subscriber = mastodon_client(running_server, "subscriber")
        private, public = subscriber.push_subscription_generate_keys()
        subscriber.push_subscription_set(push_service.url("/mastodon-py"), public, favourite_events=True)
        status = subscriber.status_post("push me, please")
        fan = mastodon_client(running_server, "fan")
        fan.status_favourite(status.id)

        [push] = push_service.wait("/mastodon-py", timeout=60)
        key = ec.derive_private_key(private["privkey"], ec.SECP256R1())
        payload = orjson.loads(http_ece.decrypt(push.body, private_key=key, auth_secret=private["auth"],
                                                version="aes128gcm"))
        assert payload["notification_type"] == "favourite"
        assert payload["notification_id"] == subscriber.notifications()[0].id
        assert payload["title"] == "fan favourited your post"
        assert payload["body"] == "push me, please"
        assert payload["access_token"] == subscriber.access_token
        server_key = running_server.get("/api/v1/instance").json()["pleroma"]["vapid_public_key"]
        assert vapid_claims(push.headers["Authorization"], server_key)["aud"] == push_service.origin
