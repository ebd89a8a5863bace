"""Captcha, remote interaction and scrobbles."""

from __future__ import annotations

from django.utils.html import strip_tags
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from accounts import captcha, extras, remote
from accounts.feature_views.common import require, text
from accounts.serializers import render_account
from accounts.views import get_account
from core import ids
from core.exceptions import ApiError
from core.openapi import ERRORS, PAGINATION_PARAMETERS
from core.renderers import format_datetime
from core.views import ApiViewSet

CaptchaSchema = inline_serializer("Captcha", fields={
    "type": serializers.CharField(), "token": serializers.CharField(required=False),
    "url": serializers.CharField(required=False), "answer_data": serializers.CharField(required=False),
    "seconds_valid": serializers.IntegerField(required=False)})
RemoteInteractionInput = inline_serializer("RemoteInteractionInput", fields={
    "ap_id": serializers.CharField(), "profile": serializers.CharField(help_text="nick@host")})
RemoteInteractionSchema = inline_serializer("RemoteInteraction", fields={
    "url": serializers.CharField(required=False), "error": serializers.CharField(required=False)})
SCROBBLE_FIELDS = {
    "id": serializers.CharField(), "account": serializers.DictField(), "title": serializers.CharField(),
    "artist": serializers.CharField(allow_null=True), "album": serializers.CharField(allow_null=True),
    "length": serializers.IntegerField(allow_null=True),
    "externalLink": serializers.CharField(allow_null=True), "external_link": serializers.CharField(allow_null=True),
    "created_at": serializers.CharField()}
ScrobbleSchema = inline_serializer("Scrobble", fields=SCROBBLE_FIELDS)
ScrobbleListSchema = inline_serializer("ScrobbleList", fields=SCROBBLE_FIELDS, many=True)


class CaptchaViewSet(ApiViewSet):
    """GET /api/v1/pleroma/captcha."""

    authentication_classes: list = []
    permission_classes: list = []

    @extend_schema(summary="A new captcha (`{\"type\": \"none\"}` when captchas are off)",
                   responses={200: CaptchaSchema}, auth=[])
    def show(self, request):
        response = Response(captcha.new())
        response["Cache-Control"] = "no-store"
        return response


class RemoteInteractionViewSet(ApiViewSet):
    """POST /api/v1/pleroma/remote_interaction."""

    authentication_classes: list = []
    permission_classes: list = []

    @extend_schema(summary="Where to send a visitor to interact from their own server",
                   request=RemoteInteractionInput,
                   responses={200: RemoteInteractionSchema, 400: ERRORS[400]}, auth=[])
    def create(self, request):
        ap_id, profile = (text(v) for v in require(self.params(), "ap_id", "profile"))
        nick, host = _profile_address(profile)
        try:
            template = remote.subscribe_template(nick, host) if nick and host else ""
        except remote.RemoteNotFound:
            template = ""
        if not template:
            return Response({"error": "Couldn't find user"})
        return Response({"url": template.replace("{uri}", ap_id)})


def _profile_address(profile: str) -> tuple[str, str | None]:
    """`nick@host` (a leading `@` allowed) or a profile URL (`https://host/users/nick`, `/@nick`)."""
    from urllib.parse import urlsplit

    if profile.startswith(("http://", "https://")):
        parts = urlsplit(profile)
        nick = parts.path.rstrip("/").rsplit("/", 1)[-1].lstrip("@")
        return nick, parts.netloc or None
    return remote.split_acct(profile)


class ScrobbleInput(serializers.Serializer):
    title = serializers.CharField(max_length=500)
    artist = serializers.CharField(max_length=500, required=False, allow_blank=True, allow_null=True)
    album = serializers.CharField(max_length=500, required=False, allow_blank=True, allow_null=True)
    length = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    externalLink = serializers.URLField(max_length=2000, required=False, allow_blank=True, allow_null=True)  # noqa: N815
    external_link = serializers.URLField(max_length=2000, required=False, allow_blank=True, allow_null=True)
    visibility = serializers.ChoiceField(choices=extras.SCROBBLE_VISIBILITIES, required=False, default="public")


class ScrobbleSerializer(serializers.BaseSerializer):
    """Pleroma's Scrobble; the link under both spellings (upstream and the pl fork)."""

    def to_representation(self, row) -> dict:
        link = row.external_link or None
        return {"id": ids.encode(row.pk), "account": render_account(row.account, self.context.get("viewer")),
                "title": strip_tags(row.title), "artist": strip_tags(row.artist) or None,
                "album": strip_tags(row.album) or None, "length": row.length,
                "externalLink": link, "external_link": link, "created_at": format_datetime(row.created_at)}


class ScrobbleViewSet(ApiViewSet):
    """POST /api/v1/pleroma/scrobble and GET /api/v1/pleroma/accounts/:id/scrobbles (deprecated)."""

    scopes = {"create": ["write"], "list": ["read"]}
    anonymous_actions = ("list",)
    serializer_class = ScrobbleSerializer

    @extend_schema(summary="Record a listen", request=ScrobbleInput, deprecated=True,
                   responses={200: ScrobbleSchema, 400: ERRORS[400], 403: ERRORS[403]})
    def create(self, request):
        if "title" not in self.params():
            raise ApiError("Missing field: title.", status=400)
        data = self.validated(ScrobbleInput)
        row = extras.scrobble(
            request.user, title=data["title"], artist=data.get("artist") or "", album=data.get("album") or "",
            length=data.get("length"), visibility=data.get("visibility") or "public",
            external_link=data.get("external_link") or data.get("externalLink") or "")
        return self.render(row)

    @extend_schema(summary="An account's listens the caller may see", deprecated=True,
                   parameters=[OpenApiParameter("id", str, OpenApiParameter.PATH,
                                                description="Account id or nickname"), *PAGINATION_PARAMETERS],
                   responses={200: ScrobbleListSchema, 404: ERRORS[404]})
    def list(self, request, pk: str):
        account = get_account(pk)
        rows = extras.scrobbles_visible_to(account, self.viewer).select_related("account")
        return self.render_page(rows)
