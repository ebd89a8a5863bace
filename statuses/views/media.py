"""Media uploads: POST /api/v1/media and /api/v2/media, GET/PUT /api/v1/media/:id."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema

from core.openapi import ERRORS, error
from core.views import ApiViewSet
from statuses.inputs import UpdateMediaInput, UploadMediaInput
from statuses.serializers import MediaAttachmentSerializer
from statuses.services import media as media_services


class MediaViewSet(ApiViewSet):
    """The caller's uploads (attachments not yet, or already, posted)."""

    scopes = {"create": ["write:media"], "create_v2": ["write:media"], "retrieve": ["read:media"],
              "update": ["write:media"]}
    serializer_class = MediaAttachmentSerializer

    @extend_schema(summary="Upload a media attachment", request=UploadMediaInput,
                   responses={200: MediaAttachmentSerializer, 400: ERRORS[400], 403: ERRORS[403],
                              413: error("File is too large"),
                              415: error("File is not a valid image"),
                              422: ERRORS[422]})
    def create(self, request):
        data = self.validated(UploadMediaInput)
        media = media_services.upload_media(request.user, data["file"],
                                            description=data.get("description") or "",
                                            focus=data.get("focus"))
        return self.render(media)

    @extend_schema(summary="Upload a media attachment (v2: processed at once, answers 200)",
                   request=UploadMediaInput,
                   responses={200: MediaAttachmentSerializer, 400: ERRORS[400], 403: ERRORS[403],
                              413: error("File is too large"),
                              415: error("File is not a valid image"),
                              422: ERRORS[422]})
    def create_v2(self, request):
        return self.create(request)

    @extend_schema(summary="Show one of the caller's uploads",
                   responses={200: MediaAttachmentSerializer, 403: ERRORS[403], 404: ERRORS[404]})
    def retrieve(self, request, pk: str):
        return self.render(media_services.get_own_media(request.user, pk))

    @extend_schema(summary="Change an upload's description or focus", request=UpdateMediaInput,
                   responses={200: MediaAttachmentSerializer, 403: ERRORS[403],
                              404: OpenApiResponse(description="Record not found")})
    def update(self, request, pk: str):
        media = media_services.get_own_media(request.user, pk)
        data = self.validated(UpdateMediaInput)
        media = media_services.update_media(media, description=data.get("description"),
                                            focus=data.get("focus"))
        return self.render(media)
