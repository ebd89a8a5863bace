"""Notifications, the seed's notifications/read, and markers."""

from django.urls import path

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
    # Pleroma read state
    path("api/v1/pleroma/notifications/read", PleromaNotificationViewSet.as_view({"post": "read"})),
    # markers
    path("api/v1/markers", MarkerViewSet.as_view({"get": "list", "post": "create"})),
]
