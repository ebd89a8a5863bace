"""Packs from disk: import pack directories dropped into EMOJI_DIR, and gen-pack from a
directory of images or a zip."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from django.db import transaction

from core.exceptions import ApiError
from emoji import archives, paths, registry
from emoji.models import Emoji, EmojiPack
from emoji.services.files import Item, check_image, install_pack, items_from_zip
from emoji.services.packs import _assign_metadata, write_manifest

log = logging.getLogger(__name__)


def _regular_file(directory: Path, relative: str) -> bool:
    try:
        path = paths.inside(directory, relative)
    except ApiError:
        return False
    candidate = directory / relative
    return path.is_file() and not any(p.is_symlink() for p in [candidate, *candidate.parents]
                                       if directory in p.parents or p == candidate)


def _scan(directory: Path) -> dict[str, str]:
    """Every image below `directory` (links not followed): stem -> relative path."""
    found = {}
    for path in sorted(directory.rglob("*")):
        if path.is_symlink() or not path.is_file():
            continue
        relative = path.relative_to(directory).as_posix()
        if paths.clean_filename(relative) and paths.is_shortcode(path.stem):
            found.setdefault(path.stem, relative)
    return found


def _from_emoji_txt(name: str, text: str) -> dict[str, str]:
    """Pleroma's legacy `shortcode, file[, tags...]` lines (reference §3.15)."""
    files = {}
    prefix = f"/emoji/{name}/"
    for line in text.splitlines():
        fields = [f.strip() for f in line.split(",")]
        if len(fields) < 2 or not fields[0] or not fields[1]:
            continue
        shortcode, filename = fields[0], fields[1]
        if filename.startswith(prefix):
            filename = filename[len(prefix):]
        files[shortcode] = filename
    return files


def read_pack_directory(directory: Path) -> tuple[dict[str, str], dict]:
    """files and metadata of a pack directory: pack.json, else emoji.txt, else its images."""
    manifest = directory / paths.MANIFEST
    if manifest.is_file() and not manifest.is_symlink():
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ApiError(f"Invalid pack.json in {directory.name}", status=422) from exc
        files = data.get("files") if isinstance(data, dict) else None
        metadata = data.get("pack") if isinstance(data, dict) else None
        return (files if isinstance(files, dict) else {},
                metadata if isinstance(metadata, dict) else {})
    legacy = directory / "emoji.txt"
    if legacy.is_file() and not legacy.is_symlink():
        return _from_emoji_txt(directory.name, legacy.read_text(encoding="utf-8", errors="replace")), {}
    return _scan(directory), {}


def import_directory(directory: Path) -> EmojiPack:
    """Register an on-disk pack directory in the database and rewrite its pack.json."""
    name = directory.name
    files, metadata = read_pack_directory(directory)
    valid: dict[str, str] = {}
    for shortcode, filename in files.items():
        cleaned = paths.clean_filename(str(filename))
        if not paths.is_shortcode(str(shortcode)) or cleaned is None:
            log.warning("emoji import: skipping %r -> %r in %s", shortcode, filename, name)
            continue
        if not _regular_file(directory, cleaned):
            log.warning("emoji import: missing file %s in %s", cleaned, name)
            continue
        try:
            check_image((directory / cleaned).read_bytes())
        except ApiError:
            log.warning("emoji import: %s in %s is not an image", cleaned, name)
            continue
        valid[str(shortcode)] = cleaned
    with transaction.atomic():
        taken = set(Emoji.objects.filter(shortcode__in=list(valid)).values_list("shortcode", flat=True))
        pack = EmojiPack(name=name)
        _assign_metadata(pack, metadata)
        pack.save()
        Emoji.objects.bulk_create([Emoji(pack=pack, shortcode=s, filename=f)
                                   for s, f in valid.items() if s not in taken])
        write_manifest(pack)
        registry.invalidate()
    return pack


def import_packs() -> list[str]:
    """Import every pack directory of EMOJI_DIR the database does not know yet."""
    root = paths.emoji_root()
    try:
        candidates = sorted(root.iterdir())
    except OSError as exc:
        raise ApiError("Error accessing emoji pack directory", status=500) from exc
    known = set(EmojiPack.objects.values_list("name", flat=True))
    imported = []
    for directory in candidates:
        if (directory.is_symlink() or not directory.is_dir() or directory.name in known
                or not paths.is_pack_name(directory.name)):
            continue
        try:
            import_directory(directory)
        except (ApiError, OSError) as exc:
            log.warning("emoji import: skipping pack %s: %s", directory.name, exc)
            continue
        imported.append(directory.name)
    return imported


def generate_pack(name: str, source: Path, metadata: dict) -> EmojiPack:
    """gen-pack: a new pack from a directory of images or a zip, with its pack.json."""
    source = Path(source)
    if source.is_dir():
        items = []
        for shortcode, relative in _scan(source).items():
            data = (source / relative).read_bytes()
            try:
                check_image(data)
            except ApiError:
                log.warning("gen-pack: %s is not an image, skipped", relative)
                continue
            items.append(Item(shortcode, relative, data))
    elif source.is_file():
        if source.stat().st_size > archives.MAX_ARCHIVE_BYTES:
            raise archives.UnsafeArchive("The archive is too large")
        items = items_from_zip(source.read_bytes())
    else:
        raise ApiError(f"{source} is neither a directory nor a zip file", status=400)
    return install_pack(name, items, metadata)
