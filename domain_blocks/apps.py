from django.apps import AppConfig


class DomainBlocksConfig(AppConfig):
    name = "domain_blocks"
    pleroma_features: list[str] = []

    def ready(self) -> None:
        from accounts import registry
        from domain_blocks.services import relationship_fields

        if relationship_fields not in registry.relationship_parts:
            registry.relationship_parts.append(relationship_fields)
