"""The Announcement entity (Mastodon's, with Pleroma's `pleroma.raw_content` for staff)."""

from __future__ import annotations

import re

from django.db.models import Count, Max
from rest_framework import serializers

from announcements.models import AnnouncementReaction, AnnouncementRead
from core import ids, markup
from core.renderers import format_datetime

SHORTCODE = re.compile(r":([A-Za-z0-9_-]+):")


def _emojis(text: str) -> list[dict]:
    from emoji import registry

    found = []
    for shortcode in dict.fromkeys(SHORTCODE.findall(text or "")):
        entry = registry.lookup(shortcode)
        if entry:
            url = registry.absolute_url(entry["image_url"])
            found.append({"shortcode": shortcode, "url": url, "static_url": url, "visible_in_picker": True})
    return found


class AnnouncementSerializer(serializers.BaseSerializer):
    """The Announcement entity; the viewer's reads and the reactions are loaded per page."""

    @classmethod
    def context_for(cls, viewer, announcements, request=None) -> dict:
        pks = [a.pk for a in announcements]
        if not pks:
            return {}
        read = set(AnnouncementRead.objects.filter(user=viewer, announcement_id__in=pks)
                   .values_list("announcement_id", flat=True)) if viewer is not None else set()
        reactions: dict = {}
        rows = (AnnouncementReaction.objects.filter(announcement_id__in=pks)
                .values("announcement_id", "name").annotate(count=Count("id"), url=Max("url"),
                                                            first=Max("created_at")).order_by("first"))
        mine = set(AnnouncementReaction.objects.filter(announcement_id__in=pks, user=viewer)
                   .values_list("announcement_id", "name")) if viewer is not None else set()
        for row in rows:
            reactions.setdefault(row["announcement_id"], []).append({
                "name": row["name"], "count": row["count"], "me": (row["announcement_id"], row["name"]) in mine,
                "url": row["url"], "static_url": row["url"]})
        return {"read": read, "reactions": reactions}

    def to_representation(self, a):
        data = {
            "id": ids.encode(a.pk),
            "content": markup.render(a.content),
            "starts_at": format_datetime(a.starts_at),
            "ends_at": format_datetime(a.ends_at),
            "all_day": a.all_day,
            "published": True,
            "published_at": format_datetime(a.published_at),
            "updated_at": format_datetime(a.updated_at),
            "mentions": [], "statuses": [], "tags": [],
            "emojis": _emojis(a.content),
            "reactions": self.context.get("reactions", {}).get(a.pk, []),
            "pleroma": {"raw_content": a.content} if self.context.get("admin") else {},
        }
        if self.context.get("viewer") is not None and not self.context.get("admin"):
            data["read"] = a.pk in self.context.get("read", set())
        return data
