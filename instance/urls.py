from django.urls import path
from drf_spectacular.renderers import OpenApiJsonRenderer
from drf_spectacular.views import SpectacularAPIView

from accounts.password_reset import password_reset_page
from instance import federation
from instance.views import InstanceViewSet, NodeinfoViewSet

urlpatterns = [
    # instance documents
    path("api/v1/instance", InstanceViewSet.as_view({"get": "v1"})),
    path("api/v2/instance", InstanceViewSet.as_view({"get": "v2"})),
    path("api/v1/instance/peers", InstanceViewSet.as_view({"get": "peers"})),
    path("api/v1/pleroma/frontend_configurations", InstanceViewSet.as_view({"get": "frontend_configurations"})),
    path("api/v1/pleroma/healthcheck", InstanceViewSet.as_view({"get": "healthcheck"})),
    # nodeinfo (core.middleware strips the `.json` suffix)
    path(".well-known/nodeinfo", NodeinfoViewSet.as_view({"get": "links"})),
    path("nodeinfo/<str:version>", NodeinfoViewSet.as_view({"get": "show"})),
    # webfinger, host-meta, remote follow (actors are in federation/urls.py)
    path(".well-known/webfinger", federation.webfinger),
    path(".well-known/host-meta", federation.host_meta),
    path("ostatus_subscribe", federation.ostatus_subscribe),
    path("authorize_interaction", federation.ostatus_subscribe),  # Mastodon's spelling, `?uri=`
    # one-time password reset links (`manage.py user reset_password`)
    path("auth/password", password_reset_page),
    # the OpenAPI document of every API route
    path("api/openapi", SpectacularAPIView.as_view(renderer_classes=[OpenApiJsonRenderer])),
]
