"""Packs: create, delete, metadata, listing, archives, and pack.json kept in step with the DB."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from pathlib import Path

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from core import http
from core.exceptions import ApiError, NotFound
from core.params import parse_bool
from emoji import archives, paths, registry
from emoji.models import METADATA_FIELDS, Emoji, EmojiPack

ARCHIVE_HASH_SECONDS = 24 * 3600


def posix(exc: OSError) -> str:
    return f"(POSIX error: {exc.strerror or exc.__class__.__name__})"


def get_pack(name: str) -> EmojiPack:
    """The pack called `name`, or 404 `Pack <name> does not exist`."""
    pack = EmojiPack.objects.filter(name=name).first()
    if pack is None:
        raise NotFound(f"Pack {name} does not exist")
    return pack


def files_of(pack: EmojiPack) -> dict[str, str]:
    """shortcode -> filename, sorted by shortcode."""
    return dict(pack.emoji.order_by("shortcode").values_list("shortcode", "filename"))


def manifest(pack: EmojiPack, files: dict[str, str] | None = None) -> dict:
    """pack.json as Pleroma writes it: exactly files, pack, files_count (reference §3.2)."""
    files = files_of(pack) if files is None else files
    return {"files": files, "pack": pack.metadata(), "files_count": len(files)}


def manifest_bytes(pack: EmojiPack, files: dict[str, str] | None = None) -> bytes:
    return json.dumps(manifest(pack, files), indent=2, ensure_ascii=False).encode() + b"\n"


def write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def write_manifest(pack: EmojiPack) -> None:
    write_atomically(pack.directory / paths.MANIFEST, manifest_bytes(pack))


def touch(pack: EmojiPack) -> None:
    """After any change: new revision, pack.json rewritten, emoji table invalidated."""
    pack.revision += 1
    pack.updated_at = timezone.now()
    pack.save(update_fields=["revision", "updated_at"])
    write_manifest(pack)
    registry.invalidate()


def file_present(pack: EmojiPack, filename: str) -> bool:
    path = pack.directory / filename
    return path.is_file() and not path.is_symlink()


def _archive_files(pack: EmojiPack, files: dict[str, str]) -> list[tuple[str, Path]]:
    return [(name, pack.directory / name) for name in sorted(set(files.values()))]


def can_download(pack: EmojiPack, files: dict[str, str]) -> bool:
    return pack.shared and all(file_present(pack, name) for name in set(files.values()))


def build_archive(pack: EmojiPack, files: dict[str, str] | None = None) -> bytes:
    """The pack as a zip: pack.json and every listed file, built from the whole pack."""
    files = files_of(pack) if files is None else files
    return archives.build(manifest_bytes(pack, files), _archive_files(pack, files))


def archive_sha256(pack: EmojiPack, files: dict[str, str]) -> str:
    key = f"emoji:archive-sha:{pack.pk}:{pack.name}:{pack.revision}"
    digest = cache.get(key)
    if digest is None:
        digest = hashlib.sha256(build_archive(pack, files)).hexdigest().upper()
        cache.set(key, digest, ARCHIVE_HASH_SECONDS)
    return digest


def render_pack(pack: EmojiPack, files: dict[str, str], *, page: int = 1,
                page_size: int | None = None) -> dict:
    """The API's pack object; paging applies to `files` only, derived keys use all files."""
    metadata = pack.metadata()
    downloadable = can_download(pack, files)
    metadata["can-download"] = downloadable
    if downloadable:
        metadata["download-sha256"] = archive_sha256(pack, files)
    shown = files
    if page_size is not None:
        start = (page - 1) * page_size
        shown = dict(list(files.items())[start:start + page_size]) if page >= 1 else {}
    return {"files": shown, "pack": metadata, "files_count": len(files)}


def list_packs(*, page: int = 1, page_size: int = 50) -> tuple[list[tuple[EmojiPack, dict]], int]:
    """One page of packs with their files (two queries), and the total count."""
    paths.emoji_root()
    count = EmojiPack.objects.count()
    if page < 1 or page_size < 1:
        return [], count
    start = (page - 1) * page_size
    packs = list(EmojiPack.objects.order_by("name")[start:start + page_size])
    files: dict[int, dict[str, str]] = {pack.pk: {} for pack in packs}
    rows = Emoji.objects.filter(pack__in=packs).order_by("shortcode")
    for pack_id, shortcode, filename in rows.values_list("pack_id", "shortcode", "filename"):
        files[pack_id][shortcode] = filename
    return [(pack, files[pack.pk]) for pack in packs], count


