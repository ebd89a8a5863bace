"""Custom emoji listings and the emoji pack API (reference §2, §3)."""

from __future__ import annotations

from pathlib import PurePosixPath

from django.conf import settings
from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.response import Response

from core.exceptions import ApiError
from core.images import read_upload
from core.media import serve_user_file
from core.openapi import error, one
from core.views import ApiViewSet
from emoji import archives, paths, registry, services
from emoji.serializers import (
    AddFileInput,
    CustomEmojiSerializer,
    DownloadPackInput,
    EmojiPackSerializer,
    EmojiPacksSerializer,
    ListPacksInput,
    PackNameInput,
    RemotePacksInput,
    RemoveFileInput,
    RenameFileInput,
    ShowPackInput,
    UpdatePackInput,
)

ADMIN = ["admin:write"]
OK = OpenApiResponse(OpenApiTypes.STR, description='"ok"')
FILES = OpenApiResponse({"type": "object", "additionalProperties": {"type": "string"}},
                        description="shortcode -> filename")
ADMIN_ERRORS = {403: error("Invalid credentials, insufficient scope, or not staff")}


class EmojiViewSet(ApiViewSet):
    """The instance's custom emoji, in Pleroma's and Mastodon's shapes."""

    authentication_classes: list = []  # Pleroma's :pleroma_api pipeline ignores credentials

    @extend_schema(summary="List custom emoji (Pleroma)",
                   responses={200: OpenApiResponse({"type": "object", "additionalProperties": {
                       "type": "object", "properties": {"image_url": {"type": "string"},
                                                        "tags": {"type": "array", "items": {"type": "string"}}}}})})
    def pleroma(self, request):
        return Response({e["shortcode"]: {"image_url": e["image_url"], "tags": list(e["tags"])}
                         for e in registry.table()})

    @extend_schema(summary="List custom emoji (Mastodon)",
                   responses={200: CustomEmojiSerializer(many=True)})
    def mastodon(self, request):
        return Response(CustomEmojiSerializer(registry.table(), many=True).data)


