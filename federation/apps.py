from django.apps import AppConfig


class FederationConfig(AppConfig):
    """ActivityPub server to server: keys, documents, signatures, remote actors."""

    name = "federation"

    def ready(self) -> None:
        from django.db import transaction
        from django.db.models.signals import post_save

        from accounts import registry
        from accounts.models import User
        from federation import incoming, publish, publish_events, publish_features, resolver
        from relationships import registry as relationship_hooks
        from statuses import registry as status_hooks

        registry.account_resolvers.append(resolver.resolve_account)
        registry.account_finders.append(resolver.find_account)
        status_hooks.status_resolvers.append(resolver.resolve_status)
        relationship_hooks.follow_request_answered.append(incoming.follow_request_answered)
        publish.register()
        publish_features.register()
        publish_events.register()

        def account_created(sender, instance, created, raw=False, **kwargs):
            """A new local account gets its keypair from a task once the row is committed
            (generating an RSA key is too slow for the request); documents that need it
            first make it on the spot (federation.keys.key_for_user)."""
            if not created or raw or instance.domain:
                return
            from federation import tasks

            user_id = str(instance.pk)
            transaction.on_commit(lambda: tasks.create_actor_key.delay(user_id))

        post_save.connect(account_created, sender=User, weak=False, dispatch_uid="federation:actor-key")
