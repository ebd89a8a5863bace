"""Account endpoints: registration, own credentials, profiles by id or nickname."""

from __future__ import annotations

import json

from django.conf import settings
from django.db import transaction
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from oauth2_provider.models import AccessToken
from rest_framework import serializers
from rest_framework.response import Response

from accounts import profile, registry, services
from accounts.inputs import RegisterAccountInput, UpdateCredentialsInput
from accounts.models import User
from accounts.serializers import AccountSerializer, CredentialAccountSerializer, render_token
from core import ids, ratelimit
from core.exceptions import BadRequest, Forbidden, NotFound
from core.openapi import ERRORS
from core.views import ApiViewSet

AccountSchema = inline_serializer("Account", fields={
    "id": serializers.CharField(), "username": serializers.CharField(),
    "acct": serializers.CharField(), "display_name": serializers.CharField(),
    "note": serializers.CharField(), "url": serializers.CharField(),
    "avatar": serializers.CharField(), "header": serializers.CharField(),
    "locked": serializers.BooleanField(), "bot": serializers.BooleanField(),
    "followers_count": serializers.IntegerField(), "following_count": serializers.IntegerField(),
    "statuses_count": serializers.IntegerField(), "pleroma": serializers.DictField(),
    "source": serializers.DictField(),
})
WITH_RELATIONSHIPS = OpenApiParameter("with_relationships", bool,
                                      description="Fill pleroma.relationship for the viewer")


def get_account(value: str) -> User:
    """A visible account by FlakeId, nickname or stored `nick@host`; deleted/deactivated ones are 404."""
    pk = ids.decode(value)
    user = None
    if pk is not None:
        user = User.objects.filter(pk=pk).first()
    if user is None:
        nickname = (value.split("@")[0] if value.endswith("@" + settings.INSTANCE_DOMAIN) else value).lstrip("@")
        if "@" in nickname:  # nick@host: an account of another server, as stored
            user = User.objects.filter(nickname__iexact=nickname, domain__isnull=False).first()
        else:
            user = User.objects.filter(nickname=nickname).first()
    if user is None or user.is_deleted or not user.is_active:
        raise NotFound()
    return user


class AccountViewSet(ApiViewSet):
    """Registration, verify_credentials, update_credentials, show and lookup."""

    # Registration (`create`) is left to the view: it needs an app-only token and refuses
    # anything else with Pleroma's registration message, not the generic one.
    scopes = {
        "verify_credentials": ["read:accounts"],
        "update_credentials": ["write:accounts"],
        "retrieve": ["read:accounts"],
        "lookup": ["read:accounts"],
    }
    anonymous_actions = ("retrieve", "lookup")
    # No invites.
    unsupported_parameters = {"create": ("token",)}
    serializer_class = AccountSerializer

    @extend_schema(summary="Register an account", request=RegisterAccountInput,
                   responses={200: inline_serializer("RegistrationToken", fields={
                       "access_token": serializers.CharField(), "token_type": serializers.CharField(),
                       "scope": serializers.CharField(), "created_at": serializers.IntegerField()}),
                       400: ERRORS[400], 403: ERRORS[403]}, auth=[{"OAuth": []}])
    def create(self, request):
        token = request.auth if isinstance(request.auth, AccessToken) else None
        if token is None or token.user_id is not None:
            raise Forbidden("Invalid credentials")
        if not settings.REGISTRATIONS_OPEN:
            raise Forbidden("Registrations are closed")
        ratelimit.hit("app_account_creation", ratelimit.client_ip(request))
        if not request.data and not request.query_params:
            raise BadRequest("Missing parameters")
        data = self.validated(RegisterAccountInput)
        if settings.ACCOUNT_ACTIVATION_REQUIRED and not data.get("email"):
            raise BadRequest("Missing parameter: email")
        if settings.CAPTCHA_ENABLED:
            from accounts import captcha

            captcha.validate(data.get("captcha_token"), data.get("captcha_answer_data"),
                             data.get("captcha_solution"))
        if not data.get("agreement"):
            raise BadRequest(json.dumps({"agreement": ["must be accepted"]}, separators=(",", ":")))
        user = services.register_user(
            nickname=data.get("username") or data.get("nickname") or "", password=data.get("password") or "",
            email=data.get("email") or None, display_name=data.get("fullname") or "",
            bio=data.get("bio") or "", reason=data.get("reason") or "", birthday=data.get("birthday"),
            language=data.get("language") or data.get("locale") or "",
        )
        if not user.is_confirmed:
            from accounts import tasks

            transaction.on_commit(lambda: tasks.send_confirmation_email.delay(str(user.pk)))
            return Response({"message": "You have been registered. Please check your email for further "
                             "instructions.", "identifier": "missing_confirmed_email"})
        if not user.is_approved:
            return Response({"message": "You have been registered. You'll be able to log in once your "
                             "account is approved.", "identifier": "awaiting_approval"})
        access, refresh = services.issue_token(token.application, user, token.application.scope_list)
        return Response(render_token(access, refresh))

    @extend_schema(summary="The caller's own account", responses={200: AccountSchema, 403: ERRORS[403]})
    def verify_credentials(self, request):
        return self.render(request.user, CredentialAccountSerializer)

    @extend_schema(summary="Update the caller's profile", request=UpdateCredentialsInput,
                   responses={200: AccountSchema, 400: ERRORS[400], 403: ERRORS[403], 413: ERRORS[400]})
    def update_credentials(self, request):
        user = profile.update_credentials(request.user, self.validated(UpdateCredentialsInput),
                                          raw=request.data)
        return self.render(user, CredentialAccountSerializer)

    @extend_schema(summary="An account by id or nickname", parameters=[WITH_RELATIONSHIPS],
                   responses={200: AccountSchema, 404: ERRORS[404]})
    def retrieve(self, request, pk: str):
        return self.render(get_account(pk))

    @extend_schema(summary="An account by acct", parameters=[
        OpenApiParameter("acct", str, required=True)], responses={200: AccountSchema, 404: ERRORS[404]})
    def lookup(self, request):
        acct = request.query_params.get("acct", "")
        if not acct:
            raise NotFound()
        try:
            return self.render(get_account(acct))
        except NotFound:
            # An account elsewhere is fetched for signed-in callers only (Pleroma's
            # limit_to_local_content default: anonymous lookups stay local).
            if self.viewer is None or "@" not in acct.lstrip("@"):
                raise
        found = registry.resolve_remote_account(acct)
        if found is None or not found.is_active:
            raise NotFound()
        return self.render(found)
