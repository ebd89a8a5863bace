"""Writing a backup zip: each collection streamed from the database in chunks, the media
copied file by file, everything into a temporary file renamed into place when complete.

Layout (Pleroma's, reference accounts §23.2): actor.json, outbox.json, likes.json,
bookmarks.json, followers.json, following.json, plus media/<stored path> for each upload.
"""

from __future__ import annotations

import io
import json
import logging
import os
import shutil
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

from django.db import DatabaseError

from backups import activitystreams as ast

log = logging.getLogger(__name__)

CHUNK_SIZE = 100  # rows fetched per query while streaming (Pleroma's process_chunk_size)
TEMP_SUFFIX = ".tmp"


def temp_prefix(file_name: str) -> str:
    return f".{file_name}."


class ArchiveWriter:
    """Writes entries into one zip; `tick()` is called once per item written."""

    def __init__(self, zf: zipfile.ZipFile, tick: Callable[[], None]):
        self.zf = zf
        self.tick = tick

    def _info(self, name: str, compress: int) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=time.gmtime()[:6])
        info.compress_type = compress
        info.external_attr = 0o644 << 16
        return info

    def json(self, name: str, document: dict) -> None:
        with self.zf.open(self._info(name, zipfile.ZIP_DEFLATED), "w") as out:
            out.write(json.dumps(document, ensure_ascii=False, indent=2).encode())
        self.tick()

    def collection(self, name: str, rows: Iterable, render: Callable) -> int:
        """An OrderedCollection whose items are streamed: never the whole list in memory.
        Items that fail to render are skipped and not counted, as Pleroma does."""
        count = 0
        entry = self.zf.open(self._info(name, zipfile.ZIP_DEFLATED), "w", force_zip64=True)
        with io.TextIOWrapper(entry, encoding="utf-8") as out:
            out.write(json.dumps({"@context": ast.AS_CONTEXT, "id": name, "type": "OrderedCollection"})[:-1])
            out.write(', "orderedItems": [')
            for row in rows:
                try:
                    text = json.dumps(render(row), ensure_ascii=False)
                except DatabaseError:
                    raise
                except Exception:  # one broken item must not lose the whole backup
                    log.exception("backup: skipping an item of %s", name)
                    continue
                out.write(("," if count else "") + "\n" + text)
                count += 1
                self.tick()
            out.write(f'\n], "totalItems": {count}}}')
        return count

    def file(self, name: str, source) -> None:
        """Copy an open binary file into the zip as it is (media are compressed already)."""
        with self.zf.open(self._info(name, zipfile.ZIP_STORED), "w", force_zip64=True) as out:
            shutil.copyfileobj(source, out, 1 << 16)
        self.tick()


def write_atomically(final: Path, build: Callable[[ArchiveWriter], None],
                     tick: Callable[[], None]) -> int:
    """Build the zip in a temporary file beside `final`, then rename it into place.

    A crash at any point leaves at most a temporary file (removed by the next attempt or
    by pruning), never a truncated archive under the final name. Returns the size.
    """
    final.parent.mkdir(parents=True, exist_ok=True)
    remove_temporaries(final.parent, final.name)
    fd, temp = tempfile.mkstemp(dir=final.parent, prefix=temp_prefix(final.name), suffix=TEMP_SUFFIX)
    try:
        with os.fdopen(fd, "w+b") as raw:
            with zipfile.ZipFile(raw, "w", allowZip64=True) as zf:
                build(ArchiveWriter(zf, tick))
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(temp, final)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return final.stat().st_size


def remove_temporaries(directory: Path, file_name: str | None = None, older_than: float | None = None) -> None:
    """Remove temporary files left by interrupted builds (of one archive, or all)."""
    if not directory.exists():
        return
    pattern = f"{temp_prefix(file_name)}*{TEMP_SUFFIX}" if file_name else f".*{TEMP_SUFFIX}"
    now = time.time()
    for path in directory.glob(pattern):
        try:
            if older_than is None or now - path.stat().st_mtime > older_than:
                path.unlink()
        except FileNotFoundError:
            continue
