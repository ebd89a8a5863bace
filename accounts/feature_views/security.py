"""Deleting and disabling the account, e-mail change and confirmation, OAuth sessions."""

from __future__ import annotations

from django.http import HttpResponseRedirect
from django.views.decorators.http import require_GET
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from accounts import security
from accounts.feature_views.common import BUSINESS_ERROR, require, success, text
from core import ratelimit
from core.exceptions import ApiError
from core.openapi import ERRORS
from core.views import ApiViewSet

PasswordInput = inline_serializer("PasswordInput", fields={"password": serializers.CharField()})
ChangeEmailInput = inline_serializer("ChangeEmailInput", fields={
    "password": serializers.CharField(), "email": serializers.CharField(allow_blank=True)})
ConfirmationResendInput = inline_serializer("ConfirmationResendInput", fields={
    "email": serializers.CharField(required=False), "nickname": serializers.CharField(required=False)})
TokenListSchema = inline_serializer("OAuthSession", many=True, fields={
    "id": serializers.IntegerField(), "app_name": serializers.CharField(allow_null=True),
    "valid_until": serializers.CharField(), "scopes": serializers.ListField(child=serializers.CharField())})
RESEND_LIMIT = (5, 8640)  # Pleroma's account_confirmation_resend: 5 per 2.4 hours per address


class AccountSecurityViewSet(ApiViewSet):
    """POST /api/pleroma/delete_account, /disable_account and /change_email."""

    scopes = {"delete_account": ["write:accounts"], "disable_account": ["write:accounts"],
              "change_email": ["write:accounts"]}

    @extend_schema(summary="Delete the account (password required; data removed in the background)",
                   request=PasswordInput, responses={200: BUSINESS_ERROR, 403: ERRORS[403]})
    def delete_account(self, request):
        security.confirm_password(request.user, self.params().get("password"))
        security.delete_account(request.user)
        return success()

    @extend_schema(summary="Disable the account (password required)", request=PasswordInput,
                   parameters=[OpenApiParameter("password", str)],
                   responses={200: BUSINESS_ERROR, 403: ERRORS[403]})
    def disable_account(self, request):
        security.confirm_password(request.user, self.params().get("password"))
        security.disable_account(request.user)
        return success()

    @extend_schema(summary="Change the e-mail address", request=ChangeEmailInput,
                   responses={200: BUSINESS_ERROR, 400: ERRORS[400], 403: ERRORS[403]})
    def change_email(self, request):
        password, email = require(self.params(), "password", "email")
        security.confirm_password(request.user, text(password))
        security.change_email(request.user, text(email))
        return success()


class ConfirmationViewSet(ApiViewSet):
    """POST /api/v1/pleroma/accounts/confirmation_resend: 204 whatever the address."""

    authentication_classes: list = []
    permission_classes: list = []

    @extend_schema(summary="Send the confirmation e-mail again (answers 204 in every case)",
                   request=ConfirmationResendInput, parameters=[
                       OpenApiParameter("email", str), OpenApiParameter("nickname", str)],
                   responses={204: None, 429: ERRORS[400]}, auth=[])
    def confirmation_resend(self, request):
        ratelimit.hit("account_confirmation_resend", ratelimit.client_ip(request), limit=RESEND_LIMIT)
        params = self.params()
        security.request_confirmation_resend(text(params.get("email") or params.get("nickname")))
        return Response(status=204, content_type="application/json")


@require_GET
def confirm_email(request, user_id: str, token: str):
    """GET /api/account/confirm_email/:id/:token: the link of the confirmation mail."""
    try:
        security.confirm_email(user_id, token)
    except ApiError:
        return HttpResponseRedirect("/?confirmation=invalid")
    return HttpResponseRedirect("/")


class OAuthSessionViewSet(ApiViewSet):
    """GET /api/oauth_tokens and DELETE /api/oauth_tokens/:id (any user token, any scope)."""

    scopes = {"list": [], "destroy": []}

    @extend_schema(summary="The caller's OAuth sessions", responses={200: TokenListSchema, 403: ERRORS[403]})
    def list(self, request):
        return Response([
            {"id": token.pk, "app_name": token.application.name if token.application else None,
             "valid_until": security.token_valid_until(token), "scopes": token.scope.split()}
            for token in security.list_tokens(request.user)])

    @extend_schema(summary="Revoke one of the caller's tokens (it stops working at once)",
                   parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)],
                   responses={201: None, 403: ERRORS[403], 404: ERRORS[404]})
    def destroy(self, request, pk: str):
        security.revoke_user_token(request.user, pk)
        return Response(status=201, content_type="application/json")
