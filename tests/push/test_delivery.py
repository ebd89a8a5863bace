"""Pushes sent in-process (Celery eager) to a push service on 127.0.0.1: what a notification
becomes, which ones the alerts and policy let through, and what the push service's answer does."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from core import ids
from notifications import services as notifications
from push import delivery, tasks, vapid
from push.models import PushDelivery, PushSubscription
from relationships.follows import follow
from tests.factories import StatusFactory
from tests.push.conftest import BrowserKeys, vapid_claims

URL = "/api/v1/push/subscription"

pytestmark = pytest.mark.usefixtures("private_networks")


@pytest.fixture
def subscriber(api, browser, push_service):
    """subscribe(path="/inbox", **form): a client whose token pushes to `path`."""
    client = api(scopes=["read", "write", "push"], display_name="Sue")

    def subscribe(path: str = "/inbox", **form):
        response = client.post(URL, browser.form(push_service.url(path), **form))
        assert response.status_code == 200, response.json()
        return client

    client.subscribe = subscribe
    return client


def favourite(api, status, django_capture_on_commit_callbacks, **user_fields):
    fan = api(scopes=["write"], **user_fields)
    with django_capture_on_commit_callbacks(execute=True):
        response = fan.post(f"/api/v1/statuses/{ids.encode(status.pk)}/favourite")
    assert response.status_code == 200
    return fan


class TestPushedNotification:
    """a favourite of the subscriber's status, pushed to the subscription's endpoint"""

    def test_is_encrypted_for_the_browser_and_signed_by_the_instance(
            self, api, subscriber, browser, push_service, django_capture_on_commit_callbacks):
        subscriber.subscribe(**{"data[alerts][favourite]": "1"})
        status = StatusFactory(account=subscriber.user, content="<p>Hello <b>push</b> &amp; you</p>")
        fan = favourite(api, status, django_capture_on_commit_callbacks, display_name="Fan")
        [push] = push_service.wait("/inbox")
        assert push.headers["Content-Encoding"] == "aes128gcm"
        assert push.headers["TTL"] == str(48 * 3600)
        notification = subscriber.user.notifications.get()
        assert push.headers["Topic"] == ids.encode(notification.pk)
        payload = browser.decrypt(push.body)
        assert payload == {
            "access_token": subscriber.token.token,
            "preferred_locale": "en",
            "notification_id": ids.encode(notification.pk),
            "notification_type": "favourite",
            "icon": payload["icon"],
            "title": "Fan favourited your post",
            "body": "Hello push & you",
        }
        assert payload["icon"].startswith("http") and fan.user.nickname not in payload["title"]
        claims = vapid_claims(push.headers["Authorization"], vapid.public_key())
        assert claims["aud"] == push_service.origin
        assert time.time() < claims["exp"] <= time.time() + 24 * 3600
        assert claims["sub"]
        assert PushDelivery.objects.filter(notification=notification, status=201).count() == 1

    def test_is_sent_once_however_often_the_task_runs(
            self, api, subscriber, push_service, django_capture_on_commit_callbacks):
        subscriber.subscribe(**{"data[alerts][favourite]": "1"})
        favourite(api, StatusFactory(account=subscriber.user), django_capture_on_commit_callbacks)
        push_service.wait("/inbox")
        notification = subscriber.user.notifications.get()
        subscription = PushSubscription.objects.get()
        tasks.send_push(notification.pk.hex, subscription.pk.hex)
        tasks.send_push(notification.pk.hex, subscription.pk.hex)
        assert len(push_service.pushes_to("/inbox")) == 1

    def test_hides_the_contents_when_the_user_asks(
            self, api, subscriber, browser, push_service, django_capture_on_commit_callbacks):
        subscriber.user.notification_settings = {"hide_notification_contents": True}
        subscriber.user.save(update_fields=["notification_settings"])
        subscriber.subscribe(**{"data[alerts][favourite]": "1"})
        favourite(api, StatusFactory(account=subscriber.user, content="<p>secret</p>"),
                  django_capture_on_commit_callbacks)
        payload = browser.decrypt(push_service.wait("/inbox")[0].body)
        assert "title" not in payload
        assert payload["body"] == "New Favorite"

    def test_uses_the_legacy_encoding_when_the_client_asked_for_it(
            self, api, subscriber, browser, push_service, django_capture_on_commit_callbacks):
        subscriber.subscribe(**{"data[alerts][favourite]": "1", "subscription[standard]": "false"})
        favourite(api, StatusFactory(account=subscriber.user, content="<p>old</p>"),
                  django_capture_on_commit_callbacks)
        [push] = push_service.wait("/inbox")
        assert push.headers["Content-Encoding"] == "aesgcm"
        assert push.headers["Authorization"].startswith("WebPush ")
        assert "p256ecdsa=" in push.headers["Crypto-Key"]
        assert browser.decrypt(push.body, "aesgcm", push.headers)["body"] == "old"


class TestWhatIsPushed:
    """the subscription's alerts and policy decide"""

    def test_only_types_the_alerts_enable(self, api, subscriber, push_service, django_capture_on_commit_callbacks):
        subscriber.subscribe(**{"data[alerts][follow]": "1", "data[alerts][favourite]": "0"})
        favourite(api, StatusFactory(account=subscriber.user), django_capture_on_commit_callbacks)
        other = api(scopes=["follow"], display_name="Follower")
        with django_capture_on_commit_callbacks(execute=True):
            assert other.post(f"/api/v1/accounts/{ids.encode(subscriber.user.pk)}/follow").status_code == 200
        pushes = push_service.wait("/inbox")
        time.sleep(0.2)
        assert len(push_service.pushes_to("/inbox")) == 1
        assert PushDelivery.objects.get().notification.type == "follow"
        assert pushes[0].headers["Content-Encoding"] == "aes128gcm"

    def test_types_without_an_alert_are_never_pushed(self, subscriber, push_service, user,
                                                     django_capture_on_commit_callbacks):
        subscriber.subscribe(**{"data[alerts][follow]": "1"})
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            notifications.notify(subscriber.user, user, "move", target=user)
        assert subscriber.user.notifications.filter(type="move").exists()
        assert not push_service.received and not PushDelivery.objects.exists()
        assert all("notification_saved" not in repr(c) for c in callbacks)

    @pytest.mark.parametrize(("policy", "relation", "pushed"), [
        ("all", None, True), ("none", None, False),
        ("followed", None, False), ("followed", "subscriber follows fan", True),
        ("followed", "fan follows subscriber", False),
        ("follower", None, False), ("follower", "fan follows subscriber", True),
        ("follower", "subscriber follows fan", False),
    ])
    def test_the_policy_admits_accounts_by_relationship(
            self, api, subscriber, push_service, django_capture_on_commit_callbacks, user,
            policy, relation, pushed):
        subscriber.subscribe(**{"data[alerts][favourite]": "1", "policy": policy})
        if relation == "subscriber follows fan":
            follow(subscriber.user, user)
        elif relation == "fan follows subscriber":
            follow(user, subscriber.user)
        fan = api(scopes=["write"], user=user)
        status = StatusFactory(account=subscriber.user)
        with django_capture_on_commit_callbacks(execute=True):
            fan.post(f"/api/v1/statuses/{ids.encode(status.pk)}/favourite")
        assert subscriber.user.notifications.filter(type="favourite").exists()
        assert bool(push_service.pushes_to("/inbox")) is pushed


