from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "events"
    # Feature strings this app adds to the instance's features list (instance/features.py).
    pleroma_features: list[str] = ["events"]

    def ready(self) -> None:
        from events.serializers import load_events
        from statuses import registry

        registry.register(load_events)
