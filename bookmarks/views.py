"""Bookmark folders (Pleroma) and bookmarks (Mastodon, with Pleroma's folder_id)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers

from bookmarks import services
from bookmarks.models import Bookmark, BookmarkFolder
from bookmarks.serializers import (
    BookmarkFolderSerializer,
    BookmarkInput,
    CreateFolderInput,
    ListBookmarksInput,
    UpdateFolderInput,
)
from core import ids
from core.openapi import ERRORS, PAGINATION_PARAMETERS
from core.views import ApiViewSet
from statuses.models import Status
from statuses.serializers import StatusSerializer
from statuses.services import get_visible_status

FOLDER_FIELDS = {
    "id": serializers.CharField(), "name": serializers.CharField(),
    "emoji": serializers.CharField(allow_null=True), "emoji_url": serializers.CharField(allow_null=True),
}
FolderSchema = inline_serializer("BookmarkFolder", fields=FOLDER_FIELDS)
FolderListSchema = type(FolderSchema)(many=True)


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


class BookmarkViewSet(ApiViewSet):
    """Bookmark and unbookmark statuses; list bookmarks, newest bookmark first."""

    scopes = {"list": ["read:bookmarks"], "bookmark": ["write:bookmarks"],
              "unbookmark": ["write:bookmarks"]}
    serializer_class = StatusSerializer

    @extend_schema(summary="Bookmarked statuses", parameters=[
        *PAGINATION_PARAMETERS, OpenApiParameter("folder_id", str, description="Only this folder")],
        responses={200: StatusSerializer(many=True), 403: ERRORS[403]})
    def list(self, request):
        folder_id = self.validated(ListBookmarksInput).get("folder_id")
        visible = Status.objects.visible_to(self.viewer).values("pk")
        queryset = Bookmark.objects.filter(user=self.viewer, status_id__in=visible)
        if folder_id:
            # Only the caller's bookmarks are searched: someone else's folder gives [].
            pk = ids.decode(folder_id)
            queryset = queryset.filter(folder_id=pk) if pk else queryset.none()
        return self.render_page(queryset, StatusSerializer, to_objects=self._statuses)

    @staticmethod
    def _statuses(page: list[Bookmark]) -> list[Status]:
        statuses = Status.objects.for_api().in_bulk([b.status_id for b in page])
        return [statuses[b.status_id] for b in page if b.status_id in statuses]

    @extend_schema(summary="Bookmark a status, optionally into a folder", request=BookmarkInput,
                   responses={200: StatusSerializer, 403: ERRORS[403], 404: ERRORS[404]})
    def bookmark(self, request, pk: str):
        status = get_visible_status(self.viewer, pk)
        services.bookmark(self.viewer, status, folder_id=self.validated(BookmarkInput).get("folder_id"))
        return self.render(status)

    @extend_schema(summary="Remove a bookmark", request=None,
                   responses={200: StatusSerializer, 403: ERRORS[403], 404: ERRORS[404]})
    def unbookmark(self, request, pk: str):
        status = get_visible_status(self.viewer, pk)
        services.unbookmark(self.viewer, status)
        return self.render(status)
