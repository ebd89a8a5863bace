from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "events"
    # Feature strings this app adds to the instance's features list (instance/features.py).
    pleroma_features: list[str] = ["events"]

    def ready(self) -> None:
        from events.serializers import (
            apply_participations,
            load_events,
            load_participation_messages,
            participation_rows,
        )
        from events.services import refuse_status_edit
        from notifications import registry as notification_registry
        from statuses import registry

        registry.register(load_events)
        if refuse_status_edit not in registry.before_update:
            registry.before_update.append(refuse_status_edit)
        registry.register_viewer_part("event", participation_rows, apply_participations)

        from core.render_cache import forget_on_change
        from events.models import Event, Participation

        forget_on_change(Event, "s", lambda event: event.status_id)
        forget_on_change(Participation, "s", lambda participation: Event.objects.filter(
            pk=participation.event_id).values_list("status_id", flat=True).first())
        notification_registry.register(load_participation_messages)
