"""Names that become paths: pack names, shortcodes and file names (reference §3.6).

Pleroma sanitises little here (its delete and download can escape the emoji directory), so
the rule is ours: no request can name a path outside EMOJI_DIR/<pack>/.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

from django.conf import settings

from core.exceptions import ApiError

PACK_NAME = re.compile(r"^[A-Za-z0-9._-]+$")
SHORTCODE = re.compile(r"^[A-Za-z0-9_-]+$")
FILE_SEGMENT = re.compile(r"^[A-Za-z0-9_ -][A-Za-z0-9._ -]*$")  # no leading dot
IMAGE_EXTENSIONS = {".png", ".apng", ".gif", ".jpg", ".jpeg", ".webp", ".avif"}
MANIFEST = "pack.json"


def emoji_root() -> Path:
    root = Path(settings.EMOJI_DIR)
    root.mkdir(parents=True, exist_ok=True)
    return root


def is_pack_name(name: str) -> bool:
    return bool(PACK_NAME.match(name)) and name not in (".", "..") and not name.startswith(".")


def pack_name(name: str | None, *, trim: bool = True, last_segment: bool = False) -> str:
    """A valid pack name or 400. Readers use only the last path segment, like Pleroma."""
    name = (name or "")
    if trim:
        name = name.strip()
    if last_segment:
        name = name.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
    if not name:
        raise ApiError("pack name cannot be empty", status=400)
    if not is_pack_name(name):
        raise ApiError("invalid pack name", status=400)
    return name


def is_shortcode(shortcode: str) -> bool:
    return bool(SHORTCODE.match(shortcode or ""))


def check_shortcode(shortcode: str) -> str:
    if not is_shortcode(shortcode):
        raise ApiError("invalid shortcode", status=422)
    return shortcode


def clean_filename(filename: str) -> str | None:
    """The normalised relative path, or None when it could leave the pack or is no image."""
    if not filename or "\\" in filename or "\x00" in filename or filename.startswith("/"):
        return None
    parts = PurePosixPath(filename).parts
    if not parts or any(not FILE_SEGMENT.match(part) for part in parts):
        return None
    if len(filename) > 400 or len(parts) > 8:
        return None
    if PurePosixPath(filename).suffix.lower() not in IMAGE_EXTENSIONS:
        return None
    return "/".join(parts)


def check_filename(filename: str) -> str:
    cleaned = clean_filename(filename)
    if cleaned is None:
        raise ApiError("invalid filename", status=422)
    return cleaned


def inside(directory: Path, relative: str) -> Path:
    """directory/relative, refusing anything that resolves outside directory."""
    directory = Path(directory).resolve()
    target = (directory / relative).resolve()
    if target != directory and directory not in target.parents:
        raise ApiError("invalid filename", status=422)
    return target


def remove_empty_parents(path: Path, stop: Path) -> None:
    """Remove directories left empty between path's parent and stop (exclusive)."""
    stop = stop.resolve()
    parent = path.parent.resolve()
    while parent != stop and stop in parent.parents:
        try:
            parent.rmdir()
        except OSError:
            return
        parent = parent.parent
