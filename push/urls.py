from django.urls import path

from push.views import PushSubscriptionViewSet

urlpatterns = [
    # Web Push subscription of the token
    path("api/v1/push/subscription", PushSubscriptionViewSet.as_view(
        {"post": "create", "get": "retrieve", "put": "update", "delete": "destroy"})),
]
