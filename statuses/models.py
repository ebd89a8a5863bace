"""Statuses and what hangs off them: mentions, hashtags, media, favourites, reactions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.ids import FlakeIdField, encode
from statuses.queries import StatusQuerySet


class Visibility(models.TextChoices):
    PUBLIC = "public"
    UNLISTED = "unlisted"
    LOCAL = "local"
    PRIVATE = "private"
    DIRECT = "direct"
    LIST = "list"


class StatusContext(models.Model):
    """A thread: every reply shares its root's context (`pleroma.conversation_id`)."""

    id = models.BigAutoField(primary_key=True)
    created_at = models.DateTimeField(default=timezone.now)
    # the thread's ActivityPub `context` when it started on another server, so replies
    # whose parents never arrived still join it
    ap_id = models.CharField(max_length=2000, null=True, blank=True, unique=True)


class Status(models.Model):
    """A post, or a reblog of one (`reblog_of` set, no content of its own)."""

    id = FlakeIdField(primary_key=True)
    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="statuses")
    content_source = models.TextField(blank=True, default="")  # as typed
    content_type = models.CharField(max_length=32, default="text/plain")
    content = models.TextField(blank=True, default="")  # rendered, sanitised HTML
    spoiler_text = models.TextField(blank=True, default="")
    visibility = models.CharField(max_length=16, choices=Visibility.choices,
                                  default=Visibility.PUBLIC)
    sensitive = models.BooleanField(default=False)
    language = models.CharField(max_length=16, null=True, blank=True)
    in_reply_to = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="replies")
    in_reply_to_account = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                            on_delete=models.SET_NULL, related_name="+")
    reblog_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE,
                                  related_name="reblogs")
    # The reblogged status's author, copied onto the reblog so that visibility filters
    # (blocks, deactivated authors) need no join back onto the statuses table.
    reblog_of_account = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                          on_delete=models.CASCADE, related_name="+")
    quote = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="quotes")
    context = models.ForeignKey(StatusContext, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="statuses")
    application = models.ForeignKey(settings.OAUTH2_PROVIDER_APPLICATION_MODEL, null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    local = models.BooleanField(default=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    pinned_at = models.DateTimeField(null=True, blank=True)
    replies_count = models.IntegerField(default=0)
    reblogs_count = models.IntegerField(default=0)
    favourites_count = models.IntegerField(default=0)
    quotes_count = models.IntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    # remote statuses (federation fills these; empty for local ones)
    ap_id = models.CharField(max_length=2000, null=True, blank=True, unique=True)
    remote_url = models.CharField(max_length=2000, blank=True, default="")  # its HTML page
    emojis = models.JSONField(default=dict, blank=True)  # remote custom emoji: {shortcode: url}

    objects = StatusQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["account", "-id"]),
            models.Index(fields=["visibility", "local", "-id"]),
            models.Index(fields=["context", "id"]),
            models.Index(fields=["in_reply_to"]),
            models.Index(fields=["reblog_of", "account"]),
            models.Index(fields=["quote", "-id"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["account", "reblog_of"], name="unique_reblog",
                                    condition=models.Q(reblog_of__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.account_id}: {self.content_source[:40]}"

    def save(self, *args, **kwargs):
        # Invariant: a reblog carries its original's author (see reblog_of_account).
        if self.reblog_of_id and not self.reblog_of_account_id:
            self.reblog_of_account_id = (Status.objects.filter(pk=self.reblog_of_id)
                                         .values_list("account_id", flat=True).first())
        super().save(*args, **kwargs)

    @property
    def uri(self) -> str:
        if self.ap_id:
            return self.ap_id
        return f"{settings.PLEROMA_URL}/objects/{encode(self.id)}"

    @property
    def url(self) -> str:
        if self.ap_id:
            return self.remote_url or self.ap_id
        return f"{settings.PLEROMA_URL}/notice/{encode(self.id)}"


class Mention(models.Model):
    """A local account mentioned (and so addressed) by a status."""

    status = models.ForeignKey(Status, on_delete=models.CASCADE, related_name="mentions")
    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="mentioned_in")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["status", "account"], name="unique_mention")]
        indexes = [models.Index(fields=["account", "status"])]


class Hashtag(models.Model):
    name = models.CharField(max_length=256, unique=True)  # lower case, no '#'


class StatusTag(models.Model):
    status = models.ForeignKey(Status, on_delete=models.CASCADE, related_name="status_tags")
    hashtag = models.ForeignKey(Hashtag, on_delete=models.CASCADE, related_name="status_tags")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["status", "hashtag"], name="unique_status_tag")]
        indexes = [models.Index(fields=["hashtag", "-status"])]


