"""Statuses, polls, scheduled statuses, media, timelines, favourites and search: one line per endpoint."""

from django.urls import path

from statuses.views import (
    MediaViewSet,
    PollViewSet,
    QuoteViewSet,
    ScheduledStatusViewSet,
    SearchViewSet,
    StatusViewSet,
    TimelineViewSet,
)

urlpatterns = [
    # statuses
    path("api/v1/statuses", StatusViewSet.as_view({"post": "create", "get": "list"})),
    path("api/v1/statuses/<str:pk>", StatusViewSet.as_view(
        {"get": "retrieve", "put": "update", "delete": "destroy"})),
    path("api/v1/statuses/<str:pk>/context", StatusViewSet.as_view({"get": "context"})),
    path("api/v1/statuses/<str:pk>/source", StatusViewSet.as_view({"get": "source"})),
    path("api/v1/statuses/<str:pk>/history", StatusViewSet.as_view({"get": "history"})),
    path("api/v1/statuses/<str:pk>/favourite", StatusViewSet.as_view({"post": "favourite"})),
    path("api/v1/statuses/<str:pk>/unfavourite", StatusViewSet.as_view({"post": "unfavourite"})),
    path("api/v1/statuses/<str:pk>/reblog", StatusViewSet.as_view({"post": "reblog"})),
    path("api/v1/statuses/<str:pk>/unreblog", StatusViewSet.as_view({"post": "unreblog"})),
    path("api/v1/statuses/<str:pk>/pin", StatusViewSet.as_view({"post": "pin"})),
    path("api/v1/statuses/<str:pk>/unpin", StatusViewSet.as_view({"post": "unpin"})),
    path("api/v1/statuses/<str:pk>/mute", StatusViewSet.as_view({"post": "mute"})),
    path("api/v1/statuses/<str:pk>/unmute", StatusViewSet.as_view({"post": "unmute"})),
    path("api/v1/statuses/<str:pk>/favourited_by", StatusViewSet.as_view({"get": "favourited_by"})),
    path("api/v1/statuses/<str:pk>/reblogged_by", StatusViewSet.as_view({"get": "reblogged_by"})),
    path("api/v1/pleroma/statuses/<str:pk>/quotes", QuoteViewSet.as_view({"get": "list"})),
    # polls
    path("api/v1/polls/<str:pk>", PollViewSet.as_view({"get": "retrieve"})),
    path("api/v1/polls/<str:pk>/votes", PollViewSet.as_view({"post": "vote"})),
    # scheduled statuses
    path("api/v1/scheduled_statuses", ScheduledStatusViewSet.as_view({"get": "list"})),
    path("api/v1/scheduled_statuses/<str:pk>", ScheduledStatusViewSet.as_view(
        {"get": "retrieve", "put": "update", "delete": "destroy"})),
    # media
    path("api/v1/media", MediaViewSet.as_view({"post": "create"})),
    path("api/v2/media", MediaViewSet.as_view({"post": "create_v2"})),
    path("api/v1/media/<str:pk>", MediaViewSet.as_view({"get": "retrieve", "put": "update"})),
    # timelines
    path("api/v1/timelines/home", TimelineViewSet.as_view({"get": "home"})),
    path("api/v1/timelines/public", TimelineViewSet.as_view({"get": "public"})),
    path("api/v1/timelines/tag/<str:tag>", TimelineViewSet.as_view({"get": "hashtag"})),
    path("api/v1/accounts/<str:pk>/statuses", TimelineViewSet.as_view({"get": "account_statuses"})),
    path("api/v1/favourites", TimelineViewSet.as_view({"get": "favourites"})),
    # search
    path("api/v2/search", SearchViewSet.as_view({"get": "search_v2"})),
    path("api/v1/search", SearchViewSet.as_view({"get": "search_v1"})),
]
