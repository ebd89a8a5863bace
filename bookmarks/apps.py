from django.apps import AppConfig


class BookmarksConfig(AppConfig):
    name = "bookmarks"
    # Feature strings this app adds to the instance's features list (instance/features.py).
    pleroma_features: list[str] = ["pleroma:bookmark_folders"]

    def ready(self) -> None:
        from bookmarks.serializers import bookmark_rows, build_bookmarks
        from statuses import registry

        registry.register_keyed("bookmark", bookmark_rows, build_bookmarks)
