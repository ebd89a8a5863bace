"""The verbs of events: create and edit an event, join, leave, accept and reject requests.

An event is a public status with an `Event` row (pleroma-content 6.1). The organizer is
joined and accepted when the event is created. Counters are computed with queries rather
than stored, so they can never go stale (the reference's stale-count bugs, 6.7 and 6.10).
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core import ids
from core.exceptions import BadRequest, Forbidden, NotFound, Unprocessable
from events import locations, registry
from events.models import Event, JoinMode, Participation
from notifications.models import Notification
from notifications.services import notify
from statuses.models import MediaAttachment, Status

REMINDER_BEFORE = datetime.timedelta(hours=2)
MAX_NAME_LENGTH = 500


def get_event(status: Status) -> Event:
    """The Event row of a status, or 404 `Record not found` when it is not an event."""
    event = Event.objects.filter(status_id=status.pk).select_related("status").first()
    if event is None:
        raise NotFound()
    return event


def get_visible_event(viewer, status_id: str) -> Event:
    """The event of a status the viewer may see (missing, invisible, not an event: 404)."""
    from statuses.services import get_visible_status

    return get_event(get_visible_status(viewer, status_id, for_api=False))


def _check_times(start_time: datetime.datetime | None, end_time: datetime.datetime | None) -> None:
    if start_time is None:
        raise Unprocessable("Start date is required")
    if end_time is not None and end_time < start_time:
        raise Unprocessable("Event can't end before its start")


def _check_name(name: str | None) -> str:
    name = (name or "").strip()
    if not name:
        raise Unprocessable("Event name is required")
    if len(name) > MAX_NAME_LENGTH:
        raise Unprocessable(f"Event name is too long (at most {MAX_NAME_LENGTH} characters)")
    return name


def _place(location_id: str | None) -> tuple[dict | None, str | None, str | None]:
    """(snapshot, location_id, provider) for a search result id; unknown ids give no place."""
    if location_id in (None, ""):
        return None, None, None
    provider = locations.provider()
    result = provider.get(str(location_id))
    if result is None:
        return None, None, None
    return result.as_place(), result.origin_id, provider.name


def _banner(organizer: User, banner_id: str | None, status: Status | None = None) -> MediaAttachment | None:
    """The caller's own upload named by banner_id, unattached or already on this status."""
    pk = ids.decode(str(banner_id)) if banner_id not in (None, "") else None
    if pk is None:
        return None
    media = MediaAttachment.objects.filter(pk=pk, account=organizer).first()
    if media is None or (media.status_id is not None and (status is None or media.status_id != status.pk)):
        return None
    return media


def create_event(organizer: User, *, name: str | None, status: str | None = "",
                 start_time: datetime.datetime | None, end_time: datetime.datetime | None = None,
                 join_mode: str = JoinMode.FREE, banner_id: str | None = None,
                 location_id: str | None = None, content_type: str = "text/plain",
                 language: str | None = None, application=None) -> Event:
    """Post an event (POST /api/v1/pleroma/events): always public, organizer joined."""
    from statuses.services import create_status

    name = _check_name(name)
    _check_times(start_time, end_time)
    description = status or ""
    place, place_id, provider = _place(location_id)
    banner = _banner(organizer, banner_id)
    with transaction.atomic():
        post = create_status(
            organizer, text=description, allow_empty=True, visibility="public",
            content_type=content_type, language=language,
            media_ids=[banner.pk] if banner else (), application=application,
            params={"event": {"name": name, "join_mode": join_mode}})
        if banner is not None:
            MediaAttachment.objects.filter(pk=banner.pk).update(description="Banner")
        event = Event.objects.create(
            status=post, name=name, start_time=start_time, end_time=end_time, join_mode=join_mode,
            location=place, location_id=place_id, location_provider=provider, banner=banner)
        Participation.objects.create(event=event, user=organizer, state=Participation.State.ACCEPT)
        _schedule_reminder(event)
        for hook in registry.after_event_create:
            hook(event)
    return event


def refuse_status_edit(status: Status, params: dict) -> None:
    """statuses.registry.before_update: an event is edited through its own route
    (pleroma-content 6.2), not PUT /api/v1/statuses/:id."""
    if Event.objects.filter(status_id=status.pk).exists():
        raise Unprocessable("Use event update route")


