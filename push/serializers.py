"""Web Push input (bracketed form keys or JSON, nested the same way) and the entity."""

from __future__ import annotations

import re

from rest_framework import serializers

from core import ids
from core.exceptions import BadRequest
from core.fields import BooleanLikeField
from push.models import ALERT_TYPES, PushSubscription

KEY_PATH = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")


def _set(tree: dict, path: list[str], value, name: str) -> None:
    node = tree
    for part in path[:-1]:
        node = node.setdefault(part, {})
        if not isinstance(node, dict):
            raise BadRequest(f"Conflicting parameters: {name}")
    if isinstance(node.get(path[-1]), dict) and not isinstance(value, dict):
        raise BadRequest(f"Conflicting parameters: {name}")
    node[path[-1]] = value


def nested_params(request) -> dict:
    """`subscription[keys][auth]=...` and `{"subscription": {"keys": {"auth": ...}}}` alike;
    the body over the query string."""
    tree: dict = {}
    for source in (request.query_params, request.data):
        form = hasattr(source, "lists")
        if not form and not isinstance(source, dict):
            raise BadRequest("The body must be an object")
        for name, value in (source.lists() if form else source.items()):
            if form:
                value = value[-1]  # a repeated form key: the last one wins
            match = KEY_PATH.match(name)
            # A name that is not `a[b][c]` is nobody's input here: kept flat, so it is ignored.
            path = [match.group(1), *re.findall(r"\[([^\[\]]*)\]", match.group(2))] if match else [name]
            _set(tree, path, value, name)
    return tree


class KeysInput(serializers.Serializer):
    p256dh = serializers.CharField(max_length=200, help_text="The browser's P-256 public key, base64url")
    auth = serializers.CharField(max_length=100, help_text="The 16-byte auth secret, base64url")


class SubscriptionInput(serializers.Serializer):
    endpoint = serializers.CharField(max_length=2048, help_text="The push service URL")
    keys = KeysInput()
    standard = BooleanLikeField(required=False, help_text="false: the legacy aesgcm encoding")
    expirationTime = serializers.IntegerField(  # noqa: N815 (the browser's PushSubscription field)
        required=False, allow_null=True, min_value=0, max_value=2**53,
        help_text="When the subscription expires (ms since the epoch), as PushSubscription.toJSON() gives")


class AlertsField(serializers.DictField):
    """Alert types this server notifies about; others (a newer Mastodon's) are left out, as
    undocumented extras are everywhere (docs/unsupported-parameters.md)."""

    child = BooleanLikeField()

    def to_internal_value(self, data):
        alerts = super().to_internal_value(data)
        return {kind: value for kind, value in alerts.items() if kind in ALERT_TYPES}


class DataInput(serializers.Serializer):
    alerts = AlertsField(required=False, help_text="Notification type -> whether to push it")
    policy = serializers.CharField(required=False, max_length=16,
                                   help_text="all | followed | follower | none")


class CreateSubscriptionInput(serializers.Serializer):
    subscription = SubscriptionInput()
    data = DataInput(required=False)
    policy = serializers.CharField(required=False, max_length=16,
                                   help_text="As data[policy] (Mastodon.py sends it here)")


class UpdateSubscriptionInput(serializers.Serializer):
    data = DataInput(required=False)
    policy = serializers.CharField(required=False, max_length=16, help_text="As data[policy]")


class WebPushSubscriptionSerializer(serializers.Serializer):
    """Mastodon's WebPushSubscription entity."""

    def to_representation(self, subscription: PushSubscription) -> dict:
        from push import vapid

        return {
            "id": ids.encode(subscription.pk),
            "endpoint": subscription.endpoint,
            "standard": subscription.standard,
            "alerts": {kind: bool(subscription.alerts.get(kind, False)) for kind in ALERT_TYPES},
            "policy": subscription.policy,
            "server_key": vapid.public_key(),
        }
