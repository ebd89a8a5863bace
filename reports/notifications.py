"""What reports add to the Notification entity: `report` on `admin.report` notifications."""

from __future__ import annotations

from reports.models import ReportNotification
from reports.serializers import ReportSerializer


def report_fields(notifications: list) -> dict:
    """notifications.registry loader: the Report of each `admin.report` notification (three
    queries for the page, none without one)."""
    wanted = [n.pk for n in notifications if n.type == "admin.report"]
    if not wanted:
        return {}
    links = {link.notification_id: link.report
             for link in ReportNotification.objects.filter(notification_id__in=wanted).select_related("report")}
    reports = list({r.pk: r for r in links.values()}.values())
    serializer = ReportSerializer(context=ReportSerializer.context_for(None, reports))
    rendered = {r.pk: serializer.to_representation(r) for r in reports}
    return {pk: {"report": rendered[report.pk]} for pk, report in links.items()}
