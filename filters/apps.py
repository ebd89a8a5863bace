from django.apps import AppConfig


class FiltersConfig(AppConfig):
    name = "filters"

    def ready(self) -> None:
        from filters import matching
        from statuses import registry

        registry.register_status_filter(matching.annotate, matching.screen)
