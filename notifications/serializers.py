"""The Notification and Marker entities (mastodon-base 2.10, 2.14)."""

from __future__ import annotations

from rest_framework import serializers

from core import ids
from core.renderers import format_datetime
from relationships.follows import active_mutes

# Types whose entity carries the status concerned.
STATUS_TYPES = frozenset({
    "mention", "status", "reblog", "favourite", "poll", "update", "pleroma:emoji_reaction",
    "pleroma:participation_request", "pleroma:participation_accepted",
    "pleroma:event_reminder", "pleroma:event_update",
})


class NotificationSerializer(serializers.BaseSerializer):
    """The Notification entity; the page's statuses and mutes are loaded once per page."""

    @classmethod
    def context_for(cls, viewer, notifications, request=None) -> dict:
        if not notifications:
            return {}
        from statuses.rendering import render_accounts, render_page

        accounts = {n.account_id for n in notifications}
        muted = set(active_mutes().filter(muter=viewer, muted_id__in=accounts)
                    .values_list("muted_id", flat=True)) if viewer is not None else set()
        from notifications import registry

        extensions: dict = {}
        for loader in registry.loaders:
            for pk, fields in loader(list(notifications)).items():
                extensions.setdefault(pk, {}).update(fields)
        return {"statuses": render_page(viewer, [n.status_id for n in notifications if n.status_id]),
                "accounts": render_accounts(viewer, accounts | {n.target_id for n in notifications}),
                "muted_accounts": muted, "extensions": extensions}

    def to_representation(self, n):
        data = {
            "id": ids.encode(n.pk),
            "type": n.type,
            "group_key": f"ungrouped-{ids.encode(n.pk)}",
            "created_at": format_datetime(n.created_at),
            "account": self.context["accounts"].get(n.account_id),
            "pleroma": {"is_seen": n.is_seen,
                        "is_muted": n.account_id in self.context.get("muted_accounts", set())},
        }
        if n.type in STATUS_TYPES or n.status_id:
            data["status"] = self.context.get("statuses", {}).get(n.status_id)
        if n.type == "move":
            data["target"] = self.context["accounts"].get(n.target_id) if n.target_id else None
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
