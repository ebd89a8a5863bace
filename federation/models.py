"""Federation rows: the signing keys of local actors (accounts and the instance actor)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


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

