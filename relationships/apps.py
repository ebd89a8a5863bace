from django.apps import AppConfig


class RelationshipsConfig(AppConfig):
    """Follows, blocks, mutes, endorsements, notes and their imports (depends on accounts)."""

    name = "relationships"

    def ready(self) -> None:
        from accounts import registry
        from relationships import account_hooks

        registry.relationships = account_hooks.AccountRelationships()
        registry.own_counters.append(account_hooks.follow_request_count)
        registry.account_data_removers.append(account_hooks.remove_relationships)
