"""Pack archives: deterministic zips of a pack, and safe reading of zips from elsewhere.

Every zip we did not make (uploads, remote downloads, fallback sources) goes through
`open_safe`: no absolute or `..` paths, no links or special files, bounded entry count,
per-file and total sizes, and compression ratio, checked against what is actually
decompressed (a zip's declared sizes can lie).
"""

from __future__ import annotations

import io
import stat
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from core.exceptions import ApiError
from emoji import paths

MAX_ARCHIVE_BYTES = 100_000_000
MAX_ENTRIES = 5000
MAX_FILE_BYTES = 10_000_000
MAX_TOTAL_BYTES = 300_000_000
MAX_RATIO = 200  # uncompressed / compressed, for entries past 1 MB
FIXED_TIME = (1980, 1, 1, 0, 0, 0)


class UnsafeArchive(ApiError):
    status = 422
    message = "The archive is not a valid emoji pack archive"


@dataclass
class Entry:
    name: str  # normalised relative path
    info: zipfile.ZipInfo


def _is_link_or_special(info: zipfile.ZipInfo) -> bool:
    mode = info.external_attr >> 16
    if not mode or info.create_system != 3:  # only unix zips carry a file type
        return False
    kind = stat.S_IFMT(mode)
    return kind not in (0, stat.S_IFREG, stat.S_IFDIR)


def open_safe(data: bytes) -> tuple[zipfile.ZipFile, list[Entry]]:
    """Open `data` as a zip and list its regular files, refusing any unsafe entry."""
    if len(data) > MAX_ARCHIVE_BYTES:
        raise UnsafeArchive("The archive is too large")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise UnsafeArchive("The file is not a zip archive") from exc
    if len(infos) > MAX_ENTRIES:
        raise UnsafeArchive("The archive has too many entries")
    entries, total, seen = [], 0, set()
    for info in infos:
        name = info.filename
        parts = PurePosixPath(name).parts
        if (name.startswith(("/", "\\")) or "\\" in name or "\x00" in name or ".." in parts
                or (parts and ":" in parts[0])):
            raise UnsafeArchive(f"Unsafe path in archive: {name[:100]}")
        if _is_link_or_special(info):
            raise UnsafeArchive(f"Links are not allowed in archives: {name[:100]}")
        if info.is_dir():
            continue
        if info.flag_bits & 0x1:
            raise UnsafeArchive("Encrypted archives are not supported")
        if info.file_size > MAX_FILE_BYTES:
            raise UnsafeArchive(f"File too large in archive: {name[:100]}")
        if info.file_size > 1_000_000 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise UnsafeArchive("The archive looks like a zip bomb")
        total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise UnsafeArchive("The archive is too large once unpacked")
        normalised = "/".join(parts)
        if normalised in seen:
            raise UnsafeArchive(f"Duplicate entry in archive: {name[:100]}")
        seen.add(normalised)
        entries.append(Entry(normalised, info))
    return archive, entries


def read_entry(archive: zipfile.ZipFile, entry: Entry) -> bytes:
    """The bytes of one entry, never more than it declared (nor MAX_FILE_BYTES)."""
    limit = min(entry.info.file_size, MAX_FILE_BYTES)
    try:
        with archive.open(entry.info) as handle:
            data = handle.read(limit + 1)
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError) as exc:
        raise UnsafeArchive(f"Corrupt entry in archive: {entry.name[:100]}") from exc
    if len(data) > limit:
        raise UnsafeArchive("The archive looks like a zip bomb")
    return data


def build(manifest: bytes, files: Iterable[tuple[str, Path]]) -> bytes:
    """A deterministic zip: pack.json then the files sorted by path, fixed timestamps, so the
    advertised `download-sha256` always matches the bytes served (reference §3.5)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        _write(archive, paths.MANIFEST, manifest)
        for name, path in sorted(set(files)):
            _write(archive, name, Path(path).read_bytes())
    return out.getvalue()


def _write(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = (stat.S_IFREG | 0o644) << 16
    info.create_system = 3
    archive.writestr(info, data)
