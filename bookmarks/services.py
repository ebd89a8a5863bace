"""Bookmarks and bookmark folders: every write goes through here."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from bookmarks import emojis
from bookmarks.models import Bookmark, BookmarkFolder
from core import ids
from core.exceptions import Forbidden, Unprocessable

NAME_MAX = 255
UNSET = object()


def _check_emoji(emoji: str | None) -> tuple[str | None, list[str]]:
    """The stored spelling of a folder emoji and the validation errors (reference §8.3)."""
    if emoji is None or emoji == "":
        return None, []
    value = emojis.normalise(emoji)
    if emojis.is_unicode(value):
        return value, []
    shortcode = emojis.shortcode(value)
    if shortcode and shortcode in emojis.custom_emoji_urls({shortcode}):
        return value, []
    return value, ["Invalid emoji"]


def _check_name(name: str | None) -> list[str]:
    if name is None or not name.strip():
        return ["can't be blank"]
    if len(name) > NAME_MAX:
        return [f"should be at most {NAME_MAX} character(s)"]
    return []


def _save(folder: BookmarkFolder, errors: list[str]) -> BookmarkFolder:
    if errors:
        raise Unprocessable(", ".join(errors))
    try:
        with transaction.atomic():
            folder.save()
    except IntegrityError:
        raise Unprocessable("has already been taken") from None
    return folder


def create_folder(owner, *, name: str | None = None, emoji: str | None = None) -> BookmarkFolder:
    """A new folder of owner's bookmarks; the name is unique per owner (422 otherwise)."""
    emoji, errors = _check_emoji(emoji)
    errors = _check_name(name) + errors
    if not errors and BookmarkFolder.objects.filter(owner=owner, name=name).exists():
        errors.append("has already been taken")
    return _save(BookmarkFolder(owner=owner, name=name, emoji=emoji), errors)


def update_folder(folder: BookmarkFolder, *, name=UNSET, emoji: str | None = None) -> BookmarkFolder:
    """Rename and/or re-emoji a folder. An omitted name is kept; an omitted emoji clears it,
    as clients always send both (reference §8.6)."""
    emoji, errors = _check_emoji(emoji)
    if name is not UNSET and name is not None and name != "":
        errors = _check_name(name) + errors
        if not errors and name != folder.name and BookmarkFolder.objects.filter(
                owner_id=folder.owner_id, name=name).exists():
            errors.append("has already been taken")
        folder.name = name
    folder.emoji = emoji
    return _save(folder, errors)


def delete_folder(folder: BookmarkFolder) -> None:
    """Delete a folder; its bookmarks stay, unfiled (the foreign key is SET NULL)."""
    folder.delete()


def get_own_folder(owner, folder_id: str) -> BookmarkFolder:
    """owner's folder, or Pleroma's 403 `Access denied` for someone else's or a missing one."""
    pk = ids.decode(str(folder_id))
    folder = BookmarkFolder.objects.filter(pk=pk, owner=owner).first() if pk else None
    if folder is None:
        raise Forbidden()
    return folder


def _own_folder_or_none(user, folder_id) -> BookmarkFolder | None:
    if not folder_id:
        return None
    pk = ids.decode(str(folder_id))
    return BookmarkFolder.objects.filter(pk=pk, owner=user).first() if pk else None


def bookmark(user, status, *, folder_id: str | None = None) -> Bookmark:
    """Bookmark status (idempotent). The folder is overwritten on every call, so bookmarking
    again without folder_id unfiles it; a folder that is not the user's is ignored (§8.8).
    The bookmark keeps its id, hence its place in the bookmarks list."""
    folder = _own_folder_or_none(user, folder_id)
    with transaction.atomic():
        existing = Bookmark.objects.select_for_update().filter(user=user, status=status).first()
        if existing is not None:
            if existing.folder_id != (folder.pk if folder else None):
                existing.folder = folder
                existing.save(update_fields=["folder"])
            return existing
        try:
            with transaction.atomic():
                return Bookmark.objects.create(user=user, status=status, folder=folder)
        except IntegrityError:  # a concurrent request bookmarked it first
            existing = Bookmark.objects.get(user=user, status=status)
            Bookmark.objects.filter(pk=existing.pk).update(folder=folder)
            existing.folder = folder
            return existing


def unbookmark(user, status) -> None:
    """Remove user's bookmark of status, if any."""
    Bookmark.objects.filter(user=user, status=status).delete()
