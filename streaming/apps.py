from django.apps import AppConfig


class StreamingConfig(AppConfig):
    name = "streaming"
    # Feature strings this app adds to the instance's features list (instance/features.py).
    pleroma_features: list[str] = ["mastodon_api_streaming"]

    def ready(self) -> None:
        from streaming import announce

        announce.connect()