@transaction.atomic
def create_pack(name: str, metadata: dict | None = None) -> EmojiPack:
    """An empty pack: its directory with `{"files": {}, "pack": {}, "files_count": 0}`."""
    directory = paths.emoji_root() / name
    if EmojiPack.objects.filter(name=name).exists() or directory.exists() or directory.is_symlink():
        raise ApiError(f'A pack named "{name}" already exists', status=409)
    pack = EmojiPack(name=name)
    _assign_metadata(pack, metadata or {})
    try:
        with transaction.atomic():
            pack.save()
    except IntegrityError as exc:  # a concurrent request created it first
        raise ApiError(f'A pack named "{name}" already exists', status=409) from exc
    try:
        directory.mkdir()
        write_manifest(pack)
    except FileExistsError as exc:
        raise ApiError(f'A pack named "{name}" already exists', status=409) from exc
    except OSError as exc:
        shutil.rmtree(directory, ignore_errors=True)
        raise ApiError(f"Unexpected error occurred while creating pack. {posix(exc)}",
                       status=500) from exc
    registry.invalidate()
    return pack


@transaction.atomic
def delete_pack(name: str) -> None:
    """Remove the pack, its emoji and its directory (moved aside first, so it is all or nothing)."""
    pack = EmojiPack.objects.select_for_update().filter(name=name).first()
    if pack is None:
        raise NotFound(f"Pack {name} does not exist")
    directory = paths.emoji_root() / name
    trash = directory.with_name(f".deleted-{uuid.uuid4().hex}")
    try:
        if directory.exists() and not directory.is_symlink():
            os.rename(directory, trash)
        elif directory.is_symlink():
            directory.unlink()
    except OSError as exc:
        raise ApiError(f"Couldn't delete the `{name}` pack {posix(exc)}", status=500) from exc
    pack.delete()
    registry.invalidate()

    transaction.on_commit(lambda: shutil.rmtree(trash, ignore_errors=True))


def _assign_metadata(pack: EmojiPack, metadata: dict) -> None:
    extra = {}
    for attribute in METADATA_FIELDS.values():
        setattr(pack, attribute, None)
    for key, value in metadata.items():
        if key in ("can-download", "download-sha256"):
            continue
        attribute = METADATA_FIELDS.get(key)
        if attribute is None:
            extra[str(key)] = value
        elif attribute == "share_files":
            pack.share_files = parse_bool(value)
        else:
            setattr(pack, attribute, None if value is None else str(value))
    pack.extra = extra


def fallback_sha256(url: str, files: dict[str, str]) -> str:
    """Fetch a fallback-src zip, check it holds every pack file, return its SHA-256 (§3.9)."""
    fetched = http.get(url, max_bytes=archives.MAX_ARCHIVE_BYTES, timeout=30)
    if fetched.status >= 400:
        raise ApiError(f"Failed to download the fallback archive (HTTP {fetched.status})", status=400)
    try:
        _, entries = archives.open_safe(fetched.content)
    except archives.UnsafeArchive as exc:
        raise ApiError("The fallback archive does not have all files specified in pack.json",
                       status=400) from exc
    names = {entry.name for entry in entries}
    if not set(files.values()) <= names:
        raise ApiError("The fallback archive does not have all files specified in pack.json",
                       status=400)
    return hashlib.sha256(fetched.content).hexdigest().upper()


def update_metadata(name: str, metadata: dict) -> dict:
    """Replace the pack's whole `pack` object; a new fallback-src gets its SHA-256 computed."""
    pack = get_pack(name)
    new_src = metadata.get("fallback-src")
    digest = None
    if isinstance(new_src, str) and new_src and new_src != pack.fallback_src:
        digest = fallback_sha256(new_src, files_of(pack))  # network first, outside the lock
    with transaction.atomic():
        pack = EmojiPack.objects.select_for_update().get(pk=pack.pk)
        _assign_metadata(pack, metadata)
        if digest is not None:
            pack.fallback_src_sha256 = digest
        pack.save()
        try:
            touch(pack)
        except OSError as exc:
            raise ApiError(f"Unexpected error occurred while updating pack metadata. {posix(exc)}",
                           status=500) from exc
    return pack.metadata()


def set_share_files(pack: EmojiPack, share: bool) -> None:
    with transaction.atomic():
        pack = EmojiPack.objects.select_for_update().get(pk=pack.pk)
        pack.share_files = share
        pack.save(update_fields=["share_files"])
        touch(pack)
