"""Link preview cards: one PreviewCard per linked URL, shared by every status linking it."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.ids import FlakeIdField


class PreviewCard(models.Model):
    """What the page at `url` says about itself (OpenGraph, Twitter card, oEmbed), with its
    image stored as a local file; rendered as the Card entity (mastodon-base 2.6)."""

    class Type(models.TextChoices):
        LINK = "link"
        PHOTO = "photo"
        VIDEO = "video"
        RICH = "rich"

    id = FlakeIdField(primary_key=True)
    url = models.CharField(max_length=2048, unique=True)  # the link as posted, without fragment
    type = models.CharField(max_length=8, choices=Type.choices, default=Type.LINK)
    title = models.CharField(max_length=512, blank=True, default="")
    description = models.TextField(blank=True, default="")
    provider_name = models.CharField(max_length=255, blank=True, default="")
    provider_url = models.CharField(max_length=2048, blank=True, default="")
    author_name = models.CharField(max_length=255, blank=True, default="")
    author_url = models.CharField(max_length=2048, blank=True, default="")
    html = models.TextField(blank=True, default="")  # sanitised oEmbed iframe (video, rich)
    embed_url = models.CharField(max_length=2048, blank=True, default="")  # oEmbed photo
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    image = models.FileField(upload_to="cards/%Y/%m/", blank=True, default="")
    image_description = models.TextField(blank=True, default="")
    language = models.CharField(max_length=16, null=True, blank=True)  # the page's <html lang>
    # The page's og:* / twitter:* values, prefix removed (Pleroma's `pleroma.opengraph`).
    opengraph = models.JSONField(default=dict, blank=True)
    fetched_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.url

    @property
    def is_stale(self) -> bool:
        return self.fetched_at < timezone.now() - timedelta(seconds=settings.LINK_PREVIEW_TTL_SECONDS)


class StatusCard(models.Model):
    """status shows card: the preview of its first link."""

    status = models.OneToOneField("statuses.Status", primary_key=True, on_delete=models.CASCADE,
                                  related_name="card_link")
    card = models.ForeignKey(PreviewCard, on_delete=models.CASCADE, related_name="status_links")
