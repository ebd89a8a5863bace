"""Announcements, and Pleroma's admin API for them."""

from django.urls import path

from announcements.views import AdminAnnouncementViewSet, AnnouncementViewSet

urlpatterns = [
    # announcements
    path("api/v1/announcements", AnnouncementViewSet.as_view({"get": "list"})),
    path("api/v1/announcements/<str:pk>/dismiss", AnnouncementViewSet.as_view({"post": "dismiss"})),
    path("api/v1/announcements/<str:pk>/reactions/<str:name>", AnnouncementViewSet.as_view({
        "put": "react", "delete": "unreact"})),
    # admin
    path("api/v1/pleroma/admin/announcements", AdminAnnouncementViewSet.as_view({"get": "list", "post": "create"})),
    path("api/v1/pleroma/admin/announcements/<str:pk>", AdminAnnouncementViewSet.as_view({
        "get": "retrieve", "patch": "partial_update", "delete": "destroy"})),
]
