from django.apps import AppConfig


class DiscoveryConfig(AppConfig):
    """Finding accounts and what is happening: account search, the profile directory,
    suggestions, familiar followers, trends (no tables of its own)."""

    name = "discovery"
    pleroma_features: list[str] = []  # profile_directory is in instance/features.py
