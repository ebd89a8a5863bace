from django.apps import AppConfig


class BookmarksConfig(AppConfig):
    name = "bookmarks"
    # Feature strings this app adds to the instance's features list (instance/features.py).
    pleroma_features: list[str] = ["pleroma:bookmark_folders"]

    def ready(self) -> None:
        from bookmarks.serializers import apply_bookmarks, bookmark_rows
        from statuses import registry

        registry.register_viewer_part("bookmark", bookmark_rows, apply_bookmarks)
