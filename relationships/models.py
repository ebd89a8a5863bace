"""Relationships between accounts: follows (and requests), blocks, mutes, endorsements,
notes, and the follow/block/mute imports.

The tables keep the names they had when these models lived in `accounts`
(migrations.SeparateDatabaseAndState moved the models without touching a table).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from core.ids import FlakeIdField


class Follow(models.Model):
    """follower follows followed; pending until accepted when the target is locked."""

    class State(models.TextChoices):
        PENDING = "pending"
        ACCEPTED = "accept"

    id = FlakeIdField(primary_key=True)
    follower = models.ForeignKey(User, on_delete=models.CASCADE, related_name="following_rel")
    followed = models.ForeignKey(User, on_delete=models.CASCADE, related_name="followers_rel")
    state = models.CharField(max_length=8, choices=State.choices, default=State.ACCEPTED)
    show_reblogs = models.BooleanField(default=True)
    notify = models.BooleanField(default=False)  # "subscribing": a status notification per post
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "accounts_follow"
        constraints = [
            models.UniqueConstraint(fields=["follower", "followed"], name="unique_follow"),
            models.CheckConstraint(condition=~Q(follower=models.F("followed")), name="no_self_follow"),
        ]
        indexes = [
            models.Index(fields=["followed", "state", "-id"]),
            models.Index(fields=["follower", "state", "-id"]),
        ]


class Block(models.Model):
    """blocker blocks blocked: no follows either way, nothing of theirs shown."""

    id = FlakeIdField(primary_key=True)
    blocker = models.ForeignKey(User, on_delete=models.CASCADE, related_name="blocks_rel")
    blocked = models.ForeignKey(User, on_delete=models.CASCADE, related_name="blocked_by_rel")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "accounts_block"
        constraints = [models.UniqueConstraint(fields=["blocker", "blocked"], name="unique_block")]
        indexes = [models.Index(fields=["blocker", "-id"])]


class Mute(models.Model):
    """muter hides muted's statuses (and notifications, unless notifications=False)."""

    id = FlakeIdField(primary_key=True)
    muter = models.ForeignKey(User, on_delete=models.CASCADE, related_name="mutes_rel")
    muted = models.ForeignKey(User, on_delete=models.CASCADE, related_name="muted_by_rel")
    notifications = models.BooleanField(default=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "accounts_mute"
        constraints = [models.UniqueConstraint(fields=["muter", "muted"], name="unique_mute")]
        indexes = [models.Index(fields=["muter", "-id"])]


class Endorsement(models.Model):
    """owner features account on their profile (Mastodon's pin, Pleroma's endorsements)."""

    id = FlakeIdField(primary_key=True)
    owner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="endorsements_rel")
    account = models.ForeignKey(User, on_delete=models.CASCADE, related_name="endorsed_by_rel")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "accounts_endorsement"
        constraints = [models.UniqueConstraint(fields=["owner", "account"], name="unique_endorsement")]


class AccountNote(models.Model):
    """The viewer's private note on another account (Relationship.note)."""

    owner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    comment = models.TextField(blank=True, default="")

    class Meta:
        db_table = "accounts_accountnote"
        constraints = [models.UniqueConstraint(fields=["owner", "account"], name="unique_account_note")]


class Import(models.Model):
    """A follow, block or mute import (POST /api/pleroma/*_import) and its progress."""

    class Kind(models.TextChoices):
        FOLLOWS = "follows"
        BLOCKS = "blocks"
        MUTES = "mutes"

    class State(models.TextChoices):
        PENDING = "pending"
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed"

    id = FlakeIdField(primary_key=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="imports")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    total = models.IntegerField(default=0)
    processed = models.IntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "accounts_import"
        indexes = [models.Index(fields=["user", "-id"])]


class ImportItem(models.Model):
    """One identifier of an import and what became of it."""

    class Outcome(models.TextChoices):
        PENDING = "pending"
        DONE = "done"  # followed (or requested) / blocked / muted now
        ALREADY = "already"  # the relationship existed before: nothing changed
        SKIPPED = "skipped"  # see `reason`

    batch = models.ForeignKey(Import, on_delete=models.CASCADE, related_name="items")
    position = models.IntegerField()
    identifier = models.CharField(max_length=500)
    account = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    outcome = models.CharField(max_length=8, choices=Outcome.choices, default=Outcome.PENDING)
    reason = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        db_table = "accounts_importitem"
        constraints = [models.UniqueConstraint(fields=["batch", "position"], name="unique_import_position")]
