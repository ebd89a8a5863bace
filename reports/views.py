"""POST /api/v1/reports, and the reports of Pleroma's admin API."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from core.exceptions import ApiError
from core.openapi import ERRORS, one
from core.views import ApiViewSet
from reports import services
from reports.models import Report, Rule
from reports.serializers import (
    AdminReportSerializer,
    CreateReportInput,
    ListReportsInput,
    ReportSerializer,
    UpdateReportsInput,
    render_rule,
)

ReportSchema = inline_serializer("Report", fields={
    "id": serializers.CharField(), "action_taken": serializers.BooleanField(),
    "action_taken_at": serializers.CharField(allow_null=True), "category": serializers.CharField(),
    "comment": serializers.CharField(), "forwarded": serializers.BooleanField(),
    "created_at": serializers.CharField(), "status_ids": serializers.ListField(child=serializers.CharField()),
    "rule_ids": serializers.ListField(child=serializers.CharField()), "target_account": serializers.DictField()})
AdminReportSchema = inline_serializer("AdminReport", fields={
    "id": serializers.CharField(), "account": serializers.DictField(), "actor": serializers.DictField(),
    "content": serializers.CharField(), "created_at": serializers.CharField(),
    "statuses": serializers.ListField(child=serializers.DictField()), "state": serializers.CharField(),
    "notes": serializers.ListField(), "rules": serializers.ListField()})
AdminReportPage = inline_serializer("AdminReportPage", fields={
    "totals": serializers.IntegerField(), "reports": type(AdminReportSchema)(many=True)})
# `list` actions are documented as arrays of the response given: this is one rule.
RuleItem = OpenApiResponse({"type": "object", "properties": {
    "id": {"type": "string"}, "text": {"type": "string"}, "hint": {"type": "string"}}},
    description="The instance's rules")


class ReportViewSet(ApiViewSet):
    """File a report about an account and some of its statuses."""

    scopes = {"create": ["write:reports"]}
    serializer_class = ReportSerializer

    @extend_schema(summary="Report an account (and some of its statuses) to the moderators",
                   request=CreateReportInput,
                   responses={200: ReportSchema, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404],
                              422: ERRORS[422]})
    def create(self, request):
        return self.render(services.create_report(self.viewer, **self.validated(CreateReportInput)))


class RuleViewSet(ApiViewSet):
    """GET /api/v1/instance/rules"""

    @extend_schema(summary="The instance's rules", responses={200: RuleItem})
    def list(self, request):
        return Response([render_rule(rule) for rule in Rule.objects.all()])


class AdminReportViewSet(ApiViewSet):
    """Reports for moderators (Pleroma's admin API)."""

    scopes = {"list": ["admin:read:reports"], "retrieve": ["admin:read:reports"],
              "update": ["admin:write:reports"]}
    serializer_class = AdminReportSerializer

    @extend_schema(summary="Reports, newest first (page, page_size; state filters)", parameters=[
        OpenApiParameter("state", str, enum=Report.State.values), OpenApiParameter("page", int),
        OpenApiParameter("page_size", int)],
        responses={200: one(AdminReportPage), 400: ERRORS[400], 403: ERRORS[403]})
    def list(self, request):
        data = self.validated(ListReportsInput, data=request.query_params)
        reports = Report.objects.select_related("account", "target").order_by("-id")
        if data.get("state"):
            reports = reports.filter(state=data["state"])
        start = (data["page"] - 1) * data["page_size"]
        # Pleroma's admin API pages by number (admin-fe sends page and page_size).
        page = list(reports[start:start + data["page_size"]])
        return Response({"totals": reports.count(), "reports": self.render(page).data})

    @extend_schema(summary="One report", responses={200: AdminReportSchema, 403: ERRORS[403], 404: ERRORS[404]})
    def retrieve(self, request, pk: str):
        return self.render(services.get_report(pk))

    @extend_schema(summary="Change reports' states (open, closed, resolved)", request=UpdateReportsInput,
                   responses={204: None, 400: ERRORS[400], 403: ERRORS[403]})
    def update(self, request):
        errors = services.update_states(self.validated(UpdateReportsInput)["reports"])
        if errors:
            raise ApiError(" ".join(f"{e['id']}: {e['error']}" for e in errors), status=400, errors=errors)
        return Response(status=204)
