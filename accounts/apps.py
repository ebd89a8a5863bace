from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    # Feature strings this app adds to the instance's features list (instance/features.py).
    pleroma_features: list[str] = []

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from accounts.models import UNRENDERED_USER_FIELDS, App, User
        from core import render_cache

        render_cache.forget_on_change(User, "a", lambda user: user.pk,
                                      unrendered_fields=UNRENDERED_USER_FIELDS)

        def app_renamed(sender, instance, created, **kwargs):
            if not created:  # statuses show their application's name and website
                render_cache.bump_generation()

        post_save.connect(app_renamed, sender=App, weak=False, dispatch_uid="render-cache:app")
