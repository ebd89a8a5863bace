"""Pleroma account features: imports, MFA, security, moves, aliases, extras.

Pleroma routes are written once under /api/v1/pleroma; core.middleware serves the
/api/pleroma spelling from the same lines.
"""

from django.urls import path

from accounts.feature_views.imports import ImportViewSet
from accounts.feature_views.media import MascotViewSet, ProfileImageViewSet
from accounts.feature_views.mfa import MfaViewSet
from accounts.feature_views.misc import CaptchaViewSet, RemoteInteractionViewSet, ScrobbleViewSet
from accounts.feature_views.moves import AliasViewSet, MoveViewSet
from accounts.feature_views.security import (
    AccountSecurityViewSet,
    ConfirmationViewSet,
    OAuthSessionViewSet,
    confirm_email,
)
from accounts.feature_views.social import (
    EndorsementViewSet,
    FavouritesViewSet,
    NotificationSettingsViewSet,
    SubscriptionViewSet,
)

urlpatterns = [
    # imports
    path("api/v1/pleroma/follow_import", ImportViewSet.as_view({"post": "follow_import"})),
    path("api/v1/pleroma/blocks_import", ImportViewSet.as_view({"post": "blocks_import"})),
    path("api/v1/pleroma/mutes_import", ImportViewSet.as_view({"post": "mutes_import"})),
    path("api/v1/pleroma/imports", ImportViewSet.as_view({"get": "list"})),
    path("api/v1/pleroma/imports/<str:pk>", ImportViewSet.as_view({"get": "retrieve"})),
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
    # MFA settings
    path("api/v1/pleroma/accounts/mfa", MfaViewSet.as_view({"get": "show"})),
    path("api/v1/pleroma/accounts/mfa/backup_codes", MfaViewSet.as_view({"get": "backup_codes"})),
    path("api/v1/pleroma/accounts/mfa/setup/<str:method>", MfaViewSet.as_view({"get": "setup"})),
    path("api/v1/pleroma/accounts/mfa/confirm/<str:method>", MfaViewSet.as_view({"post": "confirm"})),
    path("api/v1/pleroma/accounts/mfa/<str:method>", MfaViewSet.as_view({"delete": "disable"})),
    # aliases and moves
    path("api/v1/pleroma/aliases",
         AliasViewSet.as_view({"get": "list", "put": "add", "delete": "remove"})),
    path("api/v1/pleroma/move_account", MoveViewSet.as_view({"post": "move_account"})),
    # subscriptions, favourites, endorsements
    path("api/v1/pleroma/accounts/<str:pk>/subscribe", SubscriptionViewSet.as_view({"post": "subscribe"})),
    path("api/v1/pleroma/accounts/<str:pk>/unsubscribe", SubscriptionViewSet.as_view({"post": "unsubscribe"})),
    path("api/v1/pleroma/accounts/<str:pk>/favourites", FavouritesViewSet.as_view({"get": "list"})),
    path("api/v1/pleroma/accounts/<str:pk>/endorsements", EndorsementViewSet.as_view({"get": "of_account"})),
    path("api/v1/accounts/<str:pk>/pin", EndorsementViewSet.as_view({"post": "pin"})),
    path("api/v1/accounts/<str:pk>/unpin", EndorsementViewSet.as_view({"post": "unpin"})),
    path("api/v1/endorsements", EndorsementViewSet.as_view({"get": "own"})),
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
