"""Announcements: publishing (staff), reading, dismissing and reacting (users)."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from announcements.models import Announcement, AnnouncementReaction, AnnouncementRead
from core import ids
from core.exceptions import ApiError, NotFound, Unprocessable

UNSET = object()
MAX_CONTENT_LENGTH = 10_000


def visible_announcements(now: datetime.datetime | None = None) -> QuerySet:
    """The announcements shown now: started (or no start) and not ended (or no end)."""
    now = now or timezone.now()
    return (Announcement.objects.filter(Q(starts_at__isnull=True) | Q(starts_at__lte=now))
            .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now)))


def get_visible_announcement(announcement_id: str) -> Announcement:
    pk = ids.decode(str(announcement_id))
    found = visible_announcements().filter(pk=pk).first() if pk else None
    if found is None:
        raise NotFound()
    return found


def get_announcement(announcement_id: str) -> Announcement:
    pk = ids.decode(str(announcement_id))
    found = Announcement.objects.filter(pk=pk).first() if pk else None
    if found is None:
        raise NotFound()
    return found


def parse_time(value, name: str) -> datetime.datetime | None:
    if value in (None, ""):
        return None
    parsed = parse_datetime(value) if isinstance(value, str) else None
    if parsed is None:
        raise Unprocessable(f"Invalid {name}")
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.UTC)


def _clean(content=UNSET, starts_at=UNSET, ends_at=UNSET, all_day=UNSET) -> dict:
    fields = {}
    if content is not UNSET:
        if not isinstance(content, str) or not content.strip():
            raise Unprocessable("Content can't be blank")
        if len(content) > MAX_CONTENT_LENGTH:
            raise Unprocessable(f"Content is too long (maximum is {MAX_CONTENT_LENGTH} characters)")
        fields["content"] = content
    if starts_at is not UNSET:
        fields["starts_at"] = parse_time(starts_at, "starts_at")
    if ends_at is not UNSET:
        fields["ends_at"] = parse_time(ends_at, "ends_at")
    if all_day is not UNSET:
        fields["all_day"] = bool(all_day)
    return fields


def create_announcement(*, content, starts_at=None, ends_at=None, all_day: bool = False) -> Announcement:
    """Publish an announcement now."""
    fields = _clean(content, starts_at, ends_at, all_day)
    _check_range(fields.get("starts_at"), fields.get("ends_at"))
    return Announcement.objects.create(**fields)


def update_announcement(announcement: Announcement, **changes) -> Announcement:
    fields = _clean(**changes)
    with transaction.atomic():
        announcement = Announcement.objects.select_for_update().get(pk=announcement.pk)
        for name, value in fields.items():
            setattr(announcement, name, value)
        _check_range(announcement.starts_at, announcement.ends_at)
        announcement.updated_at = timezone.now()
        announcement.save()
    return announcement


def _check_range(starts_at, ends_at) -> None:
    if starts_at and ends_at and ends_at < starts_at:
        raise Unprocessable("ends_at must be after starts_at")


def delete_announcement(announcement: Announcement) -> None:
    announcement.delete()


def dismiss(user, announcement_id: str) -> None:
    """Mark an announcement read by `user` (twice changes nothing)."""
    announcement = get_visible_announcement(announcement_id)
    AnnouncementRead.objects.get_or_create(user=user, announcement=announcement)


def _reaction(raw: str) -> tuple[str, str | None] | None:
    """(name, url) of a unicode emoji or a local custom one, as status reactions accept them."""
    from emoji import registry
    from emoji.reactions.services import parse

    parsed = parse(raw)
    if parsed is None or parsed.host is not None:
        return None
    if not parsed.custom:
        return parsed.name, None
    entry = registry.lookup(parsed.name)
    return (parsed.name, registry.absolute_url(entry["image_url"])) if entry else None


def react(user, announcement_id: str, raw: str) -> None:
    """Add `user`'s reaction (twice changes nothing)."""
    announcement = get_visible_announcement(announcement_id)
    reaction = _reaction(raw)
    if reaction is None:
        raise ApiError("Could not add reaction emoji", status=400)
    name, url = reaction
    try:
        with transaction.atomic():
            AnnouncementReaction.objects.get_or_create(user=user, announcement=announcement, name=name,
                                                       defaults={"url": url})
    except IntegrityError:
        pass  # the same reaction, added by a concurrent request


def unreact(user, announcement_id: str, raw: str) -> None:
    announcement = get_visible_announcement(announcement_id)
    reaction = _reaction(raw)
    name = reaction[0] if reaction else raw
    deleted, _ = AnnouncementReaction.objects.filter(user=user, announcement=announcement, name=name).delete()
    if not deleted:
        raise ApiError("Could not remove reaction emoji", status=400)
