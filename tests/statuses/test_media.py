"""POST /api/v1/media, /api/v2/media, GET/PUT /api/v1/media/:id"""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from statuses.models import MediaAttachment
from tests.statuses.conftest import png_bytes

pytestmark = pytest.mark.django_db


def upload(client, name="cat.png", data=None, content_type="image/png", path="/api/v1/media", **extra):
    file = SimpleUploadedFile(name, png_bytes() if data is None else data, content_type)
    return client.post(path, {"file": file, **extra}, format="multipart")


class TestUploadMedia:
    """POST /api/v1/media and /api/v2/media"""

    @pytest.mark.parametrize("path", ["/api/v1/media", "/api/v2/media"])
    def test_stores_a_verified_image_with_meta_and_preview(self, api, data_dir, path):
        client = api(scopes=["write:media"])
        response = upload(client, path=path, description="a red box", focus="0.5,-0.25")
        assert response.status_code == 200, response.json()
        body = response.json()
        assert body["type"] == "image"
        assert body["url"].startswith("http://localhost:8000/media/attachments/")
        assert body["url"].endswith(".png")
        assert body["preview_url"] != body["url"]
        assert body["text_url"] == body["url"]
        assert body["description"] == "a red box"
        assert body["meta"]["original"] == {"width": 64, "height": 48, "size": "64x48",
                                            "aspect": round(64 / 48, 6)}
        assert body["meta"]["small"]["width"] == 64
        assert body["meta"]["focus"] == {"x": 0.5, "y": -0.25}
        assert body["pleroma"] == {"mime_type": "image/png"}
        media = MediaAttachment.objects.get()
        assert media.account == client.user and media.status is None
        assert (data_dir / "media" / media.file.name).exists()

    def test_thumbnails_large_images(self, api, data_dir):
        out = io.BytesIO()
        Image.new("RGB", (1600, 800), (0, 0, 255)).save(out, format="JPEG")
        body = upload(api(), "big.jpg", out.getvalue(), "image/jpeg").json()
        assert body["meta"]["original"]["width"] == 1600
        assert body["meta"]["small"] == {"width": 400, "height": 200, "size": "400x200", "aspect": 2.0}
        assert body["pleroma"]["mime_type"] == "image/jpeg"

    def test_refuses_a_text_file_named_png(self, api, data_dir):
        response = upload(api(), "evil.png", b"just some text, not a picture", "text/plain")
        assert response.status_code == 415
        assert response.json() == {"error": "File is not a valid image"}
        assert not MediaAttachment.objects.exists()

    def test_refuses_a_file_claiming_an_image_type(self, api, data_dir):
        response = upload(api(), "evil.bin", b"<svg onload=alert(1)>", "image/svg+xml")
        assert response.status_code == 415
        assert not MediaAttachment.objects.exists()

    def test_stores_other_files_with_a_sniffed_type(self, api, data_dir):
        data = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64
        body = upload(api(), "clip.mp4", data, "application/octet-stream").json()
        assert body["type"] == "video"
        assert body["pleroma"]["mime_type"] == "video/mp4"
        assert "meta" not in body
        body = upload(api(), "notes.txt", b"plain notes", "text/plain").json()
        assert body["type"] == "unknown" and body["pleroma"]["mime_type"] == "text/plain"

    def test_refuses_files_over_the_upload_limit(self, api, data_dir, settings):
        settings.UPLOAD_LIMIT = 100
        response = upload(api())
        assert response.status_code == 413
        assert response.json() == {"error": "File is too large"}

    def test_needs_a_file(self, api, data_dir):
        response = api().post("/api/v1/media", {"description": "x"}, format="multipart")
        assert response.status_code == 400
        assert "file" in response.json()["error"]

    def test_needs_write_media(self, api, data_dir):
        response = upload(api(scopes=["read", "write:statuses"]))
        assert response.status_code == 403
        assert response.json() == {"error": "Insufficient permissions: write:media."}


class TestShowAndUpdateMedia:
    """GET /api/v1/media/:id and PUT /api/v1/media/:id"""

    def test_owner_reads_and_updates_the_description(self, api, data_dir):
        client = api()
        media_id = upload(client).json()["id"]
        assert client.get(f"/api/v1/media/{media_id}").json()["id"] == media_id
        body = client.put(f"/api/v1/media/{media_id}", {"description": "new alt"}).json()
        assert body["description"] == "new alt"
        assert MediaAttachment.objects.get().description == "new alt"

    def test_others_get_not_found(self, api, data_dir):
        media_id = upload(api()).json()["id"]
        other = api()
        assert other.get(f"/api/v1/media/{media_id}").status_code == 404
        response = other.put(f"/api/v1/media/{media_id}", {"description": "x"})
        assert response.status_code == 404
        assert response.json() == {"error": "Record not found"}

    def test_scopes(self, api, data_dir):
        client = api()
        media_id = upload(client).json()["id"]
        reader = api(scopes=["write:media"], user=client.user)
        assert reader.get(f"/api/v1/media/{media_id}").json() == {
            "error": "Insufficient permissions: read:media."}
