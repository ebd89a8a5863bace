"""Filters v1 and v2."""

from django.urls import path

from filters.views import FilterKeywordViewSet, FilterStatusViewSet, FilterViewSet, V1FilterViewSet

urlpatterns = [
    # v1 filters
    path("api/v1/filters", V1FilterViewSet.as_view({"get": "list", "post": "create"})),
    path("api/v1/filters/<str:pk>", V1FilterViewSet.as_view({"get": "retrieve", "put": "update",
                                                             "delete": "destroy"})),
    # v2 filter keywords and statuses (before /api/v2/filters/<pk>)
    path("api/v2/filters/keywords/<str:pk>", FilterKeywordViewSet.as_view({
        "get": "retrieve", "put": "update", "delete": "destroy"})),
    path("api/v2/filters/statuses/<str:pk>", FilterStatusViewSet.as_view({"get": "retrieve", "delete": "destroy"})),
    path("api/v2/filters/<str:pk>/keywords", FilterKeywordViewSet.as_view({"get": "list", "post": "create"})),
    path("api/v2/filters/<str:pk>/statuses", FilterStatusViewSet.as_view({"get": "list", "post": "create"})),
    # v2 filters
    path("api/v2/filters", FilterViewSet.as_view({"get": "list", "post": "create"})),
    path("api/v2/filters/<str:pk>", FilterViewSet.as_view({"get": "retrieve", "put": "update",
                                                           "delete": "destroy"})),
]
