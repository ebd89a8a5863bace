"""Pleroma account features: security, moves, aliases, extras.

Pleroma routes are written once under /api/v1/pleroma; core.middleware serves the
/api/pleroma spelling from the same lines.
"""

from django.urls import path

from accounts.feature_views.media import MascotViewSet, ProfileImageViewSet
from accounts.feature_views.misc import CaptchaViewSet, RemoteInteractionViewSet, ScrobbleViewSet
from accounts.feature_views.moves import AliasViewSet, MoveViewSet
from accounts.feature_views.security import (
    AccountSecurityViewSet,
    ConfirmationViewSet,
    OAuthSessionViewSet,
    confirm_email,
)
from accounts.feature_views.social import FavouritesViewSet, NotificationSettingsViewSet

urlpatterns = [
    # account security
    path("api/v1/pleroma/delete_account", AccountSecurityViewSet.as_view({"post": "delete_account"})),
    path("api/v1/pleroma/disable_account", AccountSecurityViewSet.as_view({"post": "disable_account"})),
    path("api/v1/pleroma/change_email", AccountSecurityViewSet.as_view({"post": "change_email"})),
    path("api/v1/pleroma/accounts/confirmation_resend",
         ConfirmationViewSet.as_view({"post": "confirmation_resend"})),
    path("api/account/confirm_email/<str:user_id>/<str:token>", confirm_email),
    # OAuth sessions
    path("api/oauth_tokens", OAuthSessionViewSet.as_view({"get": "list"})),
    path("api/oauth_tokens/<str:pk>", OAuthSessionViewSet.as_view({"delete": "destroy"})),
    # aliases and moves
    path("api/v1/pleroma/aliases",
         AliasViewSet.as_view({"get": "list", "put": "add", "delete": "remove"})),
    path("api/v1/pleroma/move_account", MoveViewSet.as_view({"post": "move_account"})),
    # favourites
    path("api/v1/pleroma/accounts/<str:pk>/favourites", FavouritesViewSet.as_view({"get": "list"})),
    # settings and profile images
    path("api/v1/pleroma/notification_settings", NotificationSettingsViewSet.as_view({"put": "update"})),
    path("api/v1/pleroma/accounts/update_avatar", ProfileImageViewSet.as_view({"patch": "avatar"})),
    path("api/v1/pleroma/accounts/update_banner", ProfileImageViewSet.as_view({"patch": "banner"})),
    path("api/v1/pleroma/accounts/update_background", ProfileImageViewSet.as_view({"patch": "background"})),
    path("api/v1/pleroma/mascot", MascotViewSet.as_view({"get": "show", "put": "update"})),
    # captcha, remote interaction, scrobbles
    path("api/v1/pleroma/captcha", CaptchaViewSet.as_view({"get": "show"})),
    path("api/v1/pleroma/remote_interaction", RemoteInteractionViewSet.as_view({"post": "create"})),
    path("api/v1/pleroma/scrobble", ScrobbleViewSet.as_view({"post": "create"})),
    path("api/v1/pleroma/accounts/<str:pk>/scrobbles", ScrobbleViewSet.as_view({"get": "list"})),
]
