"""Events (pleroma-content 6) and location search (7): thin actions over events.services."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers

from accounts.serializers import AccountSerializer
from core import ids, ratelimit
from core.exceptions import BadRequest, Forbidden, NotFound
from core.openapi import ERRORS, PAGINATION_PARAMETERS
from core.views import ApiViewSet
from events import ics, locations, services
from events.inputs import (
    CreateEventInput,
    EditEventInput,
    JoinedEventsInput,
    JoinEventInput,
    LocationSearchInput,
)
from events.models import Event, Participation
from events.serializers import LocationResultSerializer, ParticipationRequestSerializer
from statuses.models import Status
from statuses.queries import blocked_ids
from statuses.serializers import StatusSerializer
from statuses.services import get_visible_status

# Pleroma's buckets (pleroma-content 1.6): 15 event writes per 10 s; 3 joins/leaves of one
# event per minute.
EVENTS_ACTIONS = (15, 10)
JOIN_LEAVE = (3, 60)

EVENT_ID = OpenApiParameter("id", str, OpenApiParameter.PATH, description="The event's status id")
PARTICIPANT_ID = OpenApiParameter("participant_id", str, OpenApiParameter.PATH,
                                  description="The requesting account's id")
STATE = OpenApiParameter("state", str, enum=["pending", "accept", "reject"],
                         description="Only events where the caller's participation is in this state")
STATUS = StatusSerializer
ACCOUNTS = inline_serializer("EventParticipant", many=True, fields={
    "id": serializers.CharField(), "username": serializers.CharField(),
    "acct": serializers.CharField(), "display_name": serializers.CharField(),
    "url": serializers.CharField(), "avatar": serializers.CharField(),
    "pleroma": serializers.DictField(),
})
PARTICIPATION_REQUESTS = inline_serializer("ParticipationRequest", many=True, fields={
    "account": serializers.DictField(help_text="Account"),
    "participation_message": serializers.CharField(allow_null=True),
})
LOCATIONS = inline_serializer("LocationResult", many=True, fields={
    "origin_id": serializers.CharField(), "origin_provider": serializers.CharField(),
    "description": serializers.CharField(), "type": serializers.CharField(allow_null=True),
    "geom": serializers.DictField(allow_null=True, help_text="{coordinates: [lon, lat], srid}"),
    "street": serializers.CharField(allow_null=True), "postal_code": serializers.CharField(allow_null=True),
    "locality": serializers.CharField(allow_null=True), "region": serializers.CharField(allow_null=True),
    "country": serializers.CharField(allow_null=True), "timezone": serializers.CharField(allow_null=True),
    "url": serializers.CharField(allow_null=True),
})
CALENDAR = OpenApiResponse(OpenApiTypes.STR, description="An iCalendar file (text/calendar)")


class EventViewSet(ApiViewSet):
    """Create and edit events, join and leave them, manage participation requests, ICS."""

    scopes = {
        "create": ["write"], "update": ["write"], "update_by_post": ["write"], "joined_events": ["read"],
        "joined_events_ics": ["read"], "participations": ["read"],
        "participation_requests": ["read"], "authorize": ["write"], "reject": ["write"],
        "join": ["write"], "leave": ["write"], "ics": ["read:statuses"],
        "ics_by_post": ["read:statuses"],
    }
    # The seed serves the ICS file without authentication: public events to anyone.
    anonymous_actions = ("ics", "ics_by_post")
    unsupported_parameters = {"participation_requests": ("offset",)}  # keyset pages only
    serializer_class = StatusSerializer

    def render_event(self, event: Event):
        status = Status.objects.select_related("account").get(pk=event.status_id)
        return self.render(status, StatusSerializer)

    def throttle(self, event: Event | None = None) -> None:
        ratelimit.hit("events_actions", str(self.viewer.pk), limit=EVENTS_ACTIONS)
        if event is not None and self.action in ("join", "leave"):
            ratelimit.hit("status_id_action:join_leave", f"{self.viewer.pk}:{event.status_id}",
                          limit=JOIN_LEAVE)

    @extend_schema(summary="Create an event", request=CreateEventInput,
                   responses={200: STATUS, 400: ERRORS[400], 403: ERRORS[403], 422: ERRORS[422]})
    def create(self, request):
        self.throttle()
        data = self.validated(CreateEventInput)
        event = services.create_event(
            self.viewer, name=data.get("name"), status=data.get("status"),
            start_time=data.get("start_time"), end_time=data.get("end_time"),
            join_mode=data.get("join_mode") or "free", banner_id=data.get("banner_id"),
            location_id=data.get("location_id"), content_type=data.get("content_type") or "text/plain",
            language=data.get("language"), application=getattr(request.auth, "application", None))
        return self.render_event(event)

    @extend_schema(summary="Edit an event (organizer only); omitted end, place and banner are cleared",
                   parameters=[EVENT_ID], request=EditEventInput,
                   responses={200: STATUS, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404],
                              422: ERRORS[422]})
    def update(self, request, pk: str):
        self.throttle()
        event = services.get_visible_event(self.viewer, pk)
        fields = {k: v for k, v in self.validated(EditEventInput).items()}
        event = services.update_event(self.viewer, event, fields=fields,
                                      application=getattr(request.auth, "application", None))
        return self.render_event(event)

    @extend_schema(summary="Edit an event (organizer only): the seed's method for PUT",
                   parameters=[EVENT_ID], request=EditEventInput,
                   responses={200: STATUS, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404],
                              422: ERRORS[422]})
    def update_by_post(self, request, pk: str):
        return self.update(request, pk)

    @extend_schema(summary="Events the caller joined or asked to join, latest join first",
                   parameters=[STATE, *PAGINATION_PARAMETERS],
                   responses={200: StatusSerializer(many=True), 400: ERRORS[400], 403: ERRORS[403]})
    def joined_events(self, request):
        state = self.validated(JoinedEventsInput).get("state")
        rows = Participation.objects.filter(
            user=self.viewer, event__status__in=Status.objects.visible_to(self.viewer).values("pk"))
        if state:
            rows = rows.filter(state=state)
        rows = rows.select_related("event")
        return self.render_page(rows, StatusSerializer, to_objects=self._statuses_of)

    @staticmethod
    def _statuses_of(participations: list) -> list:
        pks = [p.event.status_id for p in participations]
        # StatusSerializer.context_for loads media, mentions and tags for the page itself.
        found = {s.pk: s for s in Status.objects.filter(pk__in=pks).select_related("account")}
        return [found[pk] for pk in pks if pk in found]

    @extend_schema(summary="An iCalendar feed of the events the caller takes part in",
                   description="Every event the caller's participation was accepted for (their "
                   "own included), newest start first, at most 500: a URL calendar apps can "
                   "subscribe to with HTTP Basic authentication.",
                   responses={(200, "text/calendar"): CALENDAR, 403: ERRORS[403]})
    def joined_events_ics(self, request):
        events = (Event.objects.filter(
            participations__user=self.viewer, participations__state=Participation.State.ACCEPT,
            status__in=Status.objects.visible_to(self.viewer).values("pk"))
            .select_related("status__account").order_by("-start_time")[:500])
        name = f"{self.viewer.nickname}'s events"
        return HttpResponse(ics.calendar(events, name=name), content_type=ics.CONTENT_TYPE)

    @extend_schema(summary="Accepted participants of an event, organizer included",
                   parameters=[EVENT_ID, *PAGINATION_PARAMETERS],
                   responses={200: ACCOUNTS, 403: ERRORS[403], 404: ERRORS[404]})
    def participations(self, request, pk: str):
        status = get_visible_status(self.viewer, pk, for_api=False)
        rows = Participation.objects.filter(event__status=status, state=Participation.State.ACCEPT)
        rows = rows.exclude(user_id__in=blocked_ids(self.viewer)[0]).select_related("user")
        return self.render_page(rows, AccountSerializer, to_objects=lambda page: [p.user for p in page])

    @extend_schema(summary="Pending participation requests of the caller's event, newest first",
                   parameters=[EVENT_ID, *PAGINATION_PARAMETERS],
                   responses={200: PARTICIPATION_REQUESTS, 403: ERRORS[403], 404: ERRORS[404]})
    def participation_requests(self, request, pk: str):
        status = get_visible_status(self.viewer, pk, for_api=False)
        if status.account_id != self.viewer.pk:
            raise Forbidden("Can't get participation requests")
        rows = Participation.objects.filter(event__status=status, state=Participation.State.PENDING)
        return self.render_page(rows.select_related("user"), ParticipationRequestSerializer)

    @extend_schema(summary="Accept a participation request (organizer only)",
                   parameters=[EVENT_ID, PARTICIPANT_ID], request=None,
                   responses={200: STATUS, 403: ERRORS[403], 404: ERRORS[404]})
    def authorize(self, request, pk: str, participant_id: str):
        event = services.get_visible_event(self.viewer, pk)
        services.authorize_participation(self.viewer, event, participant_id)
        return self.render_event(event)

    @extend_schema(summary="Reject a participation request or remove a participant (organizer only)",
                   parameters=[EVENT_ID, PARTICIPANT_ID], request=None,
                   responses={200: STATUS, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404]})
    def reject(self, request, pk: str, participant_id: str):
        event = services.get_visible_event(self.viewer, pk)
        services.reject_participation(self.viewer, event, participant_id)
        return self.render_event(event)

    @extend_schema(summary="Join a free event, or ask to join a restricted one",
                   parameters=[EVENT_ID], request=JoinEventInput,
                   responses={200: STATUS, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404]})
    def join(self, request, pk: str):
        status = get_visible_status(self.viewer, pk, for_api=False)
        try:
            event = services.get_event(status)
        except NotFound:
            raise BadRequest("Could not join") from None
        self.throttle(event)
        message = self.validated(JoinEventInput).get("participation_message")
        services.join_event(self.viewer, event, participation_message=message)
        return self.render_event(event)

    @extend_schema(summary="Leave an event, or withdraw a participation request",
                   parameters=[EVENT_ID], request=None,
                   responses={200: STATUS, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404]})
    def leave(self, request, pk: str):
        status = get_visible_status(self.viewer, pk, for_api=False)
        try:
            event = services.get_event(status)
        except NotFound:
            raise BadRequest("Not participating in the event") from None
        self.throttle(event)
        services.leave_event(self.viewer, event)
        return self.render_event(event)

    @extend_schema(summary="The event as an iCalendar file",
                   description="Anyone may fetch a public event's file; other events only "
                   "callers who may see them.", parameters=[EVENT_ID],
                   responses={(200, "text/calendar"): CALENDAR, 404: ERRORS[404]})
    def ics(self, request, pk: str):
        event = services.get_visible_event(self.viewer, pk)
        event = Event.objects.select_related("status__account").get(pk=event.pk)
        response = HttpResponse(ics.calendar([event]), content_type=ics.CONTENT_TYPE)
        response["Content-Disposition"] = f'inline; filename="{ids.encode(event.pk)}.ics"'
        return response

    @extend_schema(summary="The event as an iCalendar file: the seed's method for GET",
                   parameters=[EVENT_ID], request=None, responses={(200, "text/calendar"): CALENDAR, 404: ERRORS[404]})
    def ics_by_post(self, request, pk: str):
        return self.ics(request, pk)


class LocationSearchViewSet(ApiViewSet):
    """Location search for events' `location_id` (pleroma-content 7.1)."""

    scopes = {"search": []}

    @extend_schema(summary="Search places for an event's location", parameters=[
        OpenApiParameter("q", str, required=True, description="Free text: the start of a place name"),
        OpenApiParameter("locale", str, description="Preferred language of the results"),
        OpenApiParameter("type", str, enum=["ADMINISTRATIVE"],
                         description="Only administrative areas")],
        responses={200: LOCATIONS, 400: ERRORS[400], 403: ERRORS[403]})
    def search(self, request):
        data = self.validated(LocationSearchInput)
        results = locations.provider().search(data["q"], locale=data.get("locale") or None,
                                              type=data.get("type"))
        return self.render(results, LocationResultSerializer)
