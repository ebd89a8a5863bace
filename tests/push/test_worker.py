"""Web Push end to end: a real Celery worker pushes to a push service on 127.0.0.1 after a
real action, and the test decrypts the push and checks its VAPID signature as a browser would."""

from __future__ import annotations

import pytest

from core import ids
from push.models import PushDelivery, PushSubscription
from tests.factories import StatusFactory
from tests.push.conftest import vapid_claims

URL = "/api/v1/push/subscription"

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def worker(private_networks, celery_worker_process):
    """A worker started after PLEROMA_ALLOW_PRIVATE_NETWORKS is set, so it may reach 127.0.0.1."""
    return celery_worker_process


class TestPushOnAWorker:
    """POST /api/v1/statuses/:id/favourite with a subscriber whose token has a push subscription"""

    def test_the_worker_pushes_an_encrypted_signed_notification(self, api, anon, browser, push_service,
                                                                worker):
        subscriber = api(scopes=["read", "write", "push"], display_name="Sue")
        response = subscriber.post(URL, browser.form(push_service.url("/device"), **{
            "data[alerts][favourite]": "1", "data[alerts][mention]": "1", "policy": "all"}))
        assert response.status_code == 200
        server_key = anon.get("/api/v1/instance").json()["pleroma"]["vapid_public_key"]
        assert response.json()["server_key"] == server_key

        status = StatusFactory(account=subscriber.user, content="<p>pushed through a worker</p>")
        fan = api(scopes=["write:favourites"], display_name="Fan")
        assert fan.post(f"/api/v1/statuses/{ids.encode(status.pk)}/favourite").status_code == 200

        [push] = push_service.wait("/device", timeout=60)
        notification = subscriber.user.notifications.get(type="favourite")
        assert browser.decrypt(push.body) == {
            "access_token": subscriber.token.token,
            "preferred_locale": "en",
            "notification_id": ids.encode(notification.pk),
            "notification_type": "favourite",
            "icon": browser.decrypt(push.body)["icon"],
            "title": "Fan favourited your post",
            "body": "pushed through a worker",
        }
        claims = vapid_claims(push.headers["Authorization"], server_key)
        assert claims["aud"] == push_service.origin
        worker.wait_for(lambda: PushDelivery.objects.filter(notification=notification).exists())

    def test_a_busy_push_service_gets_the_push_again_after_retry_after(self, api, browser, push_service,
                                                                        worker):
        push_service.answers["/busy"] = [(503, {"Retry-After": "1"}), (201, {})]
        subscriber = api(scopes=["read", "write", "push"])
        subscriber.post(URL, browser.form(push_service.url("/busy"), **{"data[alerts][favourite]": "1"}))
        status = StatusFactory(account=subscriber.user)
        api(scopes=["write"]).post(f"/api/v1/statuses/{ids.encode(status.pk)}/favourite")
        pushes = push_service.wait("/busy", count=2, timeout=60)
        assert browser.decrypt(pushes[0].body) == browser.decrypt(pushes[1].body)
        worker.wait_for(lambda: PushDelivery.objects.filter(status=201).exists())
        assert len(push_service.pushes_to("/busy")) == 2

    def test_a_gone_answer_makes_the_subscription_disappear(self, api, browser, push_service, worker):
        push_service.answers["/gone"] = [(410, {})]
        subscriber = api(scopes=["read", "write", "push"])
        subscriber.post(URL, browser.form(push_service.url("/gone"), **{"data[alerts][favourite]": "1"}))
        assert subscriber.get(URL).status_code == 200
        status = StatusFactory(account=subscriber.user)
        api(scopes=["write"]).post(f"/api/v1/statuses/{ids.encode(status.pk)}/favourite")
        push_service.wait("/gone", timeout=60)
        worker.wait_for(lambda: not PushSubscription.objects.exists())
        response = subscriber.get(URL)
        assert response.status_code == 404
        assert response.json() == {"error": "Record not found"}
