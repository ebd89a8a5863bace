from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    # Feature strings this app adds to the instance's features list (instance/features.py).
    pleroma_features: list[str] = ["pleroma:api/v1/notifications:include_types_filter"]
