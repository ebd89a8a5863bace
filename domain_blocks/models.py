"""Domain blocks: a user hides everything from another server."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.ids import FlakeIdField


class DomainBlock(models.Model):
    """user blocks every account of domain (Mastodon's AccountDomainBlock)."""

    id = FlakeIdField(primary_key=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="domain_blocks")
    domain = models.CharField(max_length=253)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "domain"], name="unique_domain_block")]
        indexes = [models.Index(fields=["user", "-id"])]

    def __str__(self) -> str:
        return self.domain
