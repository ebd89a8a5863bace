"""Federation rows: the signing keys of local actors, received activities, and outgoing
activities with their deliveries."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.ids import FlakeIdField


class ActorKey(models.Model):
    """The RSA keypair an actor of this server signs with; `user` is null for the instance
    actor (/internal/fetch). The private key never leaves the server."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.CASCADE, related_name="actor_key")
    instance_actor = models.BooleanField(default=False)
    public_key_pem = models.TextField()
    private_key_pem = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["instance_actor"], condition=Q(instance_actor=True),
                                    name="one_instance_actor_key"),
            models.CheckConstraint(condition=Q(instance_actor=True, user__isnull=True)
                                   | Q(instance_actor=False, user__isnull=False),
                                   name="key_of_a_user_or_the_instance_actor"),
        ]

    def __str__(self) -> str:
        return f"key of {self.user_id or 'the instance actor'}"


class IncomingActivity(models.Model):
    """An activity received in an inbox, stored once by its id and processed by a task."""

    class State(models.TextChoices):
        PENDING = "pending"
        DONE = "done"
        IGNORED = "ignored"  # a type or an object this server does not act on
        FAILED = "failed"

    id = FlakeIdField(primary_key=True)
    ap_id = models.CharField(max_length=2000, unique=True)
    actor = models.CharField(max_length=2000)
    type = models.CharField(max_length=64)
    payload = models.JSONField()
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    error = models.CharField(max_length=500, blank=True, default="")
    received_at = models.DateTimeField(default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True)


class OutgoingActivity(models.Model):
    """An activity of a local actor, written in the transaction of the action it tells."""

    id = FlakeIdField(primary_key=True)
    ap_id = models.CharField(max_length=2000, unique=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    payload = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)


class Delivery(models.Model):
    """One (activity, inbox) to deliver, with its attempts; a task per row."""

    class State(models.TextChoices):
        PENDING = "pending"
        DONE = "done"
        FAILED = "failed"  # refused for good (4xx) or out of attempts
        DEFERRED = "deferred"  # its server is unreachable: resumed when a probe finds it back

    id = FlakeIdField(primary_key=True)
    activity = models.ForeignKey(OutgoingActivity, on_delete=models.CASCADE, related_name="deliveries")
    inbox = models.CharField(max_length=2000)
    host = models.CharField(max_length=255, blank=True, default="")
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    attempts = models.IntegerField(default=0)
    # When the next attempt is due: set at enqueue, on each retry, and while an attempt is
    # in flight (a lease), so the sweep re-sends only rows nobody is working on.
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_status = models.IntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True, default="")
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["activity", "inbox"], name="unique_delivery")]
        indexes = [models.Index(fields=["state", "next_attempt_at"]), models.Index(fields=["host", "state"])]


class Instance(models.Model):
    """What delivery learnt about another server (reference/federation.md §5.5): when it
    last took an activity, since when it has been failing, on how many distinct days, and
    whether it is marked unreachable (its deliveries then wait for a probe)."""

    host = models.CharField(max_length=255, unique=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    failing_since = models.DateTimeField(null=True, blank=True)
    last_failure_at = models.DateTimeField(null=True, blank=True)
    failure_days = models.IntegerField(default=0)  # distinct days with a failure since the last success
    unreachable_since = models.DateTimeField(null=True, blank=True)
    last_probe_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.host

    @property
    def is_unreachable(self) -> bool:
        return self.unreachable_since is not None


class QuoteAuthorization(models.Model):
    """A QuoteAuthorization stamp this server issued (FEP-044f, reference/federation.md §4.5):
    the author of a local post consents to one quoting object quoting it. Served at its
    stable URL while it stands; revoked stamps are deleted (a `Delete` of the URL is sent)."""

    id = FlakeIdField(primary_key=True)
    quoted = models.ForeignKey("statuses.Status", on_delete=models.CASCADE, related_name="+")
    quoting_uri = models.CharField(max_length=2000)  # interactingObject
    quoter_uri = models.CharField(max_length=2000)  # the QuoteRequest's actor
    request_uri = models.CharField(max_length=2000, blank=True, default="")  # the last QuoteRequest
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["quoted", "quoting_uri"], name="one_stamp_per_quote")]

    def __str__(self) -> str:
        return f"{self.quoting_uri} may quote {self.quoted_id}"


class QuoteApproval(models.Model):
    """Where the consent of a quote stands (FEP-044f), one row per quoting status that takes
    part in the flow: a local quote of a remote post (our QuoteRequest, then its Accept with
    the stamp or its Reject), or a remote note that quotes with FEP-044f `quote` (a verified
    stamp, none yet, or a revoked one). Only an accepted quote is linked (Status.quote)
    when its note uses the consent flow (federation.quotes.links)."""

    class State(models.TextChoices):
        PENDING = "pending"
        ACCEPTED = "accepted"
        REJECTED = "rejected"
        REVOKED = "revoked"

    id = FlakeIdField(primary_key=True)
    status = models.OneToOneField("statuses.Status", on_delete=models.CASCADE, related_name="quote_approval")
    quoted_uri = models.CharField(max_length=2000)
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    authorization_uri = models.CharField(max_length=2000, blank=True, default="", db_index=True)
    request_uri = models.CharField(max_length=2000, blank=True, default="", db_index=True)  # our QuoteRequest
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"quote of {self.quoted_uri}: {self.state}"
