"""Reports in Pleroma's admin API and in the Django admin."""

from __future__ import annotations

import pytest

from core import ids
from reports import services
from reports.models import Report
from statuses.services import create_status
from tests.factories import UserFactory


@pytest.fixture
def report():
    reporter, target = UserFactory(), UserFactory()
    status = create_status(target, text="offending")
    return services.create_report(reporter, account_id=ids.encode(target.pk), status_ids=[ids.encode(status.pk)],
                                  comment="look")


@pytest.fixture
def moderator(api):
    return api(scopes=["admin:read:reports", "admin:write:reports"], is_moderator=True)


class TestListReports:
    """GET /api/v1/pleroma/admin/reports"""

    def test_lists_reports_with_accounts_statuses_and_state(self, moderator, report):
        body = moderator.get("/api/v1/pleroma/admin/reports").json()
        assert body["totals"] == 1
        [shown] = body["reports"]
        assert shown["id"] == ids.encode(report.pk)
        assert shown["account"]["id"] == ids.encode(report.target_id)
        assert shown["account"]["nickname"] == report.target.nickname
        assert shown["actor"]["id"] == ids.encode(report.account_id)
        assert shown["content"] == "look" and shown["state"] == "open" and shown["notes"] == []
        assert [s["id"] for s in shown["statuses"]] == [ids.encode(report.statuses.get().pk)]

    def test_filters_by_state_and_pages(self, moderator, report):
        services.set_state(report, "resolved")
        for _ in range(3):
            services.create_report(UserFactory(), account_id=ids.encode(UserFactory().pk))
        assert moderator.get("/api/v1/pleroma/admin/reports", {"state": "resolved"}).json()["totals"] == 1
        assert moderator.get("/api/v1/pleroma/admin/reports", {"state": "open"}).json()["totals"] == 3
        page = moderator.get("/api/v1/pleroma/admin/reports", {"page": 2, "page_size": 3}).json()
        assert page["totals"] == 4 and len(page["reports"]) == 1
        assert moderator.get("/api/v1/pleroma/admin/reports", {"state": "lost"}).status_code == 400

    def test_refuses_non_staff(self, api, report):
        response = api(scopes=["admin:read:reports"]).get("/api/v1/pleroma/admin/reports")
        assert response.status_code == 403
        assert response.json() == {"error": "User is not a staff member."}

    @pytest.mark.parametrize("size", [1, 20])
    def test_constant_queries(self, moderator, size, django_assert_max_num_queries):
        for _ in range(size):
            target = UserFactory()
            status = create_status(target, text="x")
            services.create_report(UserFactory(), account_id=ids.encode(target.pk), status_ids=[ids.encode(status.pk)])
        with django_assert_max_num_queries(14):
            assert len(moderator.get("/api/v1/pleroma/admin/reports").json()["reports"]) == size


class TestShowAndUpdateReports:
    """GET /api/v1/pleroma/admin/reports/:id, PATCH /api/v1/pleroma/admin/reports"""

    def test_shows_one(self, moderator, report):
        assert moderator.get(f"/api/v1/pleroma/admin/reports/{ids.encode(report.pk)}").json()["id"] == ids.encode(
            report.pk)
        assert moderator.get(f"/api/v1/pleroma/admin/reports/{ids.encode(ids.new_id())}").status_code == 404

    def test_changes_states(self, moderator, report):
        response = moderator.patch("/api/v1/pleroma/admin/reports", {"reports": [
            {"id": ids.encode(report.pk), "state": "resolved"}]}, format="json")
        assert response.status_code == 204
        report.refresh_from_db()
        assert report.state == "resolved" and report.action_taken_at is not None

    def test_reports_what_it_could_not_change(self, moderator, report):
        missing = ids.encode(ids.new_id())
        response = moderator.patch("/api/v1/pleroma/admin/reports", {"reports": [
            {"id": ids.encode(report.pk), "state": "closed"}, {"id": missing, "state": "closed"},
            {"id": ids.encode(report.pk), "state": "lost"}]}, format="json")
        assert response.status_code == 400
        assert response.json()["errors"] == [{"id": missing, "error": "Record not found"},
                                             {"id": ids.encode(report.pk), "error": "Unsupported state: lost"}]
        report.refresh_from_db()
        assert report.state == "closed"

    def test_the_reporter_sees_action_taken(self, moderator, report):
        report = services.set_state(report, "resolved")
        from reports.serializers import ReportSerializer
        entity = ReportSerializer(report, context=ReportSerializer.context_for(None, [report])).data
        assert entity["action_taken"] is True

    def test_refuses_a_read_only_admin_token(self, api, report):
        client = api(scopes=["admin:read:reports"], is_admin=True)
        response = client.patch("/api/v1/pleroma/admin/reports", {"reports": [
            {"id": ids.encode(report.pk), "state": "closed"}]}, format="json")
        assert response.status_code == 403
        assert Report.objects.get(pk=report.pk).state == "open"


class TestDjangoAdmin:
    """/admin/reports/report/"""

    def test_moderators_list_filter_and_resolve(self, client, report):
        admin = UserFactory(is_admin=True)
        client.force_login(admin)
        listing = client.get("/admin/reports/report/", {"state__exact": "open"})
        assert listing.status_code == 200
        assert report.target.nickname in listing.content.decode()
        response = client.post("/admin/reports/report/", {"action": "resolve", "_selected_action": [str(report.pk)]})
        assert response.status_code == 302
        report.refresh_from_db()
        assert report.state == "resolved"
