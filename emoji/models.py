"""Custom emoji packs: the database is the source of truth, files live under EMOJI_DIR/<pack>/."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.ids import FlakeIdField


class EmojiPack(models.Model):
    """A pack of custom emoji: a directory of images plus Pleroma's `pack.json` manifest."""

    name = models.CharField(max_length=128, unique=True)  # the directory name
    # Known metadata keys (§3.3); None means "not in the pack object" (PATCH replaces it whole).
    license = models.CharField(max_length=500, null=True, blank=True)
    homepage = models.CharField(max_length=500, null=True, blank=True)
    description = models.TextField(null=True, blank=True)
    fallback_src = models.CharField(max_length=1000, null=True, blank=True)
    fallback_src_sha256 = models.CharField(max_length=64, null=True, blank=True)
    share_files = models.BooleanField(null=True, blank=True)
    # Metadata keys a client sent that Pleroma stores and echoes without knowing them (§3.3).
    extra = models.JSONField(default=dict, blank=True)
    # Bumped on every change: keys the cached archive hash (§3.5).
    revision = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def directory(self):
        return settings.EMOJI_DIR / self.name

    def metadata(self) -> dict:
        """The stored `pack` object of pack.json (no derived keys)."""
        data = dict(self.extra)
        for key, attribute in METADATA_FIELDS.items():
            value = getattr(self, attribute)
            if value is not None:
                data[key] = value
        return data

    @property
    def shared(self) -> bool:
        return bool(self.share_files)


# pack.json `pack` key -> EmojiPack field
METADATA_FIELDS = {"license": "license", "homepage": "homepage", "description": "description",
                   "fallback-src": "fallback_src", "fallback-src-sha256": "fallback_src_sha256",
                   "share-files": "share_files"}


class Emoji(models.Model):
    """One custom emoji: `:shortcode:` showing the image at `filename` inside its pack."""

    id = FlakeIdField(primary_key=True)
    pack = models.ForeignKey(EmojiPack, on_delete=models.CASCADE, related_name="emoji")
    shortcode = models.CharField(max_length=128, unique=True)  # unique across the instance
    filename = models.CharField(max_length=500)  # relative to the pack directory
    tags = models.JSONField(default=list, blank=True)  # extra tags beside "pack:<name>"
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["shortcode"]
        verbose_name_plural = "emoji"
        indexes = [models.Index(fields=["pack", "shortcode"])]

    def __str__(self) -> str:
        return f":{self.shortcode}:"

    @property
    def url_path(self) -> str:
        """Relative URL, unescaped like Pleroma's (`/emoji/<pack>/<file>`)."""
        return f"/emoji/{self.pack.name}/{self.filename}"

    @property
    def path(self):
        return self.pack.directory / self.filename


class PackDownload(models.Model):
    """A remote pack being installed by the `download_emoji_pack` task."""

    class State(models.TextChoices):
        PENDING = "pending"
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed"

    id = FlakeIdField(primary_key=True)
    url = models.CharField(max_length=1000)  # the remote instance
    remote_name = models.CharField(max_length=128)
    name = models.CharField(max_length=128)  # local pack name (`as`)
    archive_url = models.CharField(max_length=1000, blank=True, default="")
    sha256 = models.CharField(max_length=64, blank=True, default="")
    fallback = models.BooleanField(default=False)
    files = models.JSONField(default=dict, blank=True)  # remote shortcode -> filename
    metadata = models.JSONField(default=dict, blank=True)  # remote `pack` object
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    progress = models.PositiveIntegerField(default=0)  # files installed so far
    error = models.TextField(blank=True, default="")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["-created_at"])]

    def __str__(self) -> str:
        return f"{self.remote_name} from {self.url} ({self.state})"
