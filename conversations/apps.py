from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "conversations"
    # Feature strings this app adds to the instance's features list (instance/features.py).
    pleroma_features: list[str] = []

    def ready(self) -> None:
        from accounts import registry as account_registry
        from conversations import hooks, services
        from conversations.serializers import apply_direct_conversation_ids, direct_conversation_rows
        from statuses import registry

        registry.register_viewer_part("conversation", direct_conversation_rows,
                                      apply_direct_conversation_ids)
        for hooks_list, hook in ((registry.before_create, hooks.before_create),
                                 (registry.after_create, hooks.after_create),
                                 (registry.after_receive, services.file_direct_status),
                                 (account_registry.own_counters, services.unread_count)):
            if hook not in hooks_list:
                hooks_list.append(hook)
