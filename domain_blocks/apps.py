from django.apps import AppConfig


class DomainBlocksConfig(AppConfig):
    name = "domain_blocks"
    pleroma_features: list[str] = []

    def ready(self) -> None:
        from accounts import registry
        from domain_blocks.services import (
            hidden_accounts,
            not_hidden_status_sql,
            refuses_follow,
            relationship_fields,
        )
        from notifications import registry as notification_hooks
        from relationships import registry as relationship_hooks
        from statuses import registry as status_hooks

        if relationship_fields not in registry.relationship_parts:
            registry.relationship_parts.append(relationship_fields)
        if not_hidden_status_sql not in status_hooks.viewer_status_conditions:
            status_hooks.viewer_status_conditions.append(not_hidden_status_sql)
        if hidden_accounts not in notification_hooks.hidden_accounts:
            notification_hooks.hidden_accounts.append(hidden_accounts)
        if refuses_follow not in relationship_hooks.follow_refusals:
            relationship_hooks.follow_refusals.append(refuses_follow)
