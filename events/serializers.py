"""Event shapes: the `pleroma.event` block of a Status, participation requests, locations."""

from __future__ import annotations

import uuid

from django.db.models import Count, OuterRef, Q, Subquery
from rest_framework import serializers

from accounts.serializers import AccountSerializer
from core import sql
from core.renderers import format_datetime
from events.models import Event, Participation

ADDRESS_KEYS = ("street", "postal_code", "locality", "region", "country")


def render_location(place: dict | None) -> dict | None:
    """`pleroma.event.location`: name, url and coordinates, the address keys when known."""
    if not place:
        return None
    data = {key: place.get(key) for key in ("name", "url", "longitude", "latitude")}
    if any(place.get(key) is not None for key in ADDRESS_KEYS):
        data.update({key: place.get(key) for key in ADDRESS_KEYS})
    return data


def render_event(event: Event, *, participants: int, requests: int, join_state: str | None,
                 is_organizer: bool) -> dict:
    """The `pleroma.event` block (pleroma-content 6.2)."""
    return {
        "name": event.name,
        "start_time": format_datetime(event.start_time),
        "end_time": format_datetime(event.end_time),
        "join_mode": event.join_mode,
        "participants_count": participants,
        "location": render_location(event.location),
        "join_state": join_state,
        "participation_request_count": requests if is_organizer else None,
    }


def load_events(viewer, statuses: list) -> dict:
    """statuses.registry loader: `pleroma.event` for every event on a page, in one query
    (the events, their participant and request counts and the viewer's own state)."""
    authors = {s.pk: s.account_id for s in statuses if s is not None and not s.reblog_of_id}
    if not authors:
        return {}
    rows = Event.objects.filter(status_id__in=list(authors)).annotate(
        accepted_count=Count("participations", filter=Q(participations__state=Participation.State.ACCEPT)),
        pending_count=Count("participations", filter=Q(participations__state=Participation.State.PENDING)),
    )
    if viewer is not None:
        rows = rows.annotate(viewer_state=Subquery(Participation.objects.filter(
            event=OuterRef("pk"), user_id=viewer.pk).values("state")[:1]))
    loaded = {}
    for event in rows:
        loaded[event.status_id] = {"pleroma": {"event": render_event(
            event, participants=event.accepted_count, requests=event.pending_count,
            join_state=getattr(event, "viewer_state", None),
            is_organizer=viewer is not None and authors[event.status_id] == viewer.pk)}}
    return loaded


def participation_rows(viewer, pairs: list):
    """statuses.registry viewer part: the viewer's participations in the page's events, and
    the pending requests of the viewer's own events, as
    `("<status id>\\t<user id>\\t<state>", "event")` text pairs."""
    refs = [ref for data, ref in pairs if data["pleroma"].get("event")]
    if not refs:
        return None
    page, page_values = sql.in_list("e.status_id", [r.pk for r in refs])
    own, own_values = sql.in_list("e.status_id", [r.pk for r in refs if r.account_id == viewer.pk])
    tab = sql.tab()
    return (f"SELECT {sql.text('e.status_id')} || {tab} || {sql.text('p.user_id')} || {tab} || p.state, 'event'"
            f" FROM {Participation._meta.db_table} p JOIN {Event._meta.db_table} e ON e.id = p.event_id"
            f" WHERE {page} AND (p.user_id = %s OR (p.state = 'pending' AND {own}))",
            [*page_values, sql.value(viewer.pk), *own_values])


def apply_participations(viewer, pairs: list, keys: list[str]) -> None:
    """`join_state` for the viewer; `participation_request_count` for the organiser."""
    states: dict = {}
    requests: dict = {}
    for key in keys:
        status, user, state = key.split("\t")
        status_pk = uuid.UUID(status)
        if viewer is not None and uuid.UUID(user) == viewer.pk:
            states[status_pk] = state
        if state == Participation.State.PENDING:
            requests[status_pk] = requests.get(status_pk, 0) + 1
    for data, ref in pairs:
        event = data["pleroma"].get("event")
        if event is None or viewer is None:
            continue
        event = data["pleroma"]["event"] = dict(event)
        event["join_state"] = states.get(ref.pk)
        if ref.account_id == viewer.pk:
            event["participation_request_count"] = requests.get(ref.pk, 0)


class ParticipationRequestSerializer(serializers.BaseSerializer):
    """`{account, participation_message}` for a pending request (pleroma-content 6.6)."""

    @classmethod
    def context_for(cls, viewer, participations, request=None) -> dict:
        return AccountSerializer.context_for(viewer, [p.user for p in participations], request=request)

    def to_representation(self, participation):
        account = AccountSerializer(participation.user, context=self.context).data
        return {"account": account, "participation_message": participation.participation_message}


class LocationResultSerializer(serializers.BaseSerializer):
    """A location search result (pleroma-content 7.1)."""

    def to_representation(self, result):
        return result.as_search_result()


def participation_messages(notifications: list) -> dict:
    """`{notification pk: participation_message}` for a page's `pleroma:participation_request`
    and `pleroma:participation_accepted` notifications, in one query (pleroma-content 6.13).

    The requester is the notification's account for a request and its user for an
    acceptance; the message is the one sent with the join.
    """
    wanted = {}
    for n in notifications:
        if n.type == "pleroma:participation_request":
            wanted[n.pk] = (n.status_id, n.account_id)
        elif n.type == "pleroma:participation_accepted":
            wanted[n.pk] = (n.status_id, n.user_id)
    if not wanted:
        return {}
    query = Q()
    for status_id, user_id in set(wanted.values()):
        query |= Q(event__status_id=status_id, user_id=user_id)
    found = {(p["event__status_id"], p["user_id"]): p["participation_message"]
             for p in Participation.objects.filter(query).values(
                 "event__status_id", "user_id", "participation_message")}
    return {pk: found.get(key) for pk, key in wanted.items()}


def load_participation_messages(notifications: list) -> dict:
    """Notification loader: `participation_message` on participation notifications."""
    return {pk: {"participation_message": message}
            for pk, message in participation_messages(notifications).items()}
