"""BookmarkFolder entity, the inputs of the bookmark endpoints, and the Status fields."""

from __future__ import annotations

from rest_framework import serializers

from bookmarks import emojis
from bookmarks.models import Bookmark, BookmarkFolder
from core import ids


class BookmarkFolderSerializer(serializers.BaseSerializer):
    """`{id, name, emoji, emoji_url}`; emoji_url only for an existing custom emoji."""

    @classmethod
    def context_for(cls, viewer, folders, request=None) -> dict:
        codes = {c for f in folders if f.emoji and (c := emojis.shortcode(f.emoji))}
        return {"emoji_urls": emojis.custom_emoji_urls(codes)}

    def to_representation(self, folder: BookmarkFolder) -> dict:
        code = emojis.shortcode(folder.emoji) if folder.emoji else None
        return {
            "id": ids.encode(folder.pk),
            "name": folder.name,
            "emoji": folder.emoji,
            "emoji_url": self.context.get("emoji_urls", {}).get(code) if code else None,
        }


class CreateFolderInput(serializers.Serializer):
    name = serializers.CharField(required=False, allow_null=True, allow_blank=True, trim_whitespace=False)
    emoji = serializers.CharField(required=False, allow_null=True, allow_blank=True)


class UpdateFolderInput(CreateFolderInput):
    pass


class BookmarkInput(serializers.Serializer):
    folder_id = serializers.CharField(required=False, allow_null=True, allow_blank=True)


class ListBookmarksInput(serializers.Serializer):
    folder_id = serializers.CharField(required=False, allow_null=True, allow_blank=True)


def load_bookmarks(viewer, statuses: list) -> dict:
    """Status loader: `bookmarked` and `pleroma.bookmark_folder` for the viewer, one query.

    A reblog wrapper shows the bookmark of the status it reblogs (reference §1.7).
    """
    if viewer is None or not statuses:
        return {s.pk: {"bookmarked": False, "pleroma": {"bookmark_folder": None}} for s in statuses}
    targets = {s.pk: (s.reblog_of_id or s.pk) for s in statuses}
    folders = dict(Bookmark.objects.filter(user=viewer, status_id__in=set(targets.values()))
                   .values_list("status_id", "folder_id"))
    out = {}
    for pk, target in targets.items():
        bookmarked = target in folders
        folder = folders.get(target)
        out[pk] = {"bookmarked": bookmarked,
                   "pleroma": {"bookmark_folder": ids.encode(folder) if folder else None}}
    return out
