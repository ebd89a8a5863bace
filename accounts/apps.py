from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    # Feature strings this app adds to the instance's features list (instance/features.py).
    pleroma_features: list[str] = []

    def ready(self) -> None:
        from django.db.models.signals import post_save, pre_save

        from accounts.models import STATE_FIELDS, UNRENDERED_USER_FIELDS, App, User
        from core import render_cache

        render_cache.forget_on_change(User, "a", lambda user: user.pk,
                                      unrendered_fields=UNRENDERED_USER_FIELDS)

        def app_renamed(sender, instance, created, **kwargs):
            if not created:  # statuses show their application's name and website
                render_cache.bump_generation()

        post_save.connect(app_renamed, sender=App, weak=False, dispatch_uid="render-cache:app")

        def activation_changed(sender, instance, update_fields=None, **kwargs):
            """An account (de)activated changes which replies and quotes of it anyone may
            see, on every status that refers to it: drop the whole cache."""
            if instance._state.adding or (update_fields is not None
                                          and not set(STATE_FIELDS) & set(update_fields)):
                return
            before = User.objects.filter(pk=instance.pk).values_list(*STATE_FIELDS).first()
            if before is not None and before != tuple(getattr(instance, f) for f in STATE_FIELDS):
                render_cache.bump_generation()

        pre_save.connect(activation_changed, sender=User, weak=False, dispatch_uid="render-cache:activation")
