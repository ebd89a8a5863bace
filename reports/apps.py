from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    pleroma_features: list[str] = []

    def ready(self) -> None:
        from notifications import registry
        from reports.notifications import report_fields

        registry.register(report_fields)
