"""ActivityPub routes other servers call (not part of the client API)."""

from django.urls import path

from federation import views
from federation.admin_api import InstanceHealthViewSet, RelayViewSet

urlpatterns = [
    # actors and their collections
    path("users/<str:nickname>", views.actor),
    path("users/<str:nickname>/followers", views.followers),
    path("users/<str:nickname>/following", views.following),
    path("users/<str:nickname>/outbox", views.outbox),
    path("users/<str:nickname>/collections/featured", views.featured),
    path("internal/fetch", views.instance_actor),
    # the relay actor (federation.relay): its document, inbox and collections
    path("relay", views.relay_actor),
    path("relay/inbox", views.relay_inbox),
    path("relay/followers", views.relay_followers),
    path("relay/following", views.relay_following),
    # inboxes
    path("inbox", views.shared_inbox),
    path("users/<str:nickname>/inbox", views.personal_inbox),
    # statuses
    path("objects/<str:status_id>", views.status_object),
    path("activities/<str:status_id>", views.status_activity),
    # quote stamps (FEP-044f)
    path("quote_authorizations/<str:stamp_id>", views.quote_authorization),
    # delivery health (admin API)
    path("api/v1/pleroma/admin/instances", InstanceHealthViewSet.as_view({"get": "list"})),
    path("api/v1/pleroma/admin/instances/<str:host>", InstanceHealthViewSet.as_view({"get": "retrieve"})),
    path("api/v1/pleroma/admin/instances/<str:host>/retry", InstanceHealthViewSet.as_view({"post": "retry"})),
    path("api/v1/pleroma/admin/instances/<str:host>/drop", InstanceHealthViewSet.as_view({"post": "drop"})),
    path("api/v1/pleroma/admin/relay",
         RelayViewSet.as_view({"get": "list", "post": "follow", "delete": "unfollow"})),
    # the JSON-LD context the documents name
    path("schemas/litepub-0.1.jsonld", views.litepub_schema),
]
