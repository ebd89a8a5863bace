from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "events"
    # Feature strings this app adds to the instance's features list (instance/features.py).
    pleroma_features: list[str] = ["events"]

    def ready(self) -> None:
        from events.serializers import load_events, load_participation_messages
        from notifications import registry as notification_registry
        from statuses import registry

        registry.register(load_events)
        notification_registry.register(load_participation_messages)
