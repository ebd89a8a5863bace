from django.urls import path

from events.views import EventViewSet, LocationSearchViewSet

urlpatterns = [
    # events (the pl fork); the fixed paths come before /events/<pk>
    path("api/v1/pleroma/events", EventViewSet.as_view({"post": "create"})),
    path("api/v1/pleroma/events/joined_events", EventViewSet.as_view({"get": "joined_events"})),
    path("api/v1/pleroma/events/joined_events.ics", EventViewSet.as_view({"get": "joined_events_ics"})),
    # the seed says POST for editing; the fork's router and its clients use PUT
    path("api/v1/pleroma/events/<str:pk>", EventViewSet.as_view({"put": "update", "post": "update_by_post"})),
    path("api/v1/pleroma/events/<str:pk>/participations", EventViewSet.as_view({"get": "participations"})),
    path("api/v1/pleroma/events/<str:pk>/participation_requests",
         EventViewSet.as_view({"get": "participation_requests"})),
    path("api/v1/pleroma/events/<str:pk>/participation_requests/<str:participant_id>/authorize",
         EventViewSet.as_view({"post": "authorize"})),
    path("api/v1/pleroma/events/<str:pk>/participation_requests/<str:participant_id>/reject",
         EventViewSet.as_view({"post": "reject"})),
    path("api/v1/pleroma/events/<str:pk>/join", EventViewSet.as_view({"post": "join"})),
    path("api/v1/pleroma/events/<str:pk>/leave", EventViewSet.as_view({"post": "leave"})),
    # the seed says POST without authentication; the fork's clients use GET
    path("api/v1/pleroma/events/<str:pk>/ics", EventViewSet.as_view({"get": "ics", "post": "ics_by_post"})),
    # location search
    path("api/v1/pleroma/search/location", LocationSearchViewSet.as_view({"get": "search"})),
]
