"""Mastodon-compatible OAuth on django-oauth-toolkit's tables: apps, token, revoke."""

from __future__ import annotations

import base64
import binascii

from django.db import transaction
from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from oauth2_provider.models import AccessToken, Grant, RefreshToken
from rest_framework import serializers
from rest_framework.response import Response

from accounts import services
from accounts.models import App
from accounts.serializers import render_app, render_token
from core import ratelimit
from core import scopes as scope_rules
from core.authentication import check_password_login, set_token_cookie
from core.exceptions import ApiError, BadRequest, Unprocessable
from core.fields import AnyValueField
from core.openapi import ERRORS, error
from core.params import request_params
from core.views import ApiViewSet
from oauth.checks import redirect_uri_problem, verifier_matches
from push import vapid

TokenResponse = inline_serializer("Token", fields={
    "access_token": serializers.CharField(), "token_type": serializers.CharField(),
    "scope": serializers.CharField(), "created_at": serializers.IntegerField(),
    "id": serializers.IntegerField(), "refresh_token": serializers.CharField(required=False),
    "expires_in": serializers.IntegerField(), "me": serializers.CharField(required=False),
})
AppResponse = inline_serializer("Application", fields={
    "id": serializers.CharField(), "name": serializers.CharField(),
    "website": serializers.CharField(allow_null=True),
    "client_id": serializers.CharField(required=False),
    "client_secret": serializers.CharField(required=False),
    "redirect_uri": serializers.CharField(), "redirect_uris": serializers.ListField(),
    "scopes": serializers.ListField(), "vapid_key": serializers.CharField(),
})


class CreateAppInput(serializers.Serializer):
    client_name = serializers.CharField(max_length=255)
    redirect_uris = AnyValueField()
    scopes = AnyValueField(required=False)
    website = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=500)

    def validate_redirect_uris(self, value):
        uris = value if isinstance(value, list) else str(value).split()
        uris = [str(u).strip() for u in uris if str(u).strip()]
        if not uris:
            raise serializers.ValidationError("can't be blank")
        for uri in uris:
            problem = redirect_uri_problem(uri)
            if problem is not None:
                raise Unprocessable(f"redirect_uris: {uri[:200]} {problem}")
        return "\n".join(uris)

    def validate_scopes(self, value):
        return scope_rules.parse(value) or ["read"]


class AppViewSet(ApiViewSet):
    """OAuth client registration (POST /api/v1/apps) and app token checks."""

    scopes = {"verify_credentials": []}
    allow_app_token = True

    @extend_schema(summary="Register an OAuth application", request=CreateAppInput,
                   responses={200: AppResponse, 400: ERRORS[400],
                              422: error("A redirect URI that is not allowed")}, auth=[])
    def create(self, request):
        ratelimit.hit("app_creation", ratelimit.client_ip(request))
        data = self.validated(CreateAppInput)
        app = services.create_app(name=data["client_name"], redirect_uris=data["redirect_uris"],
                                  scopes=data.get("scopes") or ["read"], website=data.get("website"),
                                  owner=self.viewer)
        return Response({**render_app(app, with_secrets=True), "vapid_key": vapid.public_key()})

    @extend_schema(summary="Check the app token", responses={200: AppResponse, 401: error("Bad token")})
    def verify_credentials(self, request):
        token = request.auth if isinstance(request.auth, AccessToken) else None
        if token is None or token.application is None:
            return Response({"error": "The access token is invalid"}, status=401)
        return Response({**render_app(token.application, with_secrets=False),
                         "vapid_key": vapid.public_key()})

    def permission_denied(self, request, message=None, code=None):
        raise ApiError("The access token is invalid", status=401)

    def check_permissions(self, request):
        if self.action == "verify_credentials" and not isinstance(request.auth, AccessToken):
            raise ApiError("The access token is invalid", status=401)


