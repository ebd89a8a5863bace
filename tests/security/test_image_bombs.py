"""Decompression bombs: an 11000x11000 PNG of a few hundred KB (121 megapixels, about a
gigabyte once decoded) is refused from its header on every path that takes an image."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.models import User
from emoji.models import Emoji
from statuses.models import MediaAttachment
from tests.emoji.conftest import admin_api, make_pack, make_zip, png  # noqa: F401 (fixtures)
from tests.emoji.test_files import static_server  # noqa: F401 (fixture)
from tests.emoji.test_remote import publish

TOO_LARGE = {"error": "Image is too large"}
# Pillow warns as it opens the bomb's header, before the limit refuses it.
pytestmark = pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """11000x11000 pixels: under Pillow's own bomb threshold, far over Mastodon's limit."""
    out = io.BytesIO()
    Image.new("1", (11000, 11000)).save(out, format="PNG", optimize=True)
    return out.getvalue()


def upload(data: bytes, name: str = "bomb.png", content_type: str = "image/png"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def test_the_bomb_is_small_on_the_wire_and_huge_decoded(bomb):
    assert len(bomb) < 1_000_000
    with Image.open(io.BytesIO(bomb)) as image:
        assert image.size == (11000, 11000)
        assert image.size[0] * image.size[1] < 2 * Image.MAX_IMAGE_PIXELS  # Pillow would decode it


@pytest.mark.parametrize("path", ["/api/v1/media", "/api/v2/media"])
def test_media_upload_is_refused(api, data_dir, bomb, path):
    client = api(scopes=["write:media"])
    response = client.post(path, {"file": upload(bomb)}, format="multipart")
    assert (response.status_code, response.json()) == (413, TOO_LARGE)
    named_otherwise = client.post(path, {"file": upload(bomb, "x.bin", "application/octet-stream")},
                                  format="multipart")
    assert (named_otherwise.status_code, named_otherwise.json()) == (413, TOO_LARGE)
    assert not MediaAttachment.objects.exists()


@pytest.mark.parametrize("field", ["avatar", "header", "pleroma_background_image"])
def test_profile_images_in_update_credentials_are_refused(api, data_dir, bomb, field):
    client = api(scopes=["write:accounts"])
    response = client.patch("/api/v1/accounts/update_credentials", {field: upload(bomb)}, format="multipart")
    assert (response.status_code, response.json()) == (413, TOO_LARGE)
    user = User.objects.get(pk=client.user.pk)
    assert not user.avatar and not user.header and not user.background


@pytest.mark.parametrize("endpoint,field", [("update_avatar", "img"), ("update_banner", "banner"),
                                            ("update_background", "img")])
def test_pleroma_profile_image_routes_are_refused(api, data_dir, bomb, endpoint, field):
    client = api(scopes=["write:accounts"])
    response = client.patch(f"/api/v1/pleroma/accounts/{endpoint}", {field: upload(bomb)}, format="multipart")
    assert (response.status_code, response.json()) == (413, TOO_LARGE)


def test_mascot_is_refused(api, data_dir, bomb):
    client = api(scopes=["write:accounts"])
    response = client.put("/api/v1/pleroma/mascot", {"file": upload(bomb)}, format="multipart")
    assert (response.status_code, response.json()) == (413, TOO_LARGE)
    assert not MediaAttachment.objects.exists()


def test_the_limit_is_a_setting(api, data_dir, settings):
    settings.IMAGE_MAX_PIXELS = 63
    client = api(scopes=["write:media"])
    response = client.post("/api/v1/media", {"file": upload(png(size=(8, 8)))}, format="multipart")
    assert (response.status_code, response.json()) == (413, TOO_LARGE)
    settings.IMAGE_MAX_PIXELS = 64
    assert client.post("/api/v1/media", {"file": upload(png(size=(8, 8)))},
                       format="multipart").status_code == 200


class TestEmoji:
    """Emoji images: upload, zip upload, remote download, directory import"""

    FILES = "/api/v1/pleroma/emoji/packs/files?name=test_pack"

    def test_an_uploaded_emoji_is_refused(self, admin_api, make_pack, bomb):  # noqa: F811
        make_pack("test_pack")
        response = admin_api.post(self.FILES, {"file": upload(bomb), "shortcode": "bomb"}, format="multipart")
        assert (response.status_code, response.json()) == (413, TOO_LARGE)
        assert not Emoji.objects.exists()

    def test_a_zip_holding_a_bomb_is_refused(self, admin_api, make_pack, bomb, settings):  # noqa: F811
        make_pack("test_pack")
        archive = make_zip({"ok.png": png(), "bomb.png": bomb})
        response = admin_api.post(self.FILES, {"file": upload(archive, "pack.zip", "application/zip")},
                                  format="multipart")
        assert (response.status_code, response.json()) == (413, TOO_LARGE)
        assert not Emoji.objects.exists()
        assert not (settings.EMOJI_DIR / "test_pack" / "bomb.png").exists()

    @pytest.mark.django_db(transaction=True)
    def test_a_downloaded_pack_holding_a_bomb_is_refused(self, admin_api, static_server, bomb,  # noqa: F811
                                                         settings):
        settings.ALLOW_PRIVATE_NETWORKS = True
        publish(static_server, files={"ok": "ok.png", "bomb": "bomb.png"},
                archive=make_zip({"ok.png": png(), "bomb.png": bomb}))
        response = admin_api.post("/api/v1/pleroma/emoji/packs/download",
                                  {"url": static_server.url, "name": "test_pack", "as": "copy"})
        assert 400 <= response.status_code < 600 and response.status_code != 500
        assert "Image is too large" in response.json()["error"]
        assert not Emoji.objects.exists()
        assert not (settings.EMOJI_DIR / "copy").exists()

    def test_an_imported_directory_skips_the_bomb(self, admin_api, data_dir, bomb):  # noqa: F811
        directory = data_dir / "emoji" / "dropped"
        directory.mkdir(parents=True)
        (directory / "ok.png").write_bytes(png())
        (directory / "bomb.png").write_bytes(bomb)
        response = admin_api.get("/api/v1/pleroma/emoji/packs/import")
        assert response.status_code == 200, response.content
        assert response.json() == ["dropped"]
        assert set(Emoji.objects.values_list("shortcode", flat=True)) == {"ok"}
