"""PATCH /api/v1/pleroma/accounts/update_{avatar,banner,background} and /api/v1/pleroma/mascot."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import User
from statuses.models import MediaAttachment
from tests.account_features.conftest import png

ENDPOINTS = [("update_avatar", "img", "avatar"), ("update_banner", "banner", "header"),
             ("update_background", "img", "background")]


class TestUpdateImages:
    """PATCH /api/v1/pleroma/accounts/update_avatar | update_banner | update_background"""

    @pytest.mark.parametrize(("endpoint", "field", "column"), ENDPOINTS)
    def test_sets_and_clears_the_image(self, api, data_dir, endpoint, field, column):
        client = api(scopes=["write:accounts"])
        upload = SimpleUploadedFile("pic.png", png(), content_type="image/png")
        response = client.patch(f"/api/v1/pleroma/accounts/{endpoint}", {field: upload}, format="multipart")
        assert response.status_code == 200
        url = response.json()["url"]
        assert url.endswith(".png") and "/media/" in url
        assert getattr(User.objects.get(pk=client.user.pk), column)
        cleared = client.patch(f"/api/pleroma/accounts/{endpoint}", {field: ""}, format="multipart")
        assert cleared.json() == {"url": None}
        assert not getattr(User.objects.get(pk=client.user.pk), column)

    def test_refuses_what_is_not_an_image(self, api, data_dir):
        client = api(scopes=["write:accounts"])
        upload = SimpleUploadedFile("pic.png", b"GIF89a not really", content_type="image/png")
        response = client.patch("/api/v1/pleroma/accounts/update_avatar", {"img": upload}, format="multipart")
        assert response.status_code == 415
        assert "error" in response.json()
        text = client.patch("/api/v1/pleroma/accounts/update_avatar", {"img": "hello"}, format="json")
        assert text.status_code == 415

    def test_missing_field_is_400(self, api):
        response = api(scopes=["write:accounts"]).patch("/api/v1/pleroma/accounts/update_banner", {})
        assert response.json() == {"error": "Missing field: banner."}

    def test_refuses_a_token_without_the_scope(self, api):
        response = api(scopes=["read"]).patch("/api/v1/pleroma/accounts/update_avatar", {"img": ""})
        assert response.json() == {"error": "Insufficient permissions: write:accounts."}


class TestMascot:
    """GET/PUT /api/v1/pleroma/mascot"""

    def test_default_then_uploaded_mascot(self, api, data_dir):
        client = api(scopes=["read:accounts", "write:accounts"])
        default = client.get("/api/v1/pleroma/mascot").json()
        assert "pleroma-fox-tan-smol" in default["url"]
        assert default["type"] == "image" and default["pleroma"]["mime_type"] == "image/png"
        upload = SimpleUploadedFile("fox.png", png(), content_type="image/png")
        response = client.put("/api/v1/pleroma/mascot", {"file": upload}, format="multipart")
        assert response.status_code == 200
        body = response.json()
        assert body["type"] == "image" and body["pleroma"]["mime_type"] == "image/png"
        assert MediaAttachment.objects.filter(account=client.user).count() == 1
        assert client.get("/api/v1/pleroma/mascot").json() == body

    def test_non_images_are_415(self, api, data_dir):
        client = api(scopes=["write:accounts"])
        upload = SimpleUploadedFile("song.mp3", b"ID3" + b"\x00" * 64, content_type="audio/mpeg")
        response = client.put("/api/v1/pleroma/mascot", {"file": upload}, format="multipart")
        assert (response.status_code, response.json()) == (415, {"error": "mascots can only be images"})
        assert not MediaAttachment.objects.exists()

    def test_missing_file_is_400(self, api):
        response = api(scopes=["write:accounts"]).put("/api/v1/pleroma/mascot", {}, format="multipart")
        assert response.json() == {"error": "Missing field: file."}

    def test_scopes(self, api):
        assert api(scopes=["write"]).get("/api/v1/pleroma/mascot").json() == {
            "error": "Insufficient permissions: read:accounts."}
        assert api(scopes=["read"]).put("/api/v1/pleroma/mascot").json() == {
            "error": "Insufficient permissions: write:accounts."}