class MediaAttachment(models.Model):
    """An uploaded file, or the media of a remote status (hotlinked, or copied here once cached);
    attached to at most one status."""

    class Type(models.TextChoices):
        IMAGE = "image"
        VIDEO = "video"
        AUDIO = "audio"
        GIFV = "gifv"
        UNKNOWN = "unknown"

    id = FlakeIdField(primary_key=True)
    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="media")
    status = models.ForeignKey(Status, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="media_attachments")
    file = models.FileField(upload_to="attachments/%Y/%m/")
    preview = models.FileField(upload_to="previews/%Y/%m/", blank=True, default="")
    type = models.CharField(max_length=8, choices=Type.choices, default=Type.UNKNOWN)
    mime_type = models.CharField(max_length=100, default="application/octet-stream")
    description = models.TextField(blank=True, default="")
    focus = models.CharField(max_length=32, blank=True, default="")
    meta = models.JSONField(default=dict, blank=True)
    blurhash = models.CharField(max_length=100, null=True, blank=True)
    class CacheState(models.TextChoices):
        """Where a remote attachment's copy stands (statuses.services.remote_media)."""

        NONE = "", "not copied (a local upload, or caching off)"
        PENDING = "pending"
        CACHED = "cached"
        FAILED = "failed"  # refused for good (too large, not media, 4xx): stays hotlinked
        PURGED = "purged"  # the copy was deleted after the retention period: hotlinked again

    remote_url = models.CharField(max_length=2000, blank=True, default="")  # the origin's URL
    cache_state = models.CharField(max_length=8, choices=CacheState.choices, blank=True, default="")
    cached_at = models.DateTimeField(null=True, blank=True)
    position = models.IntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["status", "position"]),
                   models.Index(fields=["cached_at"], name="media_cached_at",
                                condition=models.Q(cached_at__isnull=False)),
                   # the sweep of attachments whose copy task was lost
                   models.Index(fields=["created_at"], name="media_pending_created_at",
                                condition=models.Q(cache_state="pending"))]


class Favourite(models.Model):
    """account liked status (the id is the cursor of the favourites lists)."""

    id = FlakeIdField(primary_key=True)
    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="favourites")
    status = models.ForeignKey(Status, on_delete=models.CASCADE, related_name="favourites")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["account", "status"], name="unique_favourite")]
        indexes = [models.Index(fields=["account", "-id"]), models.Index(fields=["status", "-id"])]


class EmojiReaction(models.Model):
    """account reacted to status with one emoji (unicode, or a custom `shortcode`)."""

    id = FlakeIdField(primary_key=True)
    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="emoji_reactions")
    status = models.ForeignKey(Status, on_delete=models.CASCADE, related_name="emoji_reactions")
    emoji = models.CharField(max_length=128)  # unicode emoji, or a custom shortcode
    emoji_url = models.CharField(max_length=500, null=True, blank=True)  # custom emoji only
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "status", "emoji"], name="unique_reaction"),
        ]
        indexes = [models.Index(fields=["status", "id"])]


class ThreadMute(models.Model):
    """user muted a thread: no notifications from it (`pleroma.thread_muted`)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    context = models.ForeignKey(StatusContext, on_delete=models.CASCADE, related_name="mutes")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "context"], name="unique_thread_mute")]


class Poll(models.Model):
    """A poll attached to a status (Mastodon's Poll): its options, counts and closing time.

    `votes` holds the count of each option in the order of `options`; voting locks the row
    (select_for_update) so that counts and `voters_count` stay consistent.
    """

    id = FlakeIdField(primary_key=True)
    status = models.OneToOneField(Status, on_delete=models.CASCADE, related_name="poll")
    options = models.JSONField(default=list)  # option titles, in order
    votes = models.JSONField(default=list)  # votes per option, same order
    voters_count = models.IntegerField(default=0)
    multiple = models.BooleanField(default=False)
    hide_totals = models.BooleanField(default=False)
    expires_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)  # set once voters were notified
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["expires_at"], name="poll_open_expiry",
                                condition=models.Q(closed_at__isnull=True))]

    def is_expired(self, now=None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())


class PollVote(models.Model):
    """account chose option `choice` of poll (one row per chosen option)."""

    id = FlakeIdField(primary_key=True)
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="poll_votes")
    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="poll_votes")
    choice = models.IntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["poll", "account", "choice"],
                                               name="unique_poll_vote")]
        indexes = [models.Index(fields=["account", "poll"])]


class ScheduledStatus(models.Model):
    """A status to be posted at `scheduled_at` with the stored posting parameters."""

    id = FlakeIdField(primary_key=True)
    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="scheduled_statuses")
    scheduled_at = models.DateTimeField()
    params = models.JSONField(default=dict)  # create_status keyword arguments (ids as strings)
    application = models.ForeignKey(settings.OAUTH2_PROVIDER_APPLICATION_MODEL, null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["account", "-id"]), models.Index(fields=["scheduled_at"])]


class StatusEdit(models.Model):
    """A former version of an edited status (its edit history; the status holds the current one).

    `media` keeps the attachments of that version in order with the description they had
    (`[{"id": hex, "description": str}]`); `poll` the options it had (`{"options": [...],
    "multiple": bool}`) or None. `created_at` is when that version was made: the status's
    creation for the original, the earlier edit's time for later ones.
    """

    id = FlakeIdField(primary_key=True)
    status = models.ForeignKey(Status, on_delete=models.CASCADE, related_name="edits")
    content = models.TextField(blank=True, default="")  # rendered, sanitised HTML
    content_source = models.TextField(blank=True, default="")
    content_type = models.CharField(max_length=32, default="text/plain")
    spoiler_text = models.TextField(blank=True, default="")
    sensitive = models.BooleanField(default=False)
    media = models.JSONField(default=list, blank=True)
    poll = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["status", "id"])]
