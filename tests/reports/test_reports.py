"""POST /api/v1/reports, admin.report notifications, GET /api/v1/instance/rules."""

from __future__ import annotations

import pytest

from core import ids
from notifications.models import Notification
from reports.models import Report, Rule
from statuses.services import create_status
from tests.factories import UserFactory


@pytest.fixture
def reporter(api):
    return api(scopes=["write:reports"])


class TestCreateReport:
    """POST /api/v1/reports"""

    def test_files_a_report_with_statuses(self, reporter):
        target = UserFactory()
        first, second = create_status(target, text="spam"), create_status(target, text="more spam")
        response = reporter.post("/api/v1/reports", {
            "account_id": ids.encode(target.pk), "status_ids[]": [ids.encode(first.pk), ids.encode(second.pk)],
            "comment": "spammer", "category": "spam", "forward": "true"})
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["target_account"]["id"] == ids.encode(target.pk)
        assert set(body["status_ids"]) == {ids.encode(first.pk), ids.encode(second.pk)}
        assert (body["comment"], body["category"], body["action_taken"], body["forwarded"]) == (
            "spammer", "spam", False, False)
        assert body["action_taken_at"] is None and body["rule_ids"] == []
        report = Report.objects.get(pk=ids.decode(body["id"]))
        assert (report.account, report.target, report.forward, report.state) == (reporter.user, target, True, "open")
        assert set(report.statuses.all()) == {first, second}

    def test_json_body_and_rules_make_a_violation(self, reporter):
        rule = Rule.objects.create(text="Be nice")
        target = UserFactory()
        body = reporter.post("/api/v1/reports", {"account_id": ids.encode(target.pk), "rule_ids": [rule.pk],
                                                 "category": "other"}, format="json").json()
        assert (body["category"], body["rule_ids"]) == ("violation", [str(rule.pk)])

    @pytest.mark.parametrize("case", ["missing", "self", "unknown", "deleted"])
    def test_refuses_bad_targets(self, reporter, case):
        data = {"missing": {}, "self": {"account_id": ids.encode(reporter.user.pk)},
                "unknown": {"account_id": ids.encode(ids.new_id())},
                "deleted": {"account_id": ids.encode(UserFactory(is_deleted=True).pk)}}[case]
        response = reporter.post("/api/v1/reports", data)
        assert response.status_code == {"missing": 400, "self": 422, "unknown": 404, "deleted": 404}[case]
        assert "error" in response.json()
        assert not Report.objects.exists()

    def test_refuses_statuses_it_cannot_see_or_of_someone_else(self, reporter):
        target, other = UserFactory(), UserFactory()
        private = create_status(target, text="followers only", visibility="private")
        others = create_status(other, text="not the target's")
        account = ids.encode(target.pk)
        response = reporter.post("/api/v1/reports", {"account_id": account, "status_ids[]": [ids.encode(private.pk)]})
        assert response.status_code == 404
        response = reporter.post("/api/v1/reports", {"account_id": account, "status_ids[]": [ids.encode(others.pk)]})
        assert response.status_code == 422
        assert not Report.objects.exists()

    @pytest.mark.parametrize(("data", "status"), [
        ({"comment": "x" * 1001}, 422), ({"rule_ids[]": ["999"]}, 422), ({"rule_ids[]": ["abc"]}, 422),
        ({"rule_ids[]": ["0" * 30 + "1"]}, 422), ({"rule_ids[]": ["9" * 30]}, 422), ({"rule_ids[]": ["1"] * 101}, 400),
        ({"category": "violation"}, 422), ({"category": "rude"}, 400), ({"status_ids[]": ["junk"]}, 404)])
    def test_refuses_bad_input(self, reporter, data, status):
        response = reporter.post("/api/v1/reports", {"account_id": ids.encode(UserFactory().pk), **data})
        assert response.status_code == status
        assert "error" in response.json()
        assert not Report.objects.exists()

    def test_refuses_a_token_without_write_reports(self, api):
        response = api(scopes=["read", "write:statuses"]).post("/api/v1/reports",
                                                              {"account_id": ids.encode(UserFactory().pk)})
        assert response.status_code == 403
        assert response.json() == {"error": "Insufficient permissions: write:reports."}


class TestReportNotifications:
    """GET /api/v1/notifications for moderators after a report"""

    def test_moderators_get_admin_report_with_the_report(self, reporter, api):
        moderator = api(scopes=["read:notifications"], is_moderator=True)
        admin = UserFactory(is_admin=True)
        bystander = UserFactory()
        target = UserFactory()
        report = reporter.post("/api/v1/reports", {"account_id": ids.encode(target.pk), "comment": "bad"}).json()
        assert set(Notification.objects.filter(type="admin.report").values_list("user_id", flat=True)) == {
            moderator.user.pk, admin.pk}
        assert not Notification.objects.filter(user=bystander).exists()
        [notification] = moderator.get("/api/v1/notifications").json()
        assert notification["type"] == "admin.report"
        assert notification["account"]["id"] == ids.encode(reporter.user.pk)
        assert notification["report"]["id"] == report["id"]
        assert notification["report"]["target_account"]["id"] == ids.encode(target.pk)
        only = moderator.get("/api/v1/notifications", {"types[]": ["admin.report"]}).json()
        assert [n["id"] for n in only] == [notification["id"]]
        assert moderator.get("/api/v1/notifications", {"exclude_types[]": ["admin.report"]}).json() == []

    @pytest.mark.parametrize("size", [1, 20])
    def test_notifications_page_in_constant_queries(self, api, size, django_assert_max_num_queries):
        moderator = api(scopes=["read:notifications"], is_moderator=True)
        for _ in range(size):
            target = UserFactory()
            client = api(scopes=["write:reports"])
            status = create_status(target, text="x")
            client.post("/api/v1/reports", {"account_id": ids.encode(target.pk), "status_ids[]": [ids.encode(status.pk)]})
        with django_assert_max_num_queries(16):
            assert len(moderator.get("/api/v1/notifications").json()) == size


class TestInstanceRules:
    """GET /api/v1/instance/rules"""

    def test_lists_rules_in_order(self, anon):
        second = Rule.objects.create(text="No spam", position=2)
        first = Rule.objects.create(text="Be nice", hint="really", position=1)
        assert anon.get("/api/v1/instance/rules").json() == [
            {"id": str(first.pk), "text": "Be nice", "hint": "really"},
            {"id": str(second.pk), "text": "No spam", "hint": ""}]


class TestOversizedForms:
    """POST /api/v1/reports with more form fields than Django parses"""

    def test_is_a_400_not_a_500(self, reporter, settings):
        settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
        body = "&".join(["rule_ids[]=1"] * 20 + ["account_id=x"])
        response = reporter.post("/api/v1/reports", body, content_type="application/x-www-form-urlencoded")
        assert response.status_code == 400
        assert response.json() == {"error": "Too many fields in the request"}
