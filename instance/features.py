"""The instance's features list: every installed app declares the strings it serves.

An app's `AppConfig.pleroma_features` lists the capability flags (mastodon-base.md 2.17)
of what that app really implements; the list shown in /api/v1/instance and nodeinfo is
their union, in Pleroma's order so that clients and diffs see a stable list.
"""

from __future__ import annotations

from django.apps import apps

# Pleroma's order (InstanceView.features/0); strings not listed here follow, sorted.
PLEROMA_ORDER = [
    "pleroma_api", "mastodon_api", "mastodon_api_streaming", "polls", "v2_suggestions",
    "pleroma_explicit_addressing", "shareable_emoji_packs", "multifetch",
    "pleroma:api/v1/notifications:include_types_filter", "editing", "quote_posting",
    "blockers_visible", "media_proxy", "gopher", "chat", "shout", "relay", "safe_dm_mentions",
    "pleroma_emoji_reactions", "pleroma_custom_emoji_reactions", "pleroma_chat_messages",
    "exposable_reactions", "profile_directory", "pleroma:get:main/ostatus",
    "pleroma:group_actors", "pleroma:bookmark_folders", "translation",
    "akkoma:machine_translation", "language_detection", "events", "multitenancy",
    "pleroma:bites", "bubble_timeline",
]
_RANK = {name: i for i, name in enumerate(PLEROMA_ORDER)}


def features() -> list[str]:
    """The union of every installed app's `pleroma_features`, without duplicates."""
    found: set[str] = set()
    for config in apps.get_app_configs():
        found.update(getattr(config, "pleroma_features", None) or ())
    return sorted(found, key=lambda name: (_RANK.get(name, len(_RANK)), name))
