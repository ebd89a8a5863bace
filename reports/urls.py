from django.urls import path

from reports.views import AdminReportViewSet, ReportViewSet, RuleViewSet

urlpatterns = [
    # reports
    path("api/v1/reports", ReportViewSet.as_view({"post": "create"})),
    # the instance's rules
    path("api/v1/instance/rules", RuleViewSet.as_view({"get": "list"})),
    # reports for moderators (Pleroma's admin API)
    path("api/v1/pleroma/admin/reports", AdminReportViewSet.as_view({"get": "list", "patch": "update"})),
    path("api/v1/pleroma/admin/reports/<str:pk>", AdminReportViewSet.as_view({"get": "retrieve"})),
]
