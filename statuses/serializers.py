"""The Status and MediaAttachment entities as Pleroma renders them (mastodon-base 2.3, 2.4).

The Status entity is assembled by statuses.rendering (cached viewer-independent entries
and the viewer's own flags, a fixed number of queries per page).
"""

from __future__ import annotations

from rest_framework import serializers

from core import ids
from core.exceptions import NotFound
from statuses import rendering
from statuses.entities import plain_text, render_media
from statuses.models import Status

__all__ = ["MediaAttachmentSerializer", "StatusSerializer", "StatusSourceSerializer",
           "plain_text", "render_media"]


class MediaAttachmentSerializer(serializers.BaseSerializer):
    """The MediaAttachment entity."""

    def to_representation(self, media):
        return render_media(media)


class UnrenderableStatus(NotFound):
    """A stored status the entity cannot be built for (statuses.rendering logged why)."""


class StatusListSerializer(serializers.ListSerializer):
    """A list of Status entities that leaves out a status it cannot render rather than
    failing the whole page."""

    def to_representation(self, data):
        shown = []
        for status in data:
            try:
                shown.append(self.child.to_representation(status))
            except UnrenderableStatus:
                continue
        return shown


class StatusSerializer(serializers.BaseSerializer):
    """The Status entity, with Pleroma's `pleroma` block; reblogs render as wrappers.

    `context_for` renders the whole page at once (statuses.rendering: cached entries plus
    the viewer's flags); `to_representation` hands out each status's entity. A status that
    cannot be rendered is left out of lists and is a 404 on its own.
    """

    class Meta:
        list_serializer_class = StatusListSerializer

    @classmethod
    def context_for(cls, viewer, statuses, request=None) -> dict:
        return {"rendered": rendering.render_page(viewer, [s.pk for s in statuses if s is not None])}

    def to_representation(self, status: Status) -> dict:
        rendered = self.context.get("rendered")
        if rendered is None or status.pk not in rendered:
            rendered = rendering.render_page(self.context.get("viewer"), [status.pk])
        data = rendered.get(status.pk)
        if data is None:
            raise UnrenderableStatus()
        if self.context.get("with_source") and not status.reblog_of_id:
            data = {**data, "text": status.content_source,
                    "pleroma": {**data["pleroma"], "content_type": status.content_type}}
        return data


class StatusSourceSerializer(serializers.BaseSerializer):
    """StatusSource (GET /api/v1/statuses/:id/source)."""

    def to_representation(self, status):
        return {"id": ids.encode(status.pk), "text": status.content_source,
                "spoiler_text": status.spoiler_text, "content_type": status.content_type}
