"""Events: a status with an Event row, its participations, and the location gazetteer."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.ids import FlakeIdField


class JoinMode(models.TextChoices):
    FREE = "free"
    RESTRICTED = "restricted"


class Event(models.Model):
    """The event data of one status (Pleroma's `Event` object): title, times, place, banner."""

    id = FlakeIdField(primary_key=True)
    status = models.OneToOneField("statuses.Status", on_delete=models.CASCADE, related_name="event")
    name = models.CharField(max_length=500)
    start_time = models.DateTimeField()
    end_time = models.DateTimeField(null=True, blank=True)
    join_mode = models.CharField(max_length=16, choices=JoinMode.choices, default=JoinMode.FREE)
    # A snapshot of the place (name, url, longitude, latitude and the address keys), so that
    # re-importing the gazetteer never changes what an existing event shows.
    location = models.JSONField(null=True, blank=True)
    location_id = models.CharField(max_length=255, null=True, blank=True)
    location_provider = models.CharField(max_length=64, null=True, blank=True)
    banner = models.ForeignKey("statuses.MediaAttachment", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    # The start time the last `pleroma:event_reminder` was sent for (none sent twice).
    reminded_for = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["start_time"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_time__isnull=True) | models.Q(end_time__gte=models.F("start_time")),
                name="event_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def organizer_id(self):
        return self.status.account_id

    @property
    def is_free(self) -> bool:
        return self.join_mode == JoinMode.FREE


class Participation(models.Model):
    """A user's Join of an event: pending (restricted events), accepted or rejected.

    Its id is the cursor of the joined-events and participation-request lists.
    """

    class State(models.TextChoices):
        PENDING = "pending"
        ACCEPT = "accept"
        REJECT = "reject"

    id = FlakeIdField(primary_key=True)
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="participations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="event_participations")
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    participation_message = models.TextField(null=True, blank=True)
    # The ActivityPub id of the Join: the remote Join's id for a remote participant, ours
    # (set when it is sent) for a local user's join of a remote event. Accept and Reject
    # name it (reference/federation.md §3.16).
    ap_id = models.CharField(max_length=2000, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    state_changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="unique_event_participation"),
        ]
        indexes = [
            models.Index(fields=["user", "-id"]),
            models.Index(fields=["event", "state", "-id"]),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} -> {self.event_id} ({self.state})"


class Location(models.Model):
    """One place of the local gazetteer (`manage.py locations import`), searched by name."""

    id = models.BigAutoField(primary_key=True)
    origin_id = models.CharField(max_length=64, unique=True)  # e.g. the GeoNames id
    name = models.CharField(max_length=200)
    # The name folded for search (lower case, accents dropped): a prefix match on it uses
    # the pattern index below on PostgreSQL.
    search_name = models.TextField()
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    type = models.CharField(max_length=32, blank=True, default="city")
    street = models.CharField(max_length=200, null=True, blank=True)
    postal_code = models.CharField(max_length=32, null=True, blank=True)
    locality = models.CharField(max_length=200, null=True, blank=True)
    region = models.CharField(max_length=200, null=True, blank=True)
    country = models.CharField(max_length=200, null=True, blank=True)
    timezone = models.CharField(max_length=64, null=True, blank=True)
    population = models.BigIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["search_name"], opclasses=["text_pattern_ops"],
                         name="location_search_prefix"),
        ]

    def __str__(self) -> str:
        return self.name
