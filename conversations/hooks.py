"""What conversations adds around status creation (statuses.registry hooks)."""

from __future__ import annotations

from conversations import services


def before_create(author, params: dict) -> dict:
    """`in_reply_to_conversation_id` makes a direct status to the conversation's recipients."""
    conversation_id = params.get("in_reply_to_conversation_id")
    if conversation_id in (None, ""):
        return {}
    return services.reply_arguments(author, conversation_id)


def after_create(status, params: dict) -> None:
    """Every direct status is filed into its thread's conversation."""
    services.file_direct_status(status)
