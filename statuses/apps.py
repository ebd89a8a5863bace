from django.apps import AppConfig


class StatusesConfig(AppConfig):
    name = "statuses"
    # Feature strings this app adds to the instance's features list (instance/features.py):
    # `to[]` explicit addressing, GET /api/v1/statuses?id[]=, quote_id on posting, and
    # favourited_by/reblogged_by listing the accounts.
    pleroma_features: list[str] = [
        "pleroma_explicit_addressing", "multifetch", "quote_posting", "exposable_reactions",
    ]
