"""Files users send: oversized uploads, files that lie about being images, decompression
bombs. Checked on the profile images (media and emoji have their own tests)."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts.models import User


def png_bytes(size=(8, 8), mode="RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture(scope="module")
def bomb_png() -> bytes:
    """A 20000x20000 one-bit PNG: about 50 KB on disk, 400 megapixels decoded."""
    out = io.BytesIO()
    Image.new("1", (20000, 20000)).save(out, format="PNG", optimize=True)
    return out.getvalue()


def test_a_real_png_avatar_is_stored(api, data_dir):
    client = api(scopes=["write:accounts"])
    upload = SimpleUploadedFile("a.png", png_bytes(), content_type="image/png")
    response = client.patch("/api/v1/accounts/update_credentials", {"avatar": upload}, format="multipart")
    assert response.status_code == 200
    assert "/media/avatars/" in response.json()["avatar"]


def test_a_text_file_named_png_is_refused(api, data_dir):
    client = api(scopes=["write:accounts"])
    upload = SimpleUploadedFile("evil.png", b"<?php echo 1; ?>", content_type="image/png")
    response = client.patch("/api/v1/accounts/update_credentials", {"avatar": upload}, format="multipart")
    assert response.status_code == 415
    assert response.json() == {"error": "File is not an image"}
    assert not User.objects.get(pk=client.user.pk).avatar


def test_an_oversized_avatar_is_refused(api, data_dir, settings):
    settings.AVATAR_UPLOAD_LIMIT = 1000
    client = api(scopes=["write:accounts"])
    upload = SimpleUploadedFile("big.png", png_bytes((300, 300), "RGB") + b"\0" * 2000,
                                content_type="image/png")
    response = client.patch("/api/v1/accounts/update_credentials", {"avatar": upload}, format="multipart")
    assert response.status_code == 413
    assert response.json() == {"error": "File is too large"}


def test_a_decompression_bomb_is_refused(api, data_dir, bomb_png):
    client = api(scopes=["write:accounts"])
    upload = SimpleUploadedFile("bomb.png", bomb_png, content_type="image/png")
    response = client.patch("/api/v1/accounts/update_credentials", {"header": upload}, format="multipart")
    assert response.status_code == 413
    assert response.json() == {"error": "Image is too large"}
    assert not User.objects.get(pk=client.user.pk).header


def test_an_empty_value_clears_the_image(api, data_dir):
    client = api(scopes=["write:accounts", "read:accounts"])
    upload = SimpleUploadedFile("a.png", png_bytes(), content_type="image/png")
    client.patch("/api/v1/accounts/update_credentials", {"avatar": upload}, format="multipart")
    response = client.patch("/api/v1/accounts/update_credentials", {"avatar": ""}, format="multipart")
    assert response.status_code == 200
    assert response.json()["avatar"].endswith("/static/images/avi.png")
