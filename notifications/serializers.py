"""The Notification and Marker entities (mastodon-base 2.10, 2.14)."""

from __future__ import annotations

from rest_framework import serializers

from accounts.follows import active_mutes
from accounts.serializers import render_account
from core import ids
from core.renderers import format_datetime

# Types whose entity carries the status concerned.
STATUS_TYPES = frozenset({
    "mention", "status", "reblog", "favourite", "poll", "update", "pleroma:emoji_reaction",
    "pleroma:participation_request", "pleroma:participation_accepted",
    "pleroma:event_reminder", "pleroma:event_update",
})


def render_statuses(viewer, statuses: list, request=None) -> dict:
    """{status pk: Status entity} for a page's statuses, rendered as one batch."""
    if not statuses:
        return {}
    from statuses.serializers import StatusSerializer

    context = {"request": request, "viewer": viewer}
    context.update(StatusSerializer.context_for(viewer, statuses, request=request))
    data = StatusSerializer(statuses, many=True, context=context).data
    return {status.pk: rendered for status, rendered in zip(statuses, data, strict=True)}


class NotificationSerializer(serializers.BaseSerializer):
    """The Notification entity; the page's statuses and mutes are loaded once per page."""

    @classmethod
    def context_for(cls, viewer, notifications, request=None) -> dict:
        if not notifications:
            return {}
        unique = {}
        for n in notifications:
            if n.status_id and n.status is not None:
                unique.setdefault(n.status_id, n.status)
        accounts = {n.account_id for n in notifications}
        muted = set(active_mutes().filter(muter=viewer, muted_id__in=accounts)
                    .values_list("muted_id", flat=True)) if viewer is not None else set()
        from notifications import registry

        extensions: dict = {}
        for loader in registry.loaders:
            for pk, fields in loader(list(notifications)).items():
                extensions.setdefault(pk, {}).update(fields)
        return {"statuses": render_statuses(viewer, list(unique.values()), request),
                "muted_accounts": muted, "extensions": extensions}

    def to_representation(self, n):
        viewer = self.context.get("viewer")
        data = {
            "id": ids.encode(n.pk),
            "type": n.type,
            "group_key": f"ungrouped-{ids.encode(n.pk)}",
            "created_at": format_datetime(n.created_at),
            "account": render_account(n.account, viewer),
            "pleroma": {"is_seen": n.is_seen,
                        "is_muted": n.account_id in self.context.get("muted_accounts", set())},
        }
        if n.type in STATUS_TYPES or n.status_id:
            data["status"] = self.context.get("statuses", {}).get(n.status_id)
        if n.type == "move":
            data["target"] = render_account(n.target, viewer) if n.target_id else None
        if n.type == "pleroma:emoji_reaction":
            data["emoji"] = n.emoji
            data["emoji_url"] = n.emoji_url
        data.update(self.context.get("extensions", {}).get(n.pk, {}))
        return data


class MarkerSerializer(serializers.BaseSerializer):
    """One Marker; the caller builds the map keyed by timeline."""

    def to_representation(self, marker):
        data = {"last_read_id": marker.last_read_id, "version": marker.version,
                "updated_at": format_datetime(marker.updated_at)}
        if marker.timeline == "notifications":
            data["pleroma"] = {"unread_count": self.context.get("unread_count", 0)}
        return data
