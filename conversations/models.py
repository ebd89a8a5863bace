"""Pleroma conversations: one per thread holding direct statuses, one participation per user.

The participation id is what the API calls the conversation id (an integer, as Pleroma's:
`pleroma.direct_conversation_id` is a number; pleroma-content §9.1, §13).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.ids import new_id


class Conversation(models.Model):
    """The direct-message side of a thread (StatusContext)."""

    context = models.OneToOneField("statuses.StatusContext", on_delete=models.CASCADE,
                                   related_name="conversation")
    created_at = models.DateTimeField(default=timezone.now)


class ParticipationQuerySet(models.QuerySet):
    """`Participation.objects.filter(user=u).for_api()`."""

    def for_api(self):
        """What ConversationSerializer reads: recipients and the last status."""
        from accounts.models import User

        return self.select_related("last_status", "last_status__account").prefetch_related(
            models.Prefetch("recipients", queryset=User.objects.order_by("id")))


class Participation(models.Model):
    """user's side of a conversation: read state, and the recipients a reply through it
    addresses, fixed when created and changed only by the user (PATCH)."""

    id = models.BigAutoField(primary_key=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="participations")
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE,
                                     related_name="participations")
    recipients = models.ManyToManyField(settings.AUTH_USER_MODEL, through="ParticipationRecipient",
                                        related_name="+")
    read = models.BooleanField(default=False)
    last_status = models.ForeignKey("statuses.Status", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    # The list cursor: the id of the newest status that bumped it (kept if that is deleted).
    last_activity_id = models.UUIDField(default=new_id)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = ParticipationQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "conversation"],
                                               name="unique_participation")]
        indexes = [models.Index(fields=["user", "-last_activity_id"]),
                   models.Index(fields=["user", "read"])]


class ParticipationRecipient(models.Model):
    """One account a reply through the participation is addressed to (the owner included)."""

    participation = models.ForeignKey(Participation, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["participation", "user"],
                                               name="unique_participation_recipient")]
