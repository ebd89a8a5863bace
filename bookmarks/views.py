"""Bookmark folders (Pleroma) and bookmarks (Mastodon, with Pleroma's folder_id)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers

from bookmarks import services
from bookmarks.models import BookmarkFolder
from bookmarks.serializers import (
    BookmarkFolderSerializer,
    CreateFolderInput,
    UpdateFolderInput,
)
from core.openapi import ERRORS
from core.views import ApiViewSet

FOLDER_FIELDS = {
    "id": serializers.CharField(), "name": serializers.CharField(),
    "emoji": serializers.CharField(allow_null=True), "emoji_url": serializers.CharField(allow_null=True),
}
FolderSchema = inline_serializer("BookmarkFolder", fields=FOLDER_FIELDS)
FolderListSchema = inline_serializer("BookmarkFolder", fields=FOLDER_FIELDS, many=True)


class BookmarkFolderViewSet(ApiViewSet):
    """Bookmark folders of the authenticated user."""

    scopes = {"list": ["read:bookmarks"], "create": ["write:bookmarks"],
              "partial_update": ["write:bookmarks"], "destroy": ["write:bookmarks"]}
    serializer_class = BookmarkFolderSerializer

    @extend_schema(summary="List bookmark folders", responses={200: FolderListSchema, 403: ERRORS[403]})
    def list(self, request):
        folders = BookmarkFolder.objects.filter(owner=self.viewer).order_by("id")
        return self.render(list(folders))

    @extend_schema(summary="Create a bookmark folder", request=CreateFolderInput,
                   responses={200: FolderSchema, 403: ERRORS[403], 422: ERRORS[422]})
    def create(self, request):
        folder = services.create_folder(self.viewer, **self.validated(CreateFolderInput))
        return self.render(folder)

    @extend_schema(summary="Rename a bookmark folder or change its emoji", request=UpdateFolderInput,
                   responses={200: FolderSchema, 403: ERRORS[403], 422: ERRORS[422]})
    def partial_update(self, request, pk: str):
        folder = services.get_own_folder(self.viewer, pk)
        data = self.validated(UpdateFolderInput)
        folder = services.update_folder(folder, name=data.get("name", services.UNSET),
                                        emoji=data.get("emoji"))
        return self.render(folder)

    @extend_schema(summary="Delete a bookmark folder (its bookmarks stay, unfiled)",
                   responses={200: FolderSchema, 403: ERRORS[403]})
    def destroy(self, request, pk: str):
        folder = services.get_own_folder(self.viewer, pk)
        response = self.render(folder)
        services.delete_folder(folder)
        return response