def update_event(editor: User, event: Event, *, fields: dict, application=None) -> Event:
    """Edit an event (PUT /api/v1/pleroma/events/:id), organizer only (pleroma-content 6.4).

    The event is rebuilt from the request: an omitted `end_time`, `location_id` or
    `banner_id` clears it; an omitted `name`, `status` or `start_time` keeps the current
    value (the reference fails on those). `join_mode` cannot change.
    """
    if event.status.account_id != editor.pk:
        raise Forbidden()
    name = _check_name(fields["name"]) if "name" in fields else event.name
    start_time = fields.get("start_time") or event.start_time
    end_time = fields.get("end_time")
    _check_times(start_time, end_time)
    place, place_id, provider = _place(fields.get("location_id"))
    with transaction.atomic():
        event = Event.objects.select_for_update().select_related("status").get(pk=event.pk)
        status = event.status
        banner = _banner(editor, fields.get("banner_id"), status)
        from statuses.services.editing import keep_version

        keep_version(status)
        if "status" in fields:
            from statuses.services import set_text

            set_text(status, fields["status"] or "", fields.get("content_type") or status.content_type)
        MediaAttachment.objects.filter(status=status).exclude(
            pk=banner.pk if banner else None).update(status=None)
        if banner is not None:
            MediaAttachment.objects.filter(pk=banner.pk).update(status=status, position=0,
                                                                 description="Banner")
        now = timezone.now()
        status.edited_at = now
        if application is not None:
            status.application = application
        status.save(update_fields=["content", "content_source", "content_type", "edited_at",
                                   "application"])
        moved = start_time != event.start_time
        event.name, event.start_time, event.end_time = name, start_time, end_time
        event.location, event.location_id, event.location_provider = place, place_id, provider
        event.banner, event.updated_at = banner, now
        if moved:
            event.reminded_for = None
        event.save()
        _notify_update(event, editor)
        if moved:
            _schedule_reminder(event)
        from statuses import registry as status_hooks

        for hook in status_hooks.after_update:  # federation sends Update{Event}
            hook(status)
    return event


def _notify_update(event: Event, editor: User) -> None:
    from events import tasks

    event_id, editor_id, at = str(event.pk), str(editor.pk), event.updated_at.isoformat()
    transaction.on_commit(lambda: tasks.notify_event_update.delay(event_id, editor_id, at))


def _schedule_reminder(event: Event) -> None:
    """A `pleroma:event_reminder` two hours before the start, if that is still ahead."""
    from events import tasks

    remind_at = event.start_time - REMINDER_BEFORE
    if remind_at <= timezone.now():
        return
    event_id = str(event.pk)
    transaction.on_commit(lambda: tasks.send_event_reminder.apply_async((event_id,), eta=remind_at))


def join_event(user: User, event: Event, *, participation_message: str | None = None,
               ap_id: str | None = None) -> Participation:
    """Join a free event at once, or ask to join a restricted one (pleroma-content 6.9).

    Joining again, whatever the state of the existing participation, changes nothing. The
    organizer's server decides: a local event's join is answered here, a remote event's
    stays pending until its organizer's Accept or Reject arrives (federation). `ap_id` is
    the id of a remote participant's Join activity.
    """
    organizer = event.status.account
    if organizer.pk == user.pk:
        raise BadRequest("Can't join your own event")
    if organizer.is_local:
        state = Participation.State.ACCEPT if event.is_free else Participation.State.PENDING
    else:
        state = Participation.State.PENDING
    with transaction.atomic():
        participation, created = Participation.objects.get_or_create(
            event=event, user=user,
            defaults={"state": state, "participation_message": participation_message or None,
                      "ap_id": ap_id or None})
        if created:
            if state == Participation.State.PENDING and organizer.is_local:
                notify(organizer, user, "pleroma:participation_request", status=event.status)
            for hook in registry.after_join:
                hook(participation)
    return participation


def leave_event(user: User, event: Event) -> None:
    """Leave an event or withdraw a request (pleroma-content 6.10)."""
    if event.status.account_id == user.pk:
        raise BadRequest("Can't leave your own event")
    with transaction.atomic():
        participation = Participation.objects.select_for_update().filter(event=event, user=user).first()
        if participation is None:
            raise BadRequest("Not participating in the event")
        for hook in registry.after_leave:
            hook(participation)
        participation.delete()
        _dismiss_request(event, user)


def _dismiss_request(event: Event, participant: User) -> None:
    Notification.objects.filter(user_id=event.status.account_id, account=participant,
                                status_id=event.status_id,
                                type="pleroma:participation_request").delete()


def _own_participation(organizer: User, event: Event, participant_id: str) -> Participation:
    if event.status.account_id != organizer.pk:
        raise Forbidden()
    pk = ids.decode(str(participant_id))
    participation = (Participation.objects.select_for_update().select_related("user")
                     .filter(event=event, user_id=pk).first()) if pk is not None else None
    if participation is None:
        raise NotFound()
    return participation


def authorize_participation(organizer: User, event: Event, participant_id: str) -> Participation:
    """Accept a participation request (pleroma-content 6.7); accepting twice is harmless."""
    with transaction.atomic():
        participation = _own_participation(organizer, event, participant_id)
        if participation.state != Participation.State.ACCEPT:
            participation.state = Participation.State.ACCEPT
            participation.state_changed_at = timezone.now()
            participation.save(update_fields=["state", "state_changed_at"])
            if not event.is_free:
                notify(participation.user, organizer, "pleroma:participation_accepted",
                       status=event.status)
            for hook in registry.participation_answered:
                hook(participation, True)
    return participation


