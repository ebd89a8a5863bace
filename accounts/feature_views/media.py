"""Profile image helpers (update_avatar / update_banner / update_background) and the mascot."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from accounts import extras
from accounts.feature_views.common import require
from core.exceptions import ApiError
from core.openapi import ERRORS, error
from core.views import ApiViewSet

UrlSchema = inline_serializer("ImageUrl", fields={"url": serializers.CharField(allow_null=True)})
ImgInput = inline_serializer("ImgInput", fields={
    "img": serializers.FileField(help_text="An image, or an empty string to clear")})
BannerInput = inline_serializer("BannerInput", fields={
    "banner": serializers.FileField(help_text="An image, or an empty string to clear")})
MascotSchema = inline_serializer("Mascot", fields={
    "id": serializers.CharField(), "url": serializers.CharField(), "preview_url": serializers.CharField(),
    "type": serializers.CharField(required=False), "pleroma": serializers.DictField()})
MascotInput = inline_serializer("MascotInput", fields={"file": serializers.FileField()})
NOT_IMAGE = error("Not an image")
IMAGE_ERRORS = {400: ERRORS[400], 403: ERRORS[403], 413: error("Too large"), 415: NOT_IMAGE}


class ProfileImageViewSet(ApiViewSet):
    """PATCH /api/v1/pleroma/accounts/update_{avatar,banner,background} (the seed's helpers,
    over the same image handling as update_credentials)."""

    scopes = {"avatar": ["write:accounts"], "banner": ["write:accounts"], "background": ["write:accounts"]}

    def _update(self, which: str, field: str) -> Response:
        (upload,) = require(self.params(), field)
        if upload not in ("", None) and not hasattr(upload, "read"):
            raise ApiError("File is not an image", status=415)
        return Response({"url": extras.update_image(self.request.user, which, upload or None)})

    @extend_schema(summary="Set or clear the avatar", request=ImgInput, responses={200: UrlSchema, **IMAGE_ERRORS})
    def avatar(self, request):
        return self._update("avatar", "img")

    @extend_schema(summary="Set or clear the banner", request=BannerInput,
                   responses={200: UrlSchema, **IMAGE_ERRORS})
    def banner(self, request):
        return self._update("banner", "banner")

    @extend_schema(summary="Set or clear the background image", request=ImgInput,
                   responses={200: UrlSchema, **IMAGE_ERRORS})
    def background(self, request):
        return self._update("background", "img")


class MascotViewSet(ApiViewSet):
    """GET/PUT /api/v1/pleroma/mascot."""

    scopes = {"show": ["read:accounts"], "update": ["write:accounts"]}

    @extend_schema(summary="The caller's mascot (the instance default when none is set)",
                   responses={200: MascotSchema, 403: ERRORS[403]})
    def show(self, request):
        return Response(extras.get_mascot(request.user))

    @extend_schema(summary="Set the mascot (images only)", request=MascotInput,
                   responses={200: MascotSchema, **IMAGE_ERRORS})
    def update(self, request):
        (upload,) = require(self.params(), "file")
        if not hasattr(upload, "read"):
            raise ApiError("mascots can only be images", status=415)
        return Response(extras.set_mascot(request.user, upload))
