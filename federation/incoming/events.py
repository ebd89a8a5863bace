"""Events and participation received (reference/federation.md §3.16, §4.8): an `Event`
object stored as a remote status with its events.Event row (title, times, join mode, place),
its edits, and Join / Leave / Undo{Join} / Accept / Reject of participations, in both
directions: remote users joining local events, organizers elsewhere answering local users.
"""

from __future__ import annotations

from django.conf import settings

from accounts.models import User
from core import ids
from core.exceptions import ApiError
from events import services as events
from events.models import Event, Participation
from federation.incoming import follows as follow_handlers
from federation.incoming.common import (
    Ignored,
    Rejected,
    cancelled_first,
    local_account,
    object_id,
    status_by_uri,
)
from statuses.models import Status

MAX_PLACE_TEXT = 500
MAX_MESSAGE = 5000


# -- the Event object ---------------------------------------------------------------------------

def _text(value, limit: int = MAX_PLACE_TEXT) -> str | None:
    return value.strip()[:limit] or None if isinstance(value, str) else None


def _number(value) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def place_of(value) -> dict | None:
    """A `Place` (§4.8) as the events app keeps it: name, url, coordinates and the
    schema.org `PostalAddress` fields; None when it is no Place."""
    if isinstance(value, list):
        value = next((item for item in value if isinstance(item, dict)), None)
    if not isinstance(value, dict) or value.get("type") not in ("Place", None):
        return None
    address = value.get("address")
    if isinstance(address, str):  # a one-line address
        address = {"streetAddress": address}
    address = address if isinstance(address, dict) else {}
    url = value.get("url")
    place = {
        "name": _text(value.get("name")),
        "url": url[:2000] if isinstance(url, str) and url.startswith(("http://", "https://")) else None,
        "longitude": _number(value.get("longitude")),
        "latitude": _number(value.get("latitude")),
        "street": _text(address.get("streetAddress")),
        "postal_code": _text(address.get("postalCode")),
        "locality": _text(address.get("addressLocality")),
        "region": _text(address.get("addressRegion")),
        "country": _text(address.get("addressCountry")),
    }
    return place if any(v is not None for v in place.values()) else None


def event_fields(note: dict) -> dict:
    """The events.Event fields of an `Event` object; Rejected when it has no start time."""
    from federation.incoming.notes import _datetime

    start = _datetime(note.get("startTime"))
    if start is None:
        raise Rejected("An Event needs a startTime")
    name = note.get("name") if isinstance(note.get("name"), str) else ""
    return {"name": name, "start_time": start, "end_time": _datetime(note.get("endTime")),
            "location": place_of(note.get("location"))}


def store_event(status: Status, note: dict) -> Event:
    """notes.store_note: the Event row of a remote status stored from an `Event`."""
    fields = event_fields(note)
    join_mode = note.get("joinMode") if isinstance(note.get("joinMode"), str) else "free"
    return events.record_remote_event(status, join_mode=join_mode, **fields)


def refresh_event(status: Status, note: dict) -> None:
    """Update{Event} (applied edit): name, times and place are updatable (§4.8)."""
    event = events.get_event_of_status(status)
    if event is None:
        store_event(status, note)
        return
    events.update_remote_event(event, **event_fields(note))


# -- participation ------------------------------------------------------------------------------

def _event(activity: dict) -> Event:
    status = status_by_uri(object_id(activity.get("object")))
    event = events.get_event_of_status(status) if status is not None else None
    if event is None:
        raise Ignored("the object is not an event this server has")
    return event


def handle_join(activity: dict, remote: User, prepared=None) -> None:
    """A remote user joins a local event: accepted at once when it is free (federation
    sends the Accept), else a participation request for the organizer. One Join per
    (actor, event)."""
    if cancelled_first(remote.remote_ap_id, activity["id"], "Undo"):
        raise Ignored("undone before it arrived")
    event = _event(activity)
    if not event.status.account.is_local:
        raise Ignored("Join of an event of another server")
    from relationships.models import Block

    if Block.objects.filter(blocker_id=event.status.account_id, blocked=remote).exists():
        raise Ignored("the organizer blocks the actor")
    if Participation.objects.filter(event=event, user=remote).exists():
        raise Ignored("already joined this event")
    if Participation.objects.filter(ap_id=activity["id"]).exists():
        raise Ignored("this Join is known already")
    message = activity.get("participationMessage")
    try:
        events.join_event(remote, event, participation_message=_text(message, MAX_MESSAGE),
                          ap_id=activity["id"][:2000])
    except ApiError as exc:
        raise Ignored(f"join refused: {exc.message}") from exc


def _leave(event: Event, remote: User) -> None:
    try:
        events.leave_event(remote, event)
    except ApiError as exc:
        raise Ignored(f"leave refused: {exc.message}") from exc


def handle_leave(activity: dict, remote: User, prepared=None) -> None:
    """Mobilizon's Leave: `object` is the event (§3.16)."""
    _leave(_event(activity), remote)


def undo_join(inner: dict, remote: User) -> None:
    """Undo{Join}: the Join (embedded, or the stored one) names the event."""
    _leave(_event(inner), remote)


def participation_answered_by(activity: dict) -> Participation | None:
    """The local user's participation an Accept/Reject answers: the Join named by id (ours,
    /activities/join/<id>), or an embedded Join of a local actor for the event."""
    inner = activity.get("object")
    join_id = object_id(inner)
    found = Participation.objects.select_related("event__status__account", "user").filter(
        ap_id=join_id).first() if join_id else None
    prefix = f"{settings.PLEROMA_URL}/activities/join/"
    if found is None and join_id.startswith(prefix):
        pk = ids.decode(join_id[len(prefix):])
        found = Participation.objects.select_related("event__status__account", "user").filter(
            pk=pk).first() if pk is not None else None
    if found is None and isinstance(inner, dict) and inner.get("type") == "Join":
        user = local_account(object_id(inner.get("actor")))
        status = status_by_uri(object_id(inner.get("object")))
        if user is not None and status is not None:
            found = Participation.objects.select_related("event__status__account", "user").filter(
                user=user, event__status=status).first()
    if found is None or not found.user.is_local:
        return None
    return found


def handle_accept_or_reject(activity: dict, remote: User, prepared=None) -> None:
    """Accept / Reject of a local user's Join (only the event's organizer may answer it),
    else of a Follow (federation.incoming.follows)."""
    participation = participation_answered_by(activity)
    if participation is None:
        follow_handlers.handle_accept_or_reject(activity, remote, prepared)
        return
    event = participation.event
    if event.status.account_id != remote.pk:
        raise Rejected("Only the event's organizer answers a Join")
    participant = ids.encode(participation.user_id)
    try:
        if activity["type"] == "Accept":
            events.authorize_participation(remote, event, participant)
        else:
            events.reject_participation(remote, event, participant)
    except ApiError as exc:
        raise Ignored(f"answer not applied: {exc.message}") from exc
