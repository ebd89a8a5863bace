"""iCalendar export of events (pleroma-content 6.12) with the `icalendar` package."""

from __future__ import annotations

from collections.abc import Iterable

import icalendar
from django.conf import settings

from core import ids
from statuses.serializers import plain_text

PRODID = "-//pleroma_py//Events//EN"
CONTENT_TYPE = "text/calendar; charset=utf-8"


def event_uid(event) -> str:
    """Stable and globally unique: the event's id at this instance's domain; for an event
    of another server its ActivityPub id, the same on every server that shows it."""
    if event.status.ap_id:
        return event.status.ap_id
    return f"{ids.encode(event.pk)}@{settings.INSTANCE_DOMAIN}"


def location_text(place: dict | None) -> str | None:
    """`<name> <street> <postal code> <locality> <region> <country>`, single-spaced."""
    if not place:
        return None
    parts = [place.get(k) for k in ("name", "street", "postal_code", "locality", "region", "country")]
    text = " ".join(" ".join(str(p) for p in parts if p).split())
    return text or None


def vevent(event) -> icalendar.Event:
    """One VEVENT: UID, summary, description, start, end, location, organizer and URL."""
    status = event.status
    organizer = status.account
    component = icalendar.Event()
    component.add("uid", event_uid(event))
    component.add("dtstamp", event.updated_at)
    component.add("created", event.created_at)
    component.add("last-modified", event.updated_at)
    component.add("summary", event.name)
    component.add("description", plain_text(status.content))
    component.add("dtstart", event.start_time)
    if event.end_time is not None:
        component.add("dtend", event.end_time)
    where = location_text(event.location)
    if where:
        component.add("location", where)
    place = event.location or {}
    if place.get("latitude") is not None and place.get("longitude") is not None:
        component.add("geo", (place["latitude"], place["longitude"]))
    address = icalendar.vCalAddress(organizer.ap_id)
    address.params["cn"] = icalendar.vText(organizer.display_name or organizer.nickname)
    component.add("organizer", address)
    component.add("url", status.url)
    return component


def calendar(events: Iterable, *, name: str | None = None) -> bytes:
    """A VCALENDAR holding one VEVENT per event."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if name:
        cal.add("x-wr-calname", name)
    for event in events:
        cal.add_component(vevent(event))
    return cal.to_ical()
