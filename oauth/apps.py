from django.apps import AppConfig


class OAuthConfig(AppConfig):
    """OAuth apps and tokens (Mastodon-compatible, on django-oauth-toolkit), the authorize
    page, and MFA (depends on accounts, whose App model DOT uses)."""

    name = "oauth"
    label = "oauth"

    def ready(self) -> None:
        from accounts import registry
        from oauth import mfa

        registry.account_data_removers.append(mfa.remove_devices)
