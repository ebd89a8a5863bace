"""The Status and MediaAttachment entities as Pleroma renders them (mastodon-base 2.3, 2.4).

The Status entity is assembled by statuses.rendering (cached viewer-independent entries
and the viewer's own flags, a fixed number of queries per page).
"""

from __future__ import annotations

from rest_framework import serializers

from core import ids
from core.exceptions import NotFound
from core.renderers import format_datetime
from statuses import rendering
from statuses.entities import plain_text, render_media
from statuses.models import MediaAttachment, ScheduledStatus, Status

__all__ = ["MediaAttachmentSerializer", "ScheduledStatusSerializer", "StatusSerializer",
           "StatusSourceSerializer", "plain_text", "render_media"]


class MediaAttachmentSerializer(serializers.BaseSerializer):
    """The MediaAttachment entity."""

    def to_representation(self, media):
        return render_media(media)


class UnrenderableStatus(NotFound):
    """A stored status the entity cannot be built for (statuses.rendering logged why)."""


class StatusListSerializer(serializers.ListSerializer):
    """A list of Status entities that leaves out a status it cannot render rather than
    failing the whole page. Rendered with `filter_context` (home, public, thread, account),
    it shows the statuses as the viewer's filters have them there (statuses.rendering.screen):
    hidden ones are left out, so a page can be shorter than its limit (as Mastodon's)."""

    def to_representation(self, data):
        context = self.context.get("filter_context")
        shown = []
        for status in data:
            try:
                entity = rendering.screen(self.child.to_representation(status), context)
            except UnrenderableStatus:
                continue
            if entity is not None:
                shown.append(entity)
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


class ScheduledStatusSerializer(serializers.BaseSerializer):
    """The ScheduledStatus entity (mastodon-base 2.14): the stored parameters and media."""

    @classmethod
    def context_for(cls, viewer, scheduled, request=None) -> dict:
        wanted = {pk for s in scheduled for pk in (ids.decode(str(m)) for m in s.params.get("media_ids") or ())
                  if pk is not None}
        owners = {s.account_id for s in scheduled}
        media = MediaAttachment.objects.filter(pk__in=wanted, account_id__in=owners) if wanted else []
        return {"media": {m.pk: m for m in media}}

    def to_representation(self, scheduled: ScheduledStatus) -> dict:
        params = scheduled.params
        media = self.context.get("media", {})
        media_ids = [pk for pk in (ids.decode(str(m)) for m in params.get("media_ids") or ()) if pk is not None]
        return {
            "id": ids.encode(scheduled.pk),
            "scheduled_at": format_datetime(scheduled.scheduled_at),
            "params": {
                "text": params.get("text") or "",
                "poll": params.get("poll"),
                "media_ids": [ids.encode(pk) for pk in media_ids] or None,
                "sensitive": bool(params.get("sensitive")),
                "spoiler_text": params.get("spoiler_text") or "",
                "visibility": params.get("visibility"),
                "scheduled_at": None,
                "in_reply_to_id": params.get("in_reply_to"),
                "language": params.get("language"),
                "content_type": params.get("content_type"),
                "expires_in": params.get("expires_in"),
                "application_id": str(scheduled.application_id) if scheduled.application_id else None,
                "idempotency": params.get("idempotency"),
                "with_rate_limit": False,
            },
            "media_attachments": [render_media(media[pk]) for pk in media_ids if pk in media],
        }
