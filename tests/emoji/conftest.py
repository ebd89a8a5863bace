"""Fixtures for the emoji tests: real PNGs, an admin client, packs made through the services."""

from __future__ import annotations

import io
import zipfile

import pytest
from PIL import Image

from emoji import services


def png(color=(255, 0, 0), size=(8, 8)) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", size, (*color, 255)).save(out, format="PNG")
    return out.getvalue()


def make_zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.fixture
def admin_api(api, data_dir):
    """A staff client holding admin:write (and read/write)."""
    return api(scopes=["read", "write", "admin:write"], is_admin=True)


@pytest.fixture
def make_pack(data_dir):
    """make_pack(name, {shortcode: filename}, share=True): a pack with real PNG files."""

    def make(name="test_pack", files=None, *, share=True, **metadata):
        pack = services.create_pack(name)
        for i, (shortcode, filename) in enumerate((files or {}).items()):
            services.add_file(pack, data=png((i * 40 % 256, 100, 200)), filename=filename,
                              shortcode=shortcode)
        meta = {"description": "Test description", "license": "Test license",
                "homepage": "https://pleroma.social", "share-files": share, **metadata}
        services.update_metadata(name, meta)
        pack.refresh_from_db()
        return pack

    return make