def client_from_request(request, params: dict) -> App | None:
    """The app named by HTTP Basic client credentials (preferred) or client_id/secret."""
    client_id, client_secret = params.get("client_id"), params.get("client_secret")
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if header.startswith("Basic "):
        try:
            decoded = base64.b64decode(header[6:]).decode()
            client_id, _, client_secret = decoded.partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None
    if not client_id or not client_secret:
        return None
    app = App.objects.filter(client_id=str(client_id)).first()
    if app is None or app.client_secret != str(client_secret):
        return None
    return app


class TokenInput(serializers.Serializer):
    grant_type = serializers.CharField(required=False)
    client_id = serializers.CharField(required=False)
    client_secret = serializers.CharField(required=False)
    username = serializers.CharField(required=False)
    password = serializers.CharField(required=False)
    code = serializers.CharField(required=False)
    redirect_uri = serializers.CharField(required=False)
    code_verifier = serializers.CharField(required=False)
    refresh_token = serializers.CharField(required=False)
    scope = serializers.CharField(required=False)


class TokenViewSet(ApiViewSet):
    """POST /oauth/token and POST /oauth/revoke."""

    authentication_classes: list = []
    permission_classes: list = []

    @extend_schema(summary="Obtain a token", request=TokenInput,
                   responses={200: TokenResponse, 400: ERRORS[400], 403: ERRORS[403]}, auth=[])
    def token(self, request):
        params = request_params(request)
        grant_type = params.get("grant_type")
        app = client_from_request(request, params)
        if grant_type not in ("password", "authorization_code", "client_credentials", "refresh_token"):
            raise BadRequest("unsupported_grant_type")
        if app is None:
            raise ApiError("Invalid credentials", status=400)
        requested = scope_rules.parse(params.get("scope") or params.get("scopes"))
        if grant_type == "password":
            return self._password(request, app, params, requested)
        if grant_type == "client_credentials":
            token, _ = services.issue_token(app, None, services.grantable_scopes(app, requested))
            return self._respond(token, None)
        if grant_type == "authorization_code":
            return self._authorization_code(app, params)
        return self._refresh(app, params)

    def _password(self, request, app, params, requested):
        login = params.get("username") or params.get("name") or ""
        user = check_password_login(str(login), str(params.get("password") or ""),
                                    ip=ratelimit.client_ip(request))
        if user is None:
            raise ApiError("Invalid credentials", status=400)
        refusal = services.login_refusal(user)
        if refusal is not None:
            raise refusal
        scopes = services.grantable_scopes(app, requested)
        from oauth import mfa

        if mfa.is_enabled(user):
            raise mfa.challenge_required(user, app, scopes)
        token, refresh = services.issue_token(app, user, scopes)
        return self._respond(token, refresh)

    def _authorization_code(self, app, params):
        code = str(params.get("code") or "")
        invalid = ApiError("Invalid credentials", status=400)
        grant = Grant.objects.select_related("user").filter(application=app, code=code).first() if code else None
        if grant is None:
            raise invalid
        # Single use: whoever deletes the row owns the exchange; a failed one burns the code
        # too, so a stolen code cannot be tried against verifiers or redirect URIs.
        deleted, _ = Grant.objects.filter(pk=grant.pk).delete()
        if not deleted or grant.expires < timezone.now():
            raise invalid
        # RFC 6749 §4.1.3: the redirect_uri of the authorization request, exactly.
        if str(params.get("redirect_uri") or "") != grant.redirect_uri:
            raise invalid
        # RFC 7636 §4.6: the verifier of the challenge the authorize page stored.
        if grant.code_challenge and not verifier_matches(
                grant.code_challenge, grant.code_challenge_method or "plain", str(params.get("code_verifier") or "")):
            raise invalid
        user, scopes = grant.user, grant.scope.split()
        token, refresh = services.grant_token(grant)
        refusal = services.login_refusal(user)
        if refusal is not None:
            raise refusal
        if token is None:  # the login's session token was revoked meanwhile
            token, refresh = services.issue_token(app, user, scopes)
        return self._respond(token, refresh)

    def _refresh(self, app, params):
        raw = str(params.get("refresh_token") or "")
        from core.authentication import token_checksum

        old = RefreshToken.objects.select_related("user", "access_token").filter(
            application=app, token_checksum=token_checksum(raw), revoked__isnull=True).first()
        if old is None:
            raise ApiError("Invalid credentials", status=400)
        scopes = old.access_token.scope.split() if old.access_token else app.scope_list
        user = old.user
        refusal = services.login_refusal(user) if user is not None else None
        if refusal is not None:  # a deactivated (or unapproved...) account gets no new tokens
            raise refusal
        if old.access_token:
            old.access_token.delete()
        old.delete()
        token, refresh = services.issue_token(app, user, scopes)
        return self._respond(token, refresh)

    def _respond(self, token, refresh):
        response = Response(render_token(token, refresh))
        if token.user_id is not None:
            set_token_cookie(response, token.token)
        return response

    @extend_schema(summary="Finish a password login with a TOTP or backup code",
                   request=inline_serializer("MfaChallengeInput", fields={
                       "mfa_token": serializers.CharField(),
                       "challenge_type": serializers.ChoiceField(choices=["totp", "recovery"]),
                       "code": serializers.CharField(), "client_id": serializers.CharField(required=False),
                       "client_secret": serializers.CharField(required=False)}),
                   responses={200: TokenResponse, 400: ERRORS[400], 429: ERRORS[400]}, auth=[])
    def mfa_challenge(self, request):
        """POST /oauth/mfa/challenge: every failure is 400 `Invalid code` (pleroma-accounts 9.3)."""
        from accounts.models import User
        from oauth import mfa

        params = request_params(request)
        invalid = ApiError("Invalid code", status=400)
        app = client_from_request(request, params)
        raw = str(params.get("mfa_token") or "")
        data = mfa.read_mfa_token(raw) if raw else None
        if app is None or data is None or data.get("a") != app.pk:
            raise invalid
        user = User.objects.filter(pk=data.get("u")).first()
        challenge_type = str(params.get("challenge_type") or "")
        if user is None or challenge_type not in ("totp", "recovery") or not mfa.is_enabled(user):
            raise invalid
        ratelimit.hit("mfa_challenge", str(user.pk))
        if services.login_refusal(user) is not None:
            raise invalid
        # The code, the mfa_token and the new token in one transaction: a replayed token
        # spends no recovery code, and a code is spent only by the login it completes.
        with transaction.atomic():
            if not mfa.complete_login(user, raw, str(params.get("code") or ""), challenge_type):
                raise invalid
            token, refresh = services.issue_token(app, user, list(data.get("s") or app.scope_list))
        return self._respond(token, refresh)

    @extend_schema(summary="Revoke a token", request=inline_serializer("RevokeInput", fields={
        "token": serializers.CharField(), "client_id": serializers.CharField(required=False),
        "client_secret": serializers.CharField(required=False)}),
        responses={200: inline_serializer("Empty", fields={}), 400: ERRORS[400],
                   401: error("No or wrong client credentials")}, auth=[])
    def revoke(self, request):
        params = request_params(request)
        raw = params.get("token")
        if not raw:
            raise BadRequest("Missing token")
        from core.authentication import token_checksum

        # RFC 7009 §2.1: the client authenticates, and revokes only the tokens issued to it.
        app = client_from_request(request, params)
        if app is None:
            raise ApiError("invalid_client", status=401)
        tokens = AccessToken.objects.filter(token_checksum=token_checksum(str(raw)), application=app)
        for token in tokens:
            services.revoke_token(token)
        response = Response({})
        if request.COOKIES.get("_pleroma_key") == raw:
            response.delete_cookie("_pleroma_key")
        return response

