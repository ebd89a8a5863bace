from django.apps import AppConfig


class PreferencesConfig(AppConfig):
    name = "preferences"
    pleroma_features: list[str] = []

    def ready(self) -> None:
        from accounts import registry as account_registry
        from preferences import services
        from statuses import registry

        for hooks_list, hook in ((registry.before_create, services.posting_defaults),
                                 (account_registry.source_writers, services.save_source),
                                 (account_registry.source_readers, services.render_source)):
            if hook not in hooks_list:
                hooks_list.append(hook)
