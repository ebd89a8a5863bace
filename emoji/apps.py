from django.apps import AppConfig


class EmojiConfig(AppConfig):
    name = "emoji"
    # Feature strings this app adds to the instance's features list (instance/features.py).
    pleroma_features: list[str] = []
