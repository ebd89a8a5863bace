"""The Report entity (Mastodon) and the report of Pleroma's admin API; inputs."""

from __future__ import annotations

from rest_framework import serializers

from core import ids
from core.fields import BooleanLikeField, StringListField
from core.renderers import format_datetime
from reports.models import Report


def _statuses_and_rules(reports: list[Report]) -> tuple[dict, dict]:
    """{report pk: [status pk]} and {report pk: [Rule]} in two queries."""
    through = Report.statuses.through.objects.filter(report_id__in=[r.pk for r in reports])
    statuses: dict = {}
    for report_id, status_id in through.values_list("report_id", "status_id"):
        statuses.setdefault(report_id, []).append(status_id)
    rules: dict = {}
    for link in Report.rules.through.objects.filter(report_id__in=[r.pk for r in reports]).select_related("rule"):
        rules.setdefault(link.report_id, []).append(link.rule)
    return statuses, rules


def render_rule(rule) -> dict:
    return {"id": str(rule.pk), "text": rule.text, "hint": rule.hint}


class ReportSerializer(serializers.BaseSerializer):
    """Mastodon's Report entity, as its author (and notified moderators) see it."""

    @classmethod
    def context_for(cls, viewer, reports, request=None) -> dict:
        from statuses.rendering import render_accounts

        statuses, rules = _statuses_and_rules(reports)
        return {"accounts": render_accounts(viewer, {r.target_id for r in reports}),
                "report_statuses": statuses, "report_rules": rules}

    def to_representation(self, report: Report) -> dict:
        return {
            "id": ids.encode(report.pk),
            "action_taken": report.state != Report.State.OPEN,
            "action_taken_at": format_datetime(report.action_taken_at) if report.action_taken_at else None,
            "category": report.category,
            "comment": report.comment,
            "forwarded": report.forwarded,
            "created_at": format_datetime(report.created_at),
            "status_ids": [ids.encode(pk) for pk in self.context["report_statuses"].get(report.pk, [])],
            "rule_ids": [str(rule.pk) for rule in self.context["report_rules"].get(report.pk, [])],
            "target_account": self.context["accounts"].get(report.target_id),
        }


def admin_account(entity: dict | None, user) -> dict | None:
    """Pleroma's admin API merges its own account fields into the Account entity."""
    if entity is None:
        return None
    return {**entity, "nickname": user.nickname, "is_active": user.is_active, "local": user.is_local,
            "roles": {"admin": user.is_admin, "moderator": user.is_moderator}, "tags": list(user.tags),
            "is_confirmed": user.is_confirmed, "is_approved": user.is_approved}


class AdminReportSerializer(serializers.BaseSerializer):
    """A report as Pleroma's admin API shows it: both accounts, the statuses, state, notes, rules."""

    @classmethod
    def context_for(cls, viewer, reports, request=None) -> dict:
        from statuses.rendering import render_accounts, render_page

        statuses, rules = _statuses_and_rules(reports)
        accounts = render_accounts(None, {r.account_id for r in reports} | {r.target_id for r in reports})
        return {"accounts": accounts, "report_statuses": statuses, "report_rules": rules,
                "rendered": render_page(None, [pk for pks in statuses.values() for pk in pks])}

    def to_representation(self, report: Report) -> dict:
        accounts, rendered = self.context["accounts"], self.context["rendered"]
        return {
            "id": ids.encode(report.pk),
            "account": admin_account(accounts.get(report.target_id), report.target),
            "actor": admin_account(accounts.get(report.account_id), report.account),
            "content": report.comment,
            "created_at": format_datetime(report.created_at),
            "statuses": [rendered[pk] for pk in self.context["report_statuses"].get(report.pk, []) if pk in rendered],
            "state": report.state,
            "category": report.category,
            "notes": [],
            "rules": [render_rule(rule) for rule in self.context["report_rules"].get(report.pk, [])],
        }


class CreateReportInput(serializers.Serializer):
    """POST /api/v1/reports"""

    account_id = serializers.CharField(max_length=64)
    status_ids = StringListField(child=serializers.CharField(max_length=64), required=False, default=list,
                                 max_length=100)
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=100_000,
                                    trim_whitespace=False)
    category = serializers.ChoiceField(choices=Report.Category.choices, required=False)
    rule_ids = StringListField(child=serializers.CharField(max_length=32), required=False, default=list,
                               max_length=100)
    forward = BooleanLikeField(default=False)


class ListReportsInput(serializers.Serializer):
    """GET /api/v1/pleroma/admin/reports"""

    state = serializers.ChoiceField(choices=Report.State.choices, required=False)
    page = serializers.IntegerField(required=False, default=1, min_value=1, max_value=100_000)
    page_size = serializers.IntegerField(required=False, default=50, min_value=1, max_value=500)


class ReportStateChange(serializers.Serializer):
    id = serializers.CharField(max_length=64)
    state = serializers.CharField(max_length=32)


class UpdateReportsInput(serializers.Serializer):
    """PATCH /api/v1/pleroma/admin/reports"""

    reports = ReportStateChange(many=True, allow_empty=False)
