"""Conversations: filing direct statuses, replying through a conversation, read state,
recipients. Every write goes through here."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from conversations.models import Conversation, Participation, ParticipationRecipient
from core import ids
from core.exceptions import NotFound
from relationships.models import Block

UNKNOWN = "Unknown conversation id"
MAX_ID = (1 << 63) - 1


def parse_id(value) -> int | None:
    text = str(value).strip() if value is not None else ""
    if not text.isdigit() or int(text) > MAX_ID:
        return None
    return int(text)


def get_own_participation(user, conversation_id, *, message: str = UNKNOWN) -> Participation:
    """user's participation by its (conversation) id; anyone else's is as unknown as a missing one."""
    pk = parse_id(conversation_id)
    participation = (Participation.objects.select_related("conversation").filter(pk=pk, user=user).first()
                     if pk is not None else None)
    if participation is None:
        raise NotFound(message)
    return participation


def for_user(user) -> QuerySet[Participation]:
    return Participation.objects.filter(user=user)


def with_recipients(queryset: QuerySet[Participation], user, account_ids: list) -> QuerySet[Participation]:
    """Only participations whose recipients are exactly user plus account_ids
    (Pleroma's `recipients[]` filter on GET /api/v1/conversations)."""
    wanted = {pk for pk in (ids.decode(str(a)) for a in account_ids) if pk is not None} | {user.pk}
    outsiders = ParticipationRecipient.objects.filter(~Q(user_id__in=wanted)).values("participation_id")
    return (queryset.exclude(pk__in=outsiders)
            .annotate(recipient_count=Count("recipients", distinct=True))
            .filter(recipient_count=len(wanted)))


def direct_recipient_ids(status) -> set:
    """Who a direct status addresses: its author and the accounts it mentions."""
    from statuses.models import Mention

    return {status.account_id, *Mention.objects.filter(status=status).values_list("account_id", flat=True)}


def file_direct_status(status) -> Conversation | None:
    """File a new direct status into its thread's conversation (statuses.registry.after_create).

    Every addressed account gets a participation; a new one takes this status's recipients,
    an existing one keeps its own (only the user changes them). The participation is bumped:
    unread for everyone but the author, and read for a participant who blocks another one
    (pleroma-content §9.1).
    """
    if status.visibility != "direct" or status.reblog_of_id or status.context_id is None:
        return None
    recipients = direct_recipient_ids(status)
    with transaction.atomic():
        conversation, _ = Conversation.objects.get_or_create(context_id=status.context_id)
        # Serialise filings into one conversation: both would create the same participations.
        Conversation.objects.select_for_update().filter(pk=conversation.pk).first()
        existing = set(Participation.objects.filter(conversation=conversation, user_id__in=recipients)
                       .values_list("user_id", flat=True))
        created = Participation.objects.bulk_create([
            Participation(user_id=user_id, conversation=conversation, last_status=status,
                          last_activity_id=status.pk) for user_id in recipients - existing])
        ParticipationRecipient.objects.bulk_create([
            ParticipationRecipient(participation=p, user_id=user_id)
            for p in created for user_id in recipients])
        blockers = set(Block.objects.filter(blocker_id__in=recipients, blocked_id__in=recipients)
                       .values_list("blocker_id", flat=True))
        stay_read = {status.account_id} | blockers
        bump = dict(last_status=status, last_activity_id=status.pk, updated_at=timezone.now())
        addressed = Participation.objects.filter(conversation=conversation, user_id__in=recipients)
        addressed.filter(user_id__in=stay_read).update(read=True, **bump)
        addressed.exclude(user_id__in=stay_read).update(read=False, **bump)
    return conversation


def reply_arguments(author, conversation_id) -> dict:
    """create_status arguments for a reply through a conversation: direct, addressed to
    exactly its recipients, in its thread (pleroma-content §9.7). Only the author's own
    conversations are accepted, unlike Pleroma, which lets anyone post into any thread."""
    participation = get_own_participation(author, conversation_id)
    to = list(participation.recipients.exclude(pk=author.pk).order_by("id"))
    return {"visibility": "direct", "to": to, "context": participation.conversation.context}


def mark_read(participation: Participation) -> Participation:
    """Mark one conversation read."""
    Participation.objects.filter(pk=participation.pk).update(read=True)
    participation.read = True
    return participation


def mark_all_read(user) -> list[Participation]:
    """Mark every unread conversation of user read; returns those that changed, newest first."""
    with transaction.atomic():
        changed = list(Participation.objects.select_for_update().filter(user=user, read=False)
                       .values_list("pk", flat=True))
        Participation.objects.filter(pk__in=changed).update(read=True)
    return list(Participation.objects.filter(pk__in=changed).for_api().order_by("-last_activity_id"))


def delete_participation(participation: Participation) -> None:
    """Leave a conversation (Mastodon's DELETE): a later direct message re-creates it."""
    with transaction.atomic():
        # The participation row first, then its recipients (the cascade): the order
        # set_recipients takes them in, so the two cannot deadlock.
        Participation.objects.select_for_update().filter(pk=participation.pk).exists()
        participation.delete()


def set_recipients(participation: Participation, account_ids: list) -> Participation:
    """Replace the recipients; the owner always stays in, unknown ids are ignored. Nobody
    gets a participation until a message is sent to them (pleroma-content §9.5)."""
    pks = {pk for pk in (ids.decode(str(a)) for a in account_ids if a not in (None, "")) if pk is not None}
    users = set(User.objects.filter(pk__in=pks, is_active=True, is_deleted=False)
                .values_list("pk", flat=True))
    users.add(participation.user_id)
    with transaction.atomic():
        # The row lock holds off a concurrent DELETE of the conversation until the new
        # recipients are in; if that DELETE won, there is nothing left to update.
        if not Participation.objects.select_for_update().filter(pk=participation.pk).exists():
            raise NotFound()
        ParticipationRecipient.objects.filter(participation=participation).delete()
        ParticipationRecipient.objects.bulk_create(
            [ParticipationRecipient(participation=participation, user_id=u) for u in users])
    return participation


def unread_count(user) -> dict:
    """accounts.registry own counter: `unread_conversation_count`."""
    return {"unread_conversation_count": Participation.objects.filter(user=user, read=False).count()}