class TestPushServiceAnswers:
    """what the push service's status does to the subscription"""

    @pytest.mark.parametrize("status", [404, 410])
    def test_gone_deletes_the_subscription(self, api, subscriber, push_service, status,
                                           django_capture_on_commit_callbacks):
        push_service.answers["/gone"] = [(status, {})]
        subscriber.subscribe("/gone", **{"data[alerts][favourite]": "1"})
        favourite(api, StatusFactory(account=subscriber.user), django_capture_on_commit_callbacks)
        assert len(push_service.pushes_to("/gone")) == 1
        assert not PushSubscription.objects.exists()
        assert subscriber.get(URL).status_code == 404

    @pytest.mark.parametrize("status", [429, 500, 503])
    def test_busy_or_failing_is_transient_and_a_later_run_delivers(
            self, subscriber, push_service, status, user):
        push_service.answers["/busy"] = [(status, {"Retry-After": "7"}), (status, {}), (201, {})]
        subscriber.subscribe("/busy", **{"data[alerts][favourite]": "1"})
        notification = notifications.notify(subscriber.user, user, "favourite",
                                            status=StatusFactory(account=subscriber.user))
        subscription = PushSubscription.objects.get()
        with pytest.raises(delivery.TransientFailure) as first:
            delivery.push(notification.pk, subscription.pk)
        assert first.value.retry_after == 7
        with pytest.raises(delivery.TransientFailure) as second:
            delivery.push(notification.pk, subscription.pk)
        assert second.value.retry_after is None
        assert delivery.push(notification.pk, subscription.pk) == 201
        assert delivery.push(notification.pk, subscription.pk) is None  # sent: not again
        assert len(push_service.pushes_to("/busy")) == 3
        assert PushDelivery.objects.get().status == 201

    def test_a_refusal_is_not_retried_and_keeps_the_subscription(
            self, api, subscriber, push_service, django_capture_on_commit_callbacks):
        push_service.answers["/bad"] = [(400, {})]
        subscriber.subscribe("/bad", **{"data[alerts][favourite]": "1"})
        favourite(api, StatusFactory(account=subscriber.user), django_capture_on_commit_callbacks)
        assert len(push_service.pushes_to("/bad")) == 1
        assert PushSubscription.objects.exists() and not PushDelivery.objects.exists()

    def test_private_addresses_are_refused_unless_allowed(
            self, api, subscriber, push_service, settings, django_capture_on_commit_callbacks):
        subscriber.subscribe(**{"data[alerts][favourite]": "1"})
        settings.ALLOW_PRIVATE_NETWORKS = False
        favourite(api, StatusFactory(account=subscriber.user), django_capture_on_commit_callbacks)
        assert not push_service.received
        assert PushSubscription.objects.exists() and not PushDelivery.objects.exists()

    def test_an_expired_subscription_is_dropped_instead(self, api, browser, push_service,
                                                        django_capture_on_commit_callbacks):
        client = api(scopes=["push"])
        body = {"subscription": {"endpoint": push_service.url("/inbox"), "expirationTime": 1000,
                                 "keys": {"p256dh": browser.p256dh, "auth": browser.auth_b64}},
                "data": {"alerts": {"favourite": True}}}
        assert client.post(URL, body, format="json").status_code == 200
        favourite(api, StatusFactory(account=client.user), django_capture_on_commit_callbacks)
        assert not push_service.received
        assert not PushSubscription.objects.exists()


def test_other_subscribers_keys_cannot_read_a_push(api, subscriber, browser, push_service,
                                                   django_capture_on_commit_callbacks):
    subscriber.subscribe(**{"data[alerts][favourite]": "1"})
    favourite(api, StatusFactory(account=subscriber.user), django_capture_on_commit_callbacks)
    [push] = push_service.wait("/inbox")
    with pytest.raises(Exception):  # noqa: B017 (http_ece raises a bare InvalidTag)
        BrowserKeys().decrypt(push.body)


def test_old_delivery_records_are_pruned(subscriber, push_service, user):
    subscriber.subscribe(**{"data[alerts][favourite]": "1"})
    subscription = PushSubscription.objects.get()
    old, recent = (notifications.notify(subscriber.user, user, "favourite",
                                        status=StatusFactory(account=subscriber.user)) for _ in range(2))
    PushDelivery.objects.create(notification=old, subscription=subscription, status=201,
                                sent_at=timezone.now() - timedelta(days=3))
    PushDelivery.objects.create(notification=recent, subscription=subscription, status=201)
    assert tasks.prune_deliveries() == 1
    assert list(PushDelivery.objects.values_list("notification", flat=True)) == [recent.pk]
