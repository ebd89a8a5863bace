from django.apps import AppConfig
from django.db.models.signals import pre_delete


class StatusesConfig(AppConfig):
    name = "statuses"
    # Feature strings this app adds to the instance's features list (instance/features.py):
    # `to[]` explicit addressing, GET /api/v1/statuses?id[]=, quote_id on posting, and
    # favourited_by/reblogged_by listing the accounts, polls on statuses.
    pleroma_features: list[str] = [
        "polls", "pleroma_explicit_addressing", "multifetch", "quote_posting", "exposable_reactions",
    ]

    def ready(self) -> None:
        from core.render_cache import forget_on_change
        from statuses import registry
        from statuses.models import EmojiReaction, MediaAttachment, Poll, Status
        from statuses.poll_entity import apply_polls, load_polls, poll_rows
        from statuses.services import remote_media

        registry.register(load_polls)
        registry.before_delete.append(remote_media.drop_copies)
        registry.register_viewer_part("poll", poll_rows, apply_polls)
        forget_on_change(Poll, "s", lambda poll: poll.status_id)
        forget_on_change(Status, "s", lambda status: status.pk)
        forget_on_change(MediaAttachment, "s", lambda media: media.status_id)
        forget_on_change(EmojiReaction, "s", lambda reaction: reaction.status_id)

        def forget_referring(sender, instance, **kwargs):
            """Replies and quotes of a deleted status lose their link to it (SET_NULL)."""
            from django.db.models import Q

            from core.render_cache import forget

            forget("s", Status.objects.filter(Q(in_reply_to_id=instance.pk) | Q(quote_id=instance.pk))
                   .values_list("pk", flat=True))

        pre_delete.connect(forget_referring, sender=Status, weak=False, dispatch_uid="render-cache:referring")
