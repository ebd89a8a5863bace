"""BookmarkFolder entity, the inputs of the bookmark endpoints, and the Status fields."""

from __future__ import annotations

import uuid

from rest_framework import serializers

from bookmarks import emojis
from bookmarks.models import Bookmark, BookmarkFolder
from core import ids, sql


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


def bookmark_rows(viewer, pairs: list):
    """statuses.registry viewer part: the viewer's bookmarks of the page's statuses as
    `("<status id>:<folder id or empty>", "bookmark")` text pairs (the page's viewer query).
    A reblog wrapper shows the bookmark of the status it reblogs (reference §1.7)."""
    if not pairs:
        return None
    membership, values = sql.in_list("status_id", [ref.pk for _, ref in pairs])
    return (f"SELECT {sql.text('status_id')} || ':' || coalesce({sql.text('folder_id')}, ''), 'bookmark'"
            f" FROM {Bookmark._meta.db_table} WHERE user_id = %s AND {membership}",
            [sql.value(viewer.pk), *values])


def apply_bookmarks(viewer, pairs: list, keys: list[str]) -> None:
    """`bookmarked` and `pleroma.bookmark_folder` from the keys `bookmark_rows` found."""
    if not keys:
        return
    folders = {}
    for key in keys:
        status_key, _, folder_key = key.partition(":")
        folders[uuid.UUID(status_key)] = uuid.UUID(folder_key) if folder_key else None
    for data, ref in pairs:
        if ref.pk in folders:
            folder = folders[ref.pk]
            data["bookmarked"] = True
            data["pleroma"]["bookmark_folder"] = ids.encode(folder) if folder else None
