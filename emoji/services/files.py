"""Emoji files in a pack: add (upload, URL, zip), rename/move, tag, remove."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction

from core import http, images
from core.exceptions import ApiError, NotFound, TooLarge
from emoji import archives, paths, registry
from emoji.models import Emoji, EmojiPack
from emoji.services.packs import (
    _assign_metadata,
    file_present,
    files_of,
    posix,
    touch,
    write_atomically,
    write_manifest,
)


@dataclass
class Item:
    """One validated emoji waiting to be written: shortcode, relative filename, image bytes."""

    shortcode: str
    filename: str
    data: bytes


def file_limit() -> int:
    return min(settings.UPLOAD_LIMIT, archives.MAX_FILE_BYTES)


def get_pack_for_files(name: str) -> EmojiPack:
    """The pack, or the file endpoints' 404 `pack "<name>" is not found`."""
    pack = EmojiPack.objects.filter(name=name).first()
    if pack is None:
        raise NotFound(f'pack "{name}" is not found')
    return pack


def check_image(data: bytes) -> None:
    if len(data) > file_limit():
        raise TooLarge("File is too large")
    images.inspect(data, error="File is not an image")


def fetch_file(url: str) -> tuple[bytes, str]:
    """A remote image for `file=<url>`: its bytes and the URL's last path segment."""
    fetched = http.get(url, max_bytes=file_limit(), timeout=20)
    if fetched.status >= 400:
        raise ApiError(f"Failed to fetch the file (HTTP {fetched.status})", status=422)
    name = unquote(PurePosixPath(urlsplit(url).path).name)
    return fetched.content, name


def items_from_zip(data: bytes, *, only: dict[str, str] | None = None,
                   progress: Callable[[int, int], None] | None = None) -> list[Item]:
    """Validated emoji from a zip: every image (or only the listed `shortcode -> file`s)."""
    archive, entries = archives.open_safe(data)
    by_name = {entry.name: entry for entry in entries}
    if only is not None:
        wanted = []
        for shortcode, filename in only.items():
            cleaned = paths.clean_filename(filename)
            if ".." in filename.split("/") or filename.startswith(("/", "\\")):
                raise archives.UnsafeArchive(f"Unsafe path in pack: {filename[:100]}")
            if cleaned is None or not paths.is_shortcode(shortcode):
                continue  # not an image name we serve, or an unusable shortcode
            if cleaned not in by_name:
                raise archives.UnsafeArchive(f"The archive is missing {cleaned[:100]}")
            wanted.append((shortcode, cleaned))
    else:
        wanted = [(PurePosixPath(entry.name).stem, entry.name) for entry in entries
                  if paths.clean_filename(entry.name) and paths.is_shortcode(PurePosixPath(entry.name).stem)]
    items, read = [], {}
    for shortcode, filename in wanted:
        if filename not in read:
            read[filename] = archives.read_entry(archive, by_name[filename])
            check_image(read[filename])
        items.append(Item(shortcode, filename, read[filename]))
        if progress:
            progress(len(items), len(wanted))
    return items


def _write_items(pack: EmojiPack, items: list[Item], written: list) -> None:
    for item in items:
        target = paths.inside(pack.directory, item.filename)
        if any(target == done for done in written):
            continue
        write_atomically(target, item.data)
        written.append(target)


def _taken_files(pack: EmojiPack) -> set[str]:
    return set(pack.emoji.values_list("filename", flat=True))


def add_items(pack: EmojiPack, items: list[Item], *, skip_existing: bool) -> dict[str, str]:
    """Write validated items into an existing pack in one transaction; nothing stays on failure."""
    written: list = []
    try:
        with transaction.atomic():
            pack = EmojiPack.objects.select_for_update().get(pk=pack.pk)
            existing = set(Emoji.objects.filter(shortcode__in=[i.shortcode for i in items])
                           .values_list("shortcode", flat=True))
            taken = _taken_files(pack)
            new, seen = [], set()
            for item in items:
                if item.shortcode in existing or item.shortcode in seen:
                    if skip_existing:
                        continue
                    raise ApiError(f'An emoji with the "{item.shortcode}" shortcode already exists',
                                   status=409)
                if item.filename in taken:
                    if skip_existing:
                        continue
                    raise ApiError(f'A file named "{item.filename}" already exists in the pack',
                                   status=409)
                seen.add(item.shortcode)
                new.append(item)
            _write_items(pack, new, written)
            Emoji.objects.bulk_create([Emoji(pack=pack, shortcode=i.shortcode, filename=i.filename)
                                       for i in new])
            touch(pack)
    except IntegrityError as exc:
        _unlink(written, pack)
        raise ApiError("An emoji with that shortcode already exists", status=409) from exc
    except OSError as exc:
        _unlink(written, pack)
        raise ApiError(f"Unexpected error occurred while adding file to pack. {posix(exc)}",
                       status=500) from exc
    except BaseException:
        _unlink(written, pack)
        raise
    return files_of(pack)


def _unlink(written: list, pack: EmojiPack) -> None:
    for path in written:
        path.unlink(missing_ok=True)
        paths.remove_empty_parents(path, pack.directory)


def add_file(pack: EmojiPack, *, data: bytes, filename: str, shortcode: str) -> dict[str, str]:
    """Add one image as `:shortcode:` at `filename`; returns the pack's files map."""
    if not shortcode or not filename:
        raise ApiError("pack name, shortcode or filename cannot be empty", status=422)
    paths.check_shortcode(shortcode)
    filename = paths.check_filename(filename)
    check_image(data)
    return add_items(pack, [Item(shortcode, filename, data)], skip_existing=False)