class EmojiPackViewSet(ApiViewSet):
    """Local emoji packs: read by anyone, managed by staff."""

    scopes = {"create": ADMIN, "partial_update": ADMIN, "destroy": ADMIN,
              "import_packs": ADMIN, "remote": ADMIN, "download": ADMIN}

    @extend_schema(summary="Show one pack", parameters=[ShowPackInput],
                   responses={200: EmojiPackSerializer, 400: error("Bad name"),
                              404: error("Pack does not exist")})
    def retrieve(self, request):
        data = self.validated(ShowPackInput)
        pack = services.get_pack(paths.pack_name(data["name"], last_segment=True))
        files = services.files_of(pack)
        return Response(services.render_pack(pack, files, page=data["page"],
                                             page_size=data["page_size"]))

    @extend_schema(summary="Create an empty pack", parameters=[PackNameInput], request=None,
                   responses={200: OK, 400: error("Bad name"), 409: error("Pack exists"),
                              **ADMIN_ERRORS})
    def create(self, request):
        services.create_pack(paths.pack_name(self.validated(PackNameInput)["name"]))
        return Response("ok")

    @extend_schema(summary="Replace a pack's metadata", request=UpdatePackInput,
                   responses={200: OpenApiResponse(OpenApiTypes.OBJECT), 400: error("Bad fallback"),
                              404: error("Pack does not exist"), **ADMIN_ERRORS})
    def partial_update(self, request):
        data = self.validated(UpdatePackInput)
        name = paths.pack_name(data["name"], trim=False, last_segment=True)
        return Response(services.update_metadata(name, data["metadata"]))

    @extend_schema(summary="Delete a pack", parameters=[PackNameInput],
                   responses={200: OK, 400: error("Bad name"), 404: error("Pack does not exist"),
                              **ADMIN_ERRORS})
    def destroy(self, request):
        services.delete_pack(paths.pack_name(self.validated(PackNameInput)["name"]))
        return Response("ok")

    @extend_schema(summary="List local packs", parameters=[ListPacksInput],
                   responses={200: one(EmojiPacksSerializer())})
    def list(self, request):
        data = self.validated(ListPacksInput)
        page, count = services.list_packs(page=data["page"], page_size=data["page_size"])
        return Response({"packs": {pack.name: services.render_pack(pack, files) for pack, files in page},
                         "count": count})

    @extend_schema(summary="Download a shared pack as a zip", parameters=[PackNameInput],
                   responses={(200, "application/zip"): OpenApiTypes.BINARY,
                              403: error("Pack not shared"), 404: error("Pack does not exist")})
    def archive(self, request):
        name = paths.pack_name(self.validated(PackNameInput)["name"], trim=False, last_segment=True)
        pack = services.get_pack(name)
        files = services.files_of(pack)
        if not services.can_download(pack, files):
            raise ApiError(f"Pack {name} cannot be downloaded from this instance, either pack sharing "
                           "was disabled for this pack or some files are missing", status=403)
        response = HttpResponse(services.build_archive(pack, files), content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{name}.zip"'
        return response

    @extend_schema(summary="Import pack directories found on disk", request=None,
                   responses={200: OpenApiResponse({"type": "array", "items": {"type": "string"}}), **ADMIN_ERRORS})
    def import_packs(self, request):
        return Response(services.import_packs())

    @extend_schema(summary="List another server's packs", parameters=[RemotePacksInput],
                   responses={200: OpenApiResponse(OpenApiTypes.OBJECT), 400: error("Bad URL"),
                              502: error("Remote does not share packs"), **ADMIN_ERRORS})
    def remote(self, request):
        data = self.validated(RemotePacksInput)
        return Response(services.list_remote(data["url"], page=data["page"],
                                             page_size=data["page_size"]))

    @extend_schema(summary="Install a pack from another server", request=DownloadPackInput,
                   responses={200: OK, 400: error("Bad input"), 409: error("Pack exists"),
                              502: error("Download failed"), **ADMIN_ERRORS})
    def download(self, request):
        data = self.validated(DownloadPackInput)
        download = services.request_download(request.user, data["url"], data["name"], data.get("as"))
        download.refresh_from_db()  # with eager tasks it has already run
        if download.state == download.State.FAILED:
            raise ApiError(download.error, status=502)
        return Response("ok")


class EmojiFileViewSet(ApiViewSet):
    """Emoji files of a local pack (staff only)."""

    scopes = {"create": ADMIN, "partial_update": ADMIN, "destroy": ADMIN}

    def _pack(self, data):
        return services.get_pack_for_files(paths.pack_name(data["name"], trim=False, last_segment=True))

    @extend_schema(summary="Add an emoji (upload, URL or zip)", request=AddFileInput,
                   responses={200: FILES, 404: error("Pack not found"), 409: error("Shortcode taken"),
                              422: error("Empty or invalid shortcode or filename"), **ADMIN_ERRORS})
    def create(self, request):
        data = self.validated(AddFileInput)
        pack = self._pack(data)
        upload = data["file"]
        if isinstance(upload, str):
            content, default_name = services.fetch_file(upload)
        else:
            content = read_upload(upload, archives.MAX_ARCHIVE_BYTES)
            default_name = upload.name or ""
            if getattr(upload, "content_type", "") in ("application/zip", "application/x-zip-compressed"):
                return Response(services.add_zip(pack, content))
        filename = data.get("filename", default_name)
        shortcode = data.get("shortcode", PurePosixPath(filename).stem if filename else "")
        return Response(services.add_file(pack, data=content, filename=filename, shortcode=shortcode))

    @extend_schema(summary="Rename or move an emoji", request=RenameFileInput,
                   responses={200: FILES, 400: error("Emoji does not exist"), 404: error("Pack not found"),
                              409: error("Shortcode taken"), 422: error("Empty value"), **ADMIN_ERRORS})
    def partial_update(self, request):
        data = self.validated(RenameFileInput)
        pack = self._pack(data)
        return Response(services.rename_file(pack, shortcode=data["shortcode"],
                                             new_shortcode=data["new_shortcode"],
                                             new_filename=data["new_filename"], force=data["force"]))

    @extend_schema(summary="Delete an emoji", parameters=[RemoveFileInput],
                   responses={200: FILES, 400: error("Emoji does not exist"), 404: error("Pack not found"),
                              422: error("Empty shortcode"), **ADMIN_ERRORS})
    def destroy(self, request):
        data = self.validated(RemoveFileInput)
        return Response(services.remove_file(self._pack(data), data["shortcode"]))


def serve_emoji(request, pack: str, path: str):
    """GET /emoji/<pack>/<file>: the image files, from EMOJI_DIR (Pleroma's static path)."""
    if not paths.is_pack_name(pack) or paths.clean_filename(path) is None:
        raise Http404
    response = serve_user_file(request, f"{pack}/{path}", settings.EMOJI_DIR)
    response["Cache-Control"] = "public, max-age=3600"
    return response
