"""MFA settings: /api/pleroma/accounts/mfa* (pleroma-accounts 8)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from accounts import security
from accounts.feature_views.common import text
from core import ratelimit
from core.exceptions import ApiError, BadRequest
from core.openapi import ERRORS, error
from core.views import ApiViewSet
from oauth import mfa

METHOD = OpenApiParameter("method", str, OpenApiParameter.PATH, enum=["totp"])
SettingsSchema = inline_serializer("MfaSettings", fields={"settings": inline_serializer(
    "MfaSettingsValues", fields={"enabled": serializers.BooleanField(), "totp": serializers.BooleanField()})})
SetupSchema = inline_serializer("MfaSetup", fields={
    "key": serializers.CharField(), "provisioning_uri": serializers.CharField()})
ConfirmInput = inline_serializer("MfaConfirmInput", fields={
    "password": serializers.CharField(), "code": serializers.CharField()})
DisableInput = inline_serializer("MfaDisableInput", fields={"password": serializers.CharField()})
CodesSchema = inline_serializer("MfaBackupCodes", fields={
    "codes": serializers.ListField(child=serializers.CharField())})
EMPTY = inline_serializer("MfaEmpty", fields={})
REFUSED = error("Wrong password (`Invalid password.`) or code (`invalid_token`)")


def _check_password(user, password: str) -> None:
    """The password check of the MFA routes: 422 rather than the legacy 200."""
    try:
        security.confirm_password(user, password)
    except ApiError as exc:
        raise ApiError(exc.message, status=422) from exc


class MfaViewSet(ApiViewSet):
    """TOTP set-up, confirmation and removal, and backup codes."""

    scopes = {"show": ["read:security"], "setup": ["write:security"], "confirm": ["write:security"],
              "disable": ["write:security"], "backup_codes": ["write:security"]}

    @extend_schema(summary="The MFA settings", responses={200: SettingsSchema, 403: ERRORS[403]})
    def show(self, request):
        return Response({"settings": mfa.settings_of(request.user)})

    @extend_schema(summary="Start TOTP set-up: a new secret and its otpauth:// URI", parameters=[METHOD],
                   responses={200: SetupSchema, 400: ERRORS[400], 403: ERRORS[403]})
    def setup(self, request, method: str):
        if method != "totp":
            raise BadRequest("undefined method")
        return Response(mfa.setup_totp(request.user))

    @extend_schema(summary="Confirm TOTP with the password and a code; MFA is on afterwards",
                   parameters=[METHOD], request=ConfirmInput,
                   responses={200: EMPTY, 400: ERRORS[400], 403: ERRORS[403], 422: REFUSED, 429: ERRORS[400]})
    def confirm(self, request, method: str):
        params = self.params()
        if method != "totp" or params.get("password") is None or params.get("code") is None:
            raise BadRequest("undefined mfa method")
        ratelimit.hit("mfa_challenge", f"confirm:{request.user.pk}")
        _check_password(request.user, text(params["password"]))
        mfa.confirm_totp(request.user, text(params["code"]))
        return Response({})

    @extend_schema(summary="Turn TOTP (`totp`) or all of MFA (`mfa`) off", request=DisableInput,
                   parameters=[OpenApiParameter("method", str, OpenApiParameter.PATH, enum=["totp", "mfa"])],
                   responses={200: EMPTY, 400: ERRORS[400], 403: ERRORS[403], 422: REFUSED})
    def disable(self, request, method: str):
        if method not in ("totp", "mfa"):
            raise BadRequest("undefined mfa method")
        _check_password(request.user, text(self.params().get("password")))
        mfa.disable(request.user)
        return Response({})

    @extend_schema(summary="New single-use backup codes (replacing the old ones)",
                   responses={200: CodesSchema, 403: ERRORS[403]})
    def backup_codes(self, request):
        return Response({"codes": mfa.generate_backup_codes(request.user)})
