from django.apps import AppConfig


class EmojiConfig(AppConfig):
    name = "emoji"
    verbose_name = "Custom emoji"
    # Feature strings this app adds to the instance's features list (instance/features.py).
    pleroma_features: list[str] = [
        "pleroma_emoji_reactions",
        "pleroma_custom_emoji_reactions",
        "exposable_reactions",
        "shareable_emoji_packs",
    ]

    def ready(self) -> None:
        from emoji.reactions.loader import apply_reactions, load_reactions, reaction_rows
        from emoji.status_emojis import emojis_in_text, load_status_emojis
        from statuses import registry

        registry.register(load_reactions)
        registry.register(load_status_emojis)
        if emojis_in_text not in registry.text_emojis:
            registry.text_emojis.append(emojis_in_text)
        registry.register_viewer_part("reaction", reaction_rows, apply_reactions)
