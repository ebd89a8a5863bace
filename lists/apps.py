from django.apps import AppConfig


class ListsConfig(AppConfig):
    name = "lists"
    pleroma_features: list[str] = []

    def ready(self) -> None:
        from lists.timelines import exclusive_members
        from statuses import registry

        if exclusive_members not in registry.home_author_filters:
            registry.home_author_filters.append(exclusive_members)
