from django.apps import AppConfig


class InstanceConfig(AppConfig):
    name = "instance"
    # Feature strings this app adds to the instance's features list (instance/features.py).
    pleroma_features: list[str] = []
