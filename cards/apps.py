from django.apps import AppConfig
from django.db.models.signals import post_save


class CardsConfig(AppConfig):
    name = "cards"

    def ready(self) -> None:
        from cards import hooks
        from cards.models import StatusCard
        from core.render_cache import forget_on_change
        from statuses import registry
        from statuses.models import Status

        registry.register(hooks.load_cards)
        if hooks.after_create not in registry.after_create:
            registry.after_create.append(hooks.after_create)
        after_update = getattr(registry, "after_update", None)
        if after_update is not None and hooks.after_update not in after_update:
            after_update.append(hooks.after_update)
        post_save.connect(hooks.remote_status_saved, sender=Status, weak=False,
                          dispatch_uid="cards:remote-status")
        # A card landing (or going) changes the status's cached entity.
        forget_on_change(StatusCard, "s", lambda link: link.status_id)
