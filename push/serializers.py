"""Web Push input (bracketed form keys or JSON, nested the same way) and the entity."""

from __future__ import annotations

import re

from rest_framework import serializers

from core import ids
from core.exceptions import BadRequest, Unprocessable
from core.fields import BooleanLikeField
from push.models import ALERT_TYPES, PushSubscription

KEY_PATH = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")
# Credentials may travel as parameters; they are not inputs of the action.
NOT_INPUTS = {"access_token"}


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
            if name in NOT_INPUTS:
                continue
            match = KEY_PATH.match(name)
            if match is None:
                raise BadRequest(f"Malformed parameter: {name}")
            path = [match.group(1), *re.findall(r"\[([^\[\]]*)\]", match.group(2))]
            _set(tree, path, value, name)
    return tree


def _path(field) -> str:
    names = []
    while field is not None and field.field_name:
        names.append(field.field_name)
        field = field.parent
    names.reverse()
    return names[0] + "".join(f"[{n}]" for n in names[1:]) if names else ""


class StrictInput(serializers.Serializer):
    """Refuses parameters it does not know (422 naming them) rather than ignoring them."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            prefix = _path(self)
            for key in data:
                if key not in self.fields:
                    raise Unprocessable(f"Unsupported parameter: {prefix}[{key}]" if prefix
                                        else f"Unsupported parameter: {key}")
        return super().to_internal_value(data)


class KeysInput(StrictInput):
    p256dh = serializers.CharField(max_length=200, help_text="The browser's P-256 public key, base64url")
    auth = serializers.CharField(max_length=100, help_text="The 16-byte auth secret, base64url")


class SubscriptionInput(StrictInput):
    endpoint = serializers.CharField(max_length=2048, help_text="The push service URL")
    keys = KeysInput()
    standard = BooleanLikeField(required=False, help_text="false: the legacy aesgcm encoding")
    expirationTime = serializers.IntegerField(  # noqa: N815 (the browser's PushSubscription field)
        required=False, allow_null=True, min_value=0, max_value=2**53,
        help_text="When the subscription expires (ms since the epoch), as PushSubscription.toJSON() gives")


class AlertsField(serializers.DictField):
    child = BooleanLikeField()

    def to_internal_value(self, data):
        alerts = super().to_internal_value(data)
        for key in alerts:
            if key not in ALERT_TYPES:
                raise Unprocessable(f"Unsupported parameter: data[alerts][{key}]")
        return alerts


class DataInput(StrictInput):
    alerts = AlertsField(required=False, help_text="Notification type -> whether to push it")
    policy = serializers.CharField(required=False, max_length=16,
                                   help_text="all | followed | follower | none")


class CreateSubscriptionInput(StrictInput):
    subscription = SubscriptionInput()
    data = DataInput(required=False)
    policy = serializers.CharField(required=False, max_length=16,
                                   help_text="As data[policy] (Mastodon.py sends it here)")


class UpdateSubscriptionInput(StrictInput):
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
