"""Lists: one line per endpoint."""

from django.urls import path

from lists.views import ListAccountViewSet, ListTimelineViewSet, ListViewSet

urlpatterns = [
    # lists
    path("api/v1/lists", ListViewSet.as_view({"get": "list", "post": "create"})),
    path("api/v1/lists/<str:pk>",
         ListViewSet.as_view({"get": "retrieve", "put": "update", "delete": "destroy"})),
    path("api/v1/accounts/<str:pk>/lists", ListViewSet.as_view({"get": "account_lists"})),
    # accounts on a list
    path("api/v1/lists/<str:pk>/accounts",
         ListAccountViewSet.as_view({"get": "list", "post": "add", "delete": "remove"})),
    # the list timeline
    path("api/v1/timelines/list/<str:pk>", ListTimelineViewSet.as_view({"get": "timeline"})),
]
