"""OAuth applications, tokens, the authorize page, and MFA settings."""

from django.urls import path

from oauth.authorize import authorize
from oauth.mfa_views import MfaViewSet
from oauth.views import AppViewSet, TokenViewSet

urlpatterns = [
    # OAuth applications and tokens
    path("api/v1/apps", AppViewSet.as_view({"post": "create"})),
    path("api/v1/apps/verify_credentials", AppViewSet.as_view({"get": "verify_credentials"})),
    path("oauth/token", TokenViewSet.as_view({"post": "token"})),
    path("oauth/revoke", TokenViewSet.as_view({"post": "revoke"})),
    path("oauth/mfa/challenge", TokenViewSet.as_view({"post": "mfa_challenge"})),
    path("oauth/authorize", authorize),
    # MFA settings
    path("api/v1/pleroma/accounts/mfa", MfaViewSet.as_view({"get": "show"})),
    path("api/v1/pleroma/accounts/mfa/backup_codes", MfaViewSet.as_view({"get": "backup_codes"})),
    path("api/v1/pleroma/accounts/mfa/setup/<str:method>", MfaViewSet.as_view({"get": "setup"})),
    path("api/v1/pleroma/accounts/mfa/confirm/<str:method>", MfaViewSet.as_view({"post": "confirm"})),
    path("api/v1/pleroma/accounts/mfa/<str:method>", MfaViewSet.as_view({"delete": "disable"})),
]
