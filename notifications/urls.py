"""Notifications, the seed's notifications/read, and markers."""

from django.urls import path

from notifications.group_views import GroupedNotificationViewSet
from notifications.views import MarkerViewSet, NotificationViewSet, PleromaNotificationViewSet

urlpatterns = [
    # notifications
    path("api/v1/notifications", NotificationViewSet.as_view({"get": "list"})),
    path("api/v1/notifications/clear", NotificationViewSet.as_view({"post": "clear"})),
    path("api/v1/notifications/dismiss", NotificationViewSet.as_view({"post": "dismiss_by_body"})),
    path("api/v1/notifications/destroy_multiple", NotificationViewSet.as_view({"delete": "destroy_multiple"})),
    path("api/v1/notifications/unread_count", NotificationViewSet.as_view({"get": "unread_count"})),
    path("api/v1/notifications/<str:pk>", NotificationViewSet.as_view({"get": "retrieve"})),
    path("api/v1/notifications/<str:pk>/dismiss", NotificationViewSet.as_view({"post": "dismiss"})),
    # grouped notifications (v2)
    path("api/v2/notifications", GroupedNotificationViewSet.as_view({"get": "list"})),
    path("api/v2/notifications/unread_count", GroupedNotificationViewSet.as_view({"get": "unread_count"})),
    path("api/v2/notifications/<str:group_key>", GroupedNotificationViewSet.as_view({"get": "retrieve"})),
    path("api/v2/notifications/<str:group_key>/accounts", GroupedNotificationViewSet.as_view({"get": "accounts"})),
    path("api/v2/notifications/<str:group_key>/dismiss", GroupedNotificationViewSet.as_view({"post": "dismiss"})),
    # Pleroma read state
    path("api/v1/pleroma/notifications/read", PleromaNotificationViewSet.as_view({"post": "read"})),
    # markers
    path("api/v1/markers", MarkerViewSet.as_view({"get": "list", "post": "create"})),
]
