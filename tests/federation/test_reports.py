"""Reports across servers (reference/federation.md §3.14): POST /api/v1/reports with
`forward` on a remote account sends a Flag from the instance actor; a received Flag
becomes a report for the moderators."""

from __future__ import annotations

from core import ids
from federation import documents
from notifications.models import Notification
from reports.models import Report
from statuses.services import create_status
from tests.factories import StatusFactory, UserFactory
from tests.federation.incoming import REMOTE, deliver, remote_account
from tests.federation.test_publish_audience import inboxes, outbox, remote


class TestForwardedReport:
    """POST /api/v1/reports"""

    def test_forward_sends_a_flag_from_the_instance_actor_to_the_accounts_server(self, api):
        client = api(scopes=["write:reports"])
        erin = remote("erin", "three.example")
        status = StatusFactory(account=erin, local=False, ap_id="https://three.example/objects/1")
        response = client.post("/api/v1/reports", {"account_id": ids.encode(erin.pk),
                                                   "status_ids": [ids.encode(status.pk)],
                                                   "comment": "spam", "forward": "true"}, format="json")
        assert response.status_code == 200, response.content
        assert response.json()["forwarded"] is True
        assert Report.objects.get().forwarded is True
        (flag,) = outbox("Flag")
        assert flag.payload["actor"] == documents.instance_actor_id()
        assert flag.payload["object"] == [erin.ap_id, "https://three.example/objects/1"]
        assert flag.payload["content"] == "spam"
        assert client.user.ap_id not in str(flag.payload)  # the reporter stays anonymous
        assert inboxes(flag) == {"https://three.example/inbox"}

    def test_the_admin_api_shows_the_remote_account_as_remote(self, api):
        client = api(scopes=["write:reports"])
        erin = remote("erin", "three.example")
        assert client.post("/api/v1/reports", {"account_id": ids.encode(erin.pk), "forward": "true"},
                           format="json").status_code == 200
        admin = UserFactory(nickname="admin", is_admin=True)
        (shown,) = api(scopes=["admin:read:reports"], user=admin).get("/api/v1/pleroma/admin/reports").json()["reports"]
        assert (shown["account"]["nickname"], shown["account"]["local"]) == (erin.nickname, False)
        assert (shown["actor"]["nickname"], shown["actor"]["local"]) == (client.user.nickname, True)

    def test_without_forward_or_on_a_local_account_nothing_is_sent(self, api):
        client = api(scopes=["write:reports"])
        erin = remote("erin", "three.example")
        unforwarded = client.post("/api/v1/reports", {"account_id": ids.encode(erin.pk), "comment": "x"},
                                  format="json")
        assert unforwarded.status_code == 200
        assert unforwarded.json()["forwarded"] is False
        local = UserFactory(nickname="local")
        on_local = client.post("/api/v1/reports", {"account_id": ids.encode(local.pk), "forward": True},
                               format="json")
        assert on_local.status_code == 200
        assert on_local.json()["forwarded"] is False  # nowhere to forward to
        assert not outbox("Flag")
        assert Report.objects.count() == 2
        assert not Report.objects.filter(forwarded=True).exists()

    def test_nothing_is_forwarded_when_the_server_does_not_federate(self, api, settings):
        settings.FEDERATING = False
        client = api(scopes=["write:reports"])
        erin = remote("erin", "three.example")
        response = client.post("/api/v1/reports", {"account_id": ids.encode(erin.pk), "forward": "true"},
                               format="json")
        assert response.status_code == 200
        assert response.json()["forwarded"] is False
        assert not outbox("Flag")

    def test_the_moderators_notification_shows_it_forwarded(self, api):
        moderator = UserFactory(nickname="mod", is_moderator=True)
        client = api(scopes=["write:reports"])
        erin = remote("erin", "three.example")
        assert client.post("/api/v1/reports", {"account_id": ids.encode(erin.pk), "forward": "true"},
                           format="json").status_code == 200
        notifications = api(scopes=["read:notifications"], user=moderator).get("/api/v1/notifications").json()
        assert [(n["type"], n["report"]["forwarded"]) for n in notifications] == [("admin.report", True)]


class TestFlagReceived:
    """POST /inbox: Flag"""

    def test_a_flag_becomes_a_report_for_the_moderators(self, anon, api):
        bob = remote_account("bob", REMOTE)
        alice = UserFactory(nickname="alice")
        moderator = UserFactory(nickname="mod", is_moderator=True)
        status = create_status(alice, text="bad post")
        flag = {"id": f"{REMOTE}#flags/1", "type": "Flag", "actor": REMOTE, "content": "please look",
                "object": [alice.ap_id, status.uri, "https://elsewhere.example/objects/9"]}
        assert deliver(anon, bob, flag).state == "done"
        report = Report.objects.get()
        assert (report.account, report.target, report.comment) == (bob, alice, "please look")
        assert list(report.statuses.all()) == [status]
        (notification,) = Notification.objects.filter(user=moderator)
        assert notification.type == "admin.report"
        body = api(scopes=["admin:read:reports"], user=moderator).get("/api/v1/pleroma/admin/reports").json()
        assert [r["content"] for r in body["reports"]] == ["please look"]
        (shown,) = body["reports"]
        assert (shown["actor"]["nickname"], shown["actor"]["local"]) == (bob.nickname, False)
        assert (shown["account"]["nickname"], shown["account"]["local"]) == ("alice", True)
        assert [s["id"] for s in shown["statuses"]] == [ids.encode(status.pk)]
        assert report.forwarded is False

    def test_its_comment_is_kept_as_plain_text(self, anon):
        bob = remote_account("bob", REMOTE)
        alice = UserFactory(nickname="alice")
        flag = {"id": f"{REMOTE}#flags/3", "type": "Flag", "actor": REMOTE, "object": [alice.ap_id],
                "content": '<p>look <a href="https://x.example">here</a><script>alert(1)</script></p>'}
        assert deliver(anon, bob, flag).state == "done"
        assert Report.objects.get().comment == "look here"

    def test_a_flag_of_no_local_account_is_ignored(self, anon):
        bob = remote_account("bob", REMOTE)
        flag = {"id": f"{REMOTE}#flags/2", "type": "Flag", "actor": REMOTE, "object": ["https://x.example/users/y"]}
        assert deliver(anon, bob, flag).state == "ignored"
        assert not Report.objects.exists()