def reject_participation(organizer: User, event: Event, participant_id: str) -> Participation:
    """Reject a request or remove a participant (pleroma-content 6.8)."""
    with transaction.atomic():
        participation = _own_participation(organizer, event, participant_id)
        if participation.user_id == organizer.pk:
            raise BadRequest("Can't leave your own event")
        if participation.state != Participation.State.REJECT:
            participation.state = Participation.State.REJECT
            participation.state_changed_at = timezone.now()
            participation.save(update_fields=["state", "state_changed_at"])
            for hook in registry.participation_answered:
                hook(participation, False)
        _dismiss_request(event, participation.user)
    return participation


def send_reminder(event: Event) -> int:
    """Remind the organizer and accepted participants; once per start time. Returns count."""
    with transaction.atomic():
        event = Event.objects.select_for_update().select_related("status__account").get(pk=event.pk)
        if event.reminded_for == event.start_time or event.start_time - REMINDER_BEFORE > timezone.now():
            return 0
        event.reminded_for = event.start_time
        event.save(update_fields=["reminded_for"])
        organizer = event.status.account
        sent = 0
        participants = User.objects.filter(
            event_participations__event=event,
            event_participations__state=Participation.State.ACCEPT).exclude(pk=organizer.pk)
        for user in participants:
            sent += notify(user, organizer, "pleroma:event_reminder", status=event.status) is not None
        # notify() drops notifications about one's own actions; the organizer's own reminder
        # is wanted (pleroma-content 6.13), so it is written here.
        if organizer.is_active:
            Notification.objects.create(user=organizer, account=organizer,
                                        type="pleroma:event_reminder", status=event.status)
            sent += 1
    return sent


def send_update_notifications(event: Event, editor: User, edited_at: datetime.datetime) -> int:
    """`pleroma:event_update` to accepted participants but the editor; once per edit."""
    already = Notification.objects.filter(
        status_id=event.status_id, type="pleroma:event_update",
        created_at__gte=edited_at).values("user_id")
    participants = User.objects.filter(
        event_participations__event=event,
        event_participations__state=Participation.State.ACCEPT,
    ).exclude(pk=editor.pk).exclude(pk__in=already)
    return sum(notify(user, editor, "pleroma:event_update", status=event.status) is not None
               for user in participants)


# --- events of other servers (stored by federation) -------------------------------------------

REMOTE_JOIN_MODES = ("free", "restricted", "invite", "external")


def record_remote_event(status: Status, *, name: str, start_time: datetime.datetime,
                        end_time: datetime.datetime | None, join_mode: str,
                        location: dict | None) -> Event:
    """The Event row of a remote status that is an `Event` (created once; the same status
    again updates it), its organizer counted as an accepted participant as for local ones."""
    fields = _remote_fields(name=name, start_time=start_time, end_time=end_time, location=location)
    with transaction.atomic():
        event, created = Event.objects.select_for_update().get_or_create(
            status=status, defaults={**fields, "join_mode": _remote_join_mode(join_mode)})
        if not created:
            return update_remote_event(event, name=name, start_time=start_time, end_time=end_time,
                                       location=location)
        Participation.objects.get_or_create(event=event, user_id=status.account_id,
                                            defaults={"state": Participation.State.ACCEPT})
    return event


def update_remote_event(event: Event, *, name: str, start_time: datetime.datetime,
                        end_time: datetime.datetime | None, location: dict | None) -> Event:
    """A remote organizer's edit (Update{Event}): name, times and place; the join mode stays.
    Local participants get `pleroma:event_update`."""
    fields = _remote_fields(name=name, start_time=start_time, end_time=end_time, location=location)
    with transaction.atomic():
        event = Event.objects.select_for_update().select_related("status__account").get(pk=event.pk)
        changed = any(getattr(event, key) != value for key, value in fields.items())
        if not changed:
            return event
        for key, value in fields.items():
            setattr(event, key, value)
        event.updated_at = timezone.now()
        event.save()
        _notify_update(event, event.status.account)
    return event


def _remote_join_mode(join_mode: str | None) -> str:
    return join_mode if join_mode in REMOTE_JOIN_MODES else JoinMode.FREE


def _remote_fields(*, name: str, start_time: datetime.datetime, end_time: datetime.datetime | None,
                   location: dict | None) -> dict:
    if end_time is not None and end_time < start_time:
        end_time = None  # the check constraint keeps the times ordered; a bad end is dropped
    return {"name": (name or "").strip()[:MAX_NAME_LENGTH] or "Event", "start_time": start_time,
            "end_time": end_time, "location": location}


def get_event_of_status(status: Status) -> Event | None:
    """The Event row of a status, or None."""
    return Event.objects.filter(status_id=status.pk).select_related("status__account").first()