def add_zip(pack: EmojiPack, data: bytes) -> dict[str, str]:
    """Every image of a zip becomes an emoji; shortcodes already in use are skipped (§3.17)."""
    return add_items(pack, items_from_zip(data), skip_existing=True)


def install_pack(name: str, items: list[Item], metadata: dict) -> EmojiPack:
    """Create pack `name` holding already validated items, all at once or not at all."""
    directory = paths.emoji_root() / name
    created = False
    try:
        with transaction.atomic():
            if EmojiPack.objects.filter(name=name).exists() or directory.exists():
                raise ApiError(f'A pack named "{name}" already exists', status=409)
            pack = EmojiPack(name=name)
            _assign_metadata(pack, metadata)
            pack.save()
            directory.mkdir(parents=False)
            created = True
            taken = set(Emoji.objects.filter(shortcode__in=[i.shortcode for i in items])
                        .values_list("shortcode", flat=True))
            fresh, seen = [], set()
            for item in items:
                if item.shortcode not in taken and item.shortcode not in seen:
                    seen.add(item.shortcode)
                    fresh.append(item)
            _write_items(pack, fresh, [])
            Emoji.objects.bulk_create([Emoji(pack=pack, shortcode=i.shortcode, filename=i.filename)
                                       for i in fresh])
            write_manifest(pack)
            registry.invalidate()
    except BaseException:
        if created:
            shutil.rmtree(directory, ignore_errors=True)
        raise
    return pack


def _other_users(pack: EmojiPack, filename: str, emoji: Emoji) -> bool:
    return pack.emoji.filter(filename=filename).exclude(pk=emoji.pk).exists()


def rename_file(pack: EmojiPack, *, shortcode: str, new_shortcode: str, new_filename: str,
                force: bool = False) -> dict[str, str]:
    """Rename `:shortcode:` and/or move its file (reference §3.18)."""
    if not new_shortcode or not new_filename:
        raise ApiError("new_shortcode or new_filename cannot be empty", status=422)
    with transaction.atomic():
        pack = EmojiPack.objects.select_for_update().get(pk=pack.pk)
        emoji = pack.emoji.filter(shortcode=shortcode).first()
        if emoji is None or not file_present(pack, emoji.filename):
            raise ApiError(f'Emoji "{shortcode}" does not exist', status=400)
        paths.check_shortcode(new_shortcode)
        new_filename = paths.check_filename(new_filename)
        holder = Emoji.objects.select_related("pack").filter(shortcode=new_shortcode).first()
        if holder is not None and not force:
            raise ApiError(f'New shortcode "{new_shortcode}" is already used. If you want to '
                           "override emoji use 'force' option", status=409)
        if holder is not None and holder.pk != emoji.pk:
            _remove(holder.pack if holder.pack_id != pack.pk else pack, holder)
        old_path = paths.inside(pack.directory, emoji.filename)
        new_path = paths.inside(pack.directory, new_filename)
        try:
            if new_path != old_path:
                if pack.emoji.filter(filename=new_filename).exclude(pk=emoji.pk).exists():
                    raise ApiError(f'A file named "{new_filename}" already exists in the pack',
                                   status=409)
                new_path.parent.mkdir(parents=True, exist_ok=True)
                if _other_users(pack, emoji.filename, emoji):
                    shutil.copy2(old_path, new_path)
                else:
                    shutil.move(old_path, new_path)
                    paths.remove_empty_parents(old_path, pack.directory)
            emoji.shortcode, emoji.filename = new_shortcode, new_filename
            emoji.save(update_fields=["shortcode", "filename"])
            touch(pack)
        except OSError as exc:
            raise ApiError(f"Unexpected error occurred while updating. {posix(exc)}", status=500) from exc
    return files_of(pack)


def _remove(pack: EmojiPack, emoji: Emoji) -> None:
    filename = emoji.filename
    emoji.delete()
    if not pack.emoji.filter(filename=filename).exists():
        path = paths.inside(pack.directory, filename)
        path.unlink(missing_ok=True)
        paths.remove_empty_parents(path, pack.directory)
    touch(pack)


def remove_file(pack: EmojiPack, shortcode: str) -> dict[str, str]:
    """Delete `:shortcode:` and its file (unless another emoji of the pack shows it)."""
    if not shortcode:
        raise ApiError("pack name or shortcode cannot be empty", status=422)
    with transaction.atomic():
        pack = EmojiPack.objects.select_for_update().get(pk=pack.pk)
        emoji = pack.emoji.filter(shortcode=shortcode).first()
        if emoji is None:
            raise ApiError(f'Emoji "{shortcode}" does not exist', status=400)
        try:
            _remove(pack, emoji)
        except OSError as exc:
            raise ApiError(f"Unexpected error occurred while deleting emoji file. {posix(exc)}",
                           status=500) from exc
    return files_of(pack)


def set_tags(emoji: Emoji, tags: list[str]) -> Emoji:
    """Replace an emoji's extra tags (shown after `pack:<name>`)."""
    with transaction.atomic():
        emoji.tags = [str(t).strip() for t in tags if str(t).strip()]
        emoji.save(update_fields=["tags"])
        registry.invalidate()
    return emoji
