from django.apps import AppConfig


class MrfConfig(AppConfig):
    """Instance policies (Pleroma's MRF): what this server does with activities, objects and
    actor documents from other servers, configured by environment and in the admin."""

    name = "mrf"
    verbose_name = "Instance policies (MRF)"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from mrf.config import forget_cached_rows
        from mrf.models import InstancePolicy, KeywordRule

        for model in (InstancePolicy, KeywordRule):
            post_save.connect(forget_cached_rows, sender=model, dispatch_uid=f"mrf:forget:{model.__name__}:save")
            post_delete.connect(forget_cached_rows, sender=model,
                                dispatch_uid=f"mrf:forget:{model.__name__}:delete")
