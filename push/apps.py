from django.apps import AppConfig


class PushConfig(AppConfig):
    name = "push"
    verbose_name = "Web Push"

    def ready(self) -> None:
        from push import announce, vapid

        vapid.configured()  # refuse to start with a broken PLEROMA_VAPID_* setting
        announce.connect()
