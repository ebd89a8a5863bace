from django.apps import AppConfig


class TagsConfig(AppConfig):
    name = "tags"
    pleroma_features: list[str] = []

    def ready(self) -> None:
        from statuses import registry
        from tags.services import home_source

        if home_source not in registry.home_sources:
            registry.home_sources.append(home_source)
