"""Web Push: a subscription per access token, the instance's VAPID key pair, sent pushes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from oauth2_provider.settings import oauth2_settings

from core.ids import FlakeIdField

ALERT_TYPES = (
    "follow", "favourite", "reblog", "mention", "poll", "follow_request", "status", "update",
    "admin.sign_up", "admin.report", "pleroma:emoji_reaction", "pleroma:chat_mention",
)
POLICIES = ("all", "followed", "follower", "none")


class PushSubscription(models.Model):
    """Where to push the notifications of one access token (Mastodon's WebPushSubscription).

    The token owns it: a new subscription replaces the token's old one, and revoking the
    token deletes it (the foreign key cascades).
    """

    id = FlakeIdField(primary_key=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="push_subscriptions")
    token = models.OneToOneField(oauth2_settings.ACCESS_TOKEN_MODEL, on_delete=models.CASCADE, related_name="push_subscription")
    endpoint = models.URLField(max_length=2048)
    key_p256dh = models.CharField(max_length=128)  # base64url, the browser's P-256 public key
    key_auth = models.CharField(max_length=64)  # base64url, 16 bytes of auth secret
    # RFC 8291 aes128gcm unless the client asked for the legacy draft (subscription[standard]=false).
    standard = models.BooleanField(default=True)
    alerts = models.JSONField(default=dict)  # alert type -> bool, for ALERT_TYPES
    policy = models.CharField(max_length=16, default="all")
    expires_at = models.DateTimeField(null=True, blank=True)  # the browser's expirationTime
    created_at = models.DateTimeField(default=timezone.now)

    def allows(self, notification_type: str) -> bool:
        return bool(self.alerts.get(notification_type)) and self.policy != "none"

    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()


class PushDelivery(models.Model):
    """A notification pushed to a subscription: the push is sent once per pair."""

    notification = models.ForeignKey("notifications.Notification", on_delete=models.CASCADE,
                                     related_name="+")
    subscription = models.ForeignKey(PushSubscription, on_delete=models.CASCADE, related_name="deliveries")
    status = models.IntegerField()  # what the push service answered
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["notification", "subscription"],
                                               name="unique_push_delivery")]


class VapidKeyPair(models.Model):
    """The instance's VAPID key pair (RFC 8292), generated once; the env can override it."""

    public_key = models.CharField(max_length=128)  # base64url uncompressed P-256 point
    private_key = models.CharField(max_length=64)  # base64url 32-byte scalar
    created_at = models.DateTimeField(default=timezone.now)
