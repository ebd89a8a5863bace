from django.apps import AppConfig


class InstanceConfig(AppConfig):
    name = "instance"
    # Feature strings this app adds to the instance's features list (instance/features.py):
    # both APIs are served; /api/v2/suggestions answers (with nothing to suggest, like Pleroma).
    pleroma_features: list[str] = ["pleroma_api", "mastodon_api", "v2_suggestions"]

    def ready(self) -> None:
        from instance import health  # noqa: F401  (connects the job counters to Celery signals)
