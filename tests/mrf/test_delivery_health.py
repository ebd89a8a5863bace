"""Delivery health per remote instance: GET /api/v1/pleroma/admin/instances[/:host],
POST .../:host/retry and .../:host/drop, `manage.py federation_queue`, and the Django admin."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from federation.models import Delivery, Instance, OutgoingActivity
from tests.factories import UserFactory


def outgoing(actor, n: int, created_at=None) -> OutgoingActivity:
    return OutgoingActivity.objects.create(ap_id=f"{actor.ap_id}#activities/{n}", actor=actor,
                                           payload={"id": f"{actor.ap_id}#activities/{n}", "type": "Create"},
                                           created_at=created_at or timezone.now())


@pytest.fixture
def queues():
    """good.example took everything; slow.example has failed for two days (503s) and delivery
    marked it unreachable; gone.example refused for good; mixed.example has one of each."""
    alice = UserFactory(nickname="alice")
    now = timezone.now()
    two_days_ago = now - datetime.timedelta(days=2)
    old = outgoing(alice, 1, two_days_ago)
    new = outgoing(alice, 2)
    for activity in (old, new):
        Delivery.objects.create(activity=activity, inbox="https://good.example/inbox", state="done",
                                attempts=1, last_status=202, delivered_at=now)
        Delivery.objects.create(activity=activity, inbox="https://slow.example/users/x/inbox", attempts=3,
                                last_status=503, last_error="inbox answered 503")
        Delivery.objects.create(activity=activity, inbox="https://gone.example/inbox", state="failed",
                                attempts=1, last_status=410)
    Delivery.objects.create(activity=old, inbox="https://mixed.example/inbox", state="done", attempts=1,
                            delivered_at=two_days_ago)
    Delivery.objects.create(activity=new, inbox="https://mixed.example/inbox/b")
    Instance.objects.create(host="slow.example", failing_since=two_days_ago, last_failure_at=now, failure_days=7,
                            unreachable_since=now)
    Delivery.objects.create(activity=outgoing(alice, 3), inbox="https://slow.example/users/x/inbox",
                            state="deferred")
    return {"now": now, "two_days_ago": two_days_ago, "old": old, "new": new}


@pytest.fixture
def admin_api(api):
    return api(scopes=["admin:read", "admin:write"], is_admin=True)


class TestListInstances:
    """GET /api/v1/pleroma/admin/instances"""

    def test_lists_each_instance_with_its_queue(self, admin_api, queues):
        response = admin_api.get("/api/v1/pleroma/admin/instances")
        assert response.status_code == 200
        body = {row["host"]: row for row in response.json()}
        assert list(body) == ["slow.example", "mixed.example", "gone.example", "good.example"]
        slow = body["slow.example"]
        assert (slow["queued"], slow["failed"], slow["delivered"]) == (3, 0, 0)  # deferred ones included
        assert slow["unreachable"] is True
        assert slow["unreachable_since"] is not None
        assert slow["failing_since"].startswith(queues["two_days_ago"].isoformat()[:19])
        assert slow["last_success_at"] is None
        assert (slow["last_status"], slow["last_error"]) == (503, "inbox answered 503")
        good = body["good.example"]
        assert (good["queued"], good["delivered"], good["unreachable"], good["failing_since"]) == (0, 2, False, None)
        assert good["last_success_at"] is not None
        assert body["gone.example"]["failed"] == 2
        assert body["mixed.example"]["queued"] == 1 and body["mixed.example"]["delivered"] == 1
        assert body["mixed.example"]["unreachable"] is False  # waiting, not failing

    def test_costs_the_same_queries_for_few_and_many_instances(self, admin_api, queues,
                                                              django_assert_max_num_queries):
        with django_assert_max_num_queries(6) as few:
            admin_api.get("/api/v1/pleroma/admin/instances")
        for n in range(30):
            Delivery.objects.create(activity=queues["new"], inbox=f"https://host{n}.example/inbox", attempts=1,
                                    last_error="timeout")
        with django_assert_max_num_queries(len(few.captured_queries)):
            assert len(admin_api.get("/api/v1/pleroma/admin/instances").json()) == 34

    def test_refuses_users_who_are_not_staff(self, api, queues):
        response = api(scopes=["admin:read"]).get("/api/v1/pleroma/admin/instances")
        assert response.status_code == 403
        assert response.json() == {"error": "User is not a staff member."}

    def test_refuses_a_token_without_the_admin_scope(self, api, queues):
        response = api(scopes=["read"], is_admin=True).get("/api/v1/pleroma/admin/instances")
        assert response.status_code == 403

    def test_refuses_anonymous(self, anon):
        assert anon.get("/api/v1/pleroma/admin/instances").status_code == 403


class TestShowInstance:
    """GET /api/v1/pleroma/admin/instances/:host"""

    def test_shows_one_instance(self, admin_api, queues):
        body = admin_api.get("/api/v1/pleroma/admin/instances/Slow.Example").json()
        assert (body["host"], body["queued"], body["unreachable"]) == ("slow.example", 3, True)

    def test_an_instance_never_delivered_to_is_a_404(self, admin_api, queues):
        response = admin_api.get("/api/v1/pleroma/admin/instances/never.example")
        assert response.status_code == 404
        assert "error" in response.json()

    def test_a_junk_host_is_a_400(self, admin_api):
        response = admin_api.get("/api/v1/pleroma/admin/instances/bad%20host")
        assert response.status_code == 400
        assert response.json() == {"error": "Invalid host"}


class TestRetryAndDrop:
    """POST /api/v1/pleroma/admin/instances/:host/retry and /drop"""

    def test_retry_starts_failed_and_pending_deliveries_over(self, admin_api, queues,
                                                            django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks() as queued:
            response = admin_api.post("/api/v1/pleroma/admin/instances/gone.example/retry")
        assert response.status_code == 200
        assert response.json() == {"host": "gone.example", "count": 2}
        rows = Delivery.objects.filter(inbox="https://gone.example/inbox")
        assert set(rows.values_list("state", "attempts")) == {("pending", 0)}
        assert len(queued) == 2  # one delivery task each, once committed
        assert Delivery.objects.filter(inbox__contains="slow.example", attempts=3).count() == 2  # others untouched

    def test_retry_of_an_unreachable_instance_resumes_its_deferred_deliveries(self, admin_api, queues,
                                                                              django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks() as queued:
            assert admin_api.post("/api/v1/pleroma/admin/instances/slow.example/retry").json()["count"] == 3
        assert len(queued) == 3
        assert set(Delivery.objects.filter(inbox__contains="slow.example").values_list("state", "attempts")) == {
            ("pending", 0)}
        assert Instance.objects.get(host="slow.example").unreachable_since is None
        assert admin_api.get("/api/v1/pleroma/admin/instances/slow.example").json()["unreachable"] is False

    def test_retry_leaves_what_a_policy_refuses(self, admin_api, queues, settings):
        Delivery.objects.filter(inbox__contains="gone.example").update(last_error="refused by an instance policy")
        assert admin_api.post("/api/v1/pleroma/admin/instances/gone.example/retry").json()["count"] == 0

    def test_drop_gives_up_the_queue(self, admin_api, queues):
        response = admin_api.post("/api/v1/pleroma/admin/instances/slow.example/drop")
        assert response.json() == {"host": "slow.example", "count": 3}
        assert set(Delivery.objects.filter(inbox__contains="slow.example").values_list("state", "last_error")) == {
            ("failed", "dropped by an administrator")}
        assert admin_api.get("/api/v1/pleroma/admin/instances/slow.example").json()["queued"] == 0

    def test_a_read_token_cannot_change_queues(self, api, queues):
        client = api(scopes=["admin:read"], is_admin=True)
        assert client.post("/api/v1/pleroma/admin/instances/slow.example/drop").status_code == 403
        assert Delivery.objects.filter(state="pending", inbox__contains="slow.example").count() == 2


class TestCommand:
    """manage.py federation_queue"""

    def run(self, *args) -> str:
        out = StringIO()
        call_command("federation_queue", *args, stdout=out)
        return out.getvalue()

    def test_lists_instances(self, queues):
        lines = self.run().splitlines()
        assert lines[1].split()[:5] == ["slow.example", "3", "0", "0", "yes"]
        assert [line.split()[0] for line in lines[1:]] == ["slow.example", "mixed.example", "gone.example",
                                                           "good.example"]

    def test_shows_one_with_its_last_error(self, queues):
        assert "last error: 503 inbox answered 503" in self.run("slow.example")
        with pytest.raises(CommandError):
            self.run("never.example")

    def test_retry_and_drop(self, queues, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks():
            assert self.run("--retry", "gone.example").strip() == "2 deliveries to gone.example queued again"
        assert self.run("--drop", "slow.example").strip() == "3 deliveries to slow.example dropped"
        assert not Delivery.objects.filter(inbox__contains="slow.example", state="pending").exists()


class TestDjangoAdmin:
    """/admin/federation/delivery/health/"""

    def test_moderators_see_the_health_page_and_drop_a_queue(self, client, queues):
        client.force_login(UserFactory(is_admin=True))
        page = client.get("/admin/federation/delivery/health/")
        assert page.status_code == 200
        assert "slow.example" in page.content.decode()
        response = client.post("/admin/federation/delivery/health/", {"host": "slow.example", "action": "drop"})
        assert response.status_code == 302
        assert not Delivery.objects.filter(inbox__contains="slow.example", state="pending").exists()

    def test_the_delivery_list_links_to_it(self, client, queues):
        client.force_login(UserFactory(is_admin=True))
        listing = client.get("/admin/federation/delivery/")
        assert listing.status_code == 200
        assert "/admin/federation/delivery/health/" in listing.content.decode()

    def test_instances_are_listed_with_their_reachability(self, client, queues):
        client.force_login(UserFactory(is_admin=True))
        listing = client.get("/admin/federation/instance/", {"unreachable_since__isnull": "False"})
        assert listing.status_code == 200
        assert "slow.example" in listing.content.decode()

    def test_others_are_sent_to_the_login(self, client, queues):
        client.force_login(UserFactory())
        assert client.get("/admin/federation/delivery/health/").status_code == 302
