"""Emoji files of a pack: add (upload, URL, zip), rename/move, delete."""

from __future__ import annotations

import json
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from emoji.models import Emoji
from tests.emoji.conftest import make_zip, png

FILES = "/api/v1/pleroma/emoji/packs/files"


def upload(name="blank3.png", data=None, content_type="image/png"):
    return SimpleUploadedFile(name, data if data is not None else png((9, 9, 9)), content_type=content_type)


def manifest(settings, name="test_pack"):
    return json.loads((settings.EMOJI_DIR / name / "pack.json").read_text())


@pytest.fixture
def pack(make_pack):
    return make_pack("test_pack", {"blank": "blank.png", "blank2": "blank2.png"})


@pytest.fixture
def static_server(tmp_path):
    """A real HTTP server on loopback serving tmp_path/www."""
    root = tmp_path / "www"
    root.mkdir()
    handler = partial(SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *args: None
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.root = root
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield server
    server.shutdown()
    server.server_close()


class TestAddFile:
    """POST /api/v1/pleroma/emoji/packs/files?name="""

    def test_adds_an_uploaded_png_in_a_sub_directory(self, admin_api, pack, settings):
        response = admin_api.post(f"{FILES}?name=test_pack",
                                  {"file": upload(), "shortcode": "blank3", "filename": "dir/blank.png"},
                                  format="multipart")
        assert response.status_code == 200
        assert response.json() == {"blank": "blank.png", "blank2": "blank2.png", "blank3": "dir/blank.png"}
        assert (settings.EMOJI_DIR / "test_pack/dir/blank.png").read_bytes() == png((9, 9, 9))
        assert manifest(settings)["files"]["blank3"] == "dir/blank.png"
        assert manifest(settings)["files_count"] == 3
        listed = admin_api.get("/api/v1/pleroma/emoji").json()
        assert listed["blank3"] == {"image_url": "/emoji/test_pack/dir/blank.png", "tags": ["pack:test_pack"]}

    def test_takes_shortcode_and_filename_from_the_upload(self, admin_api, pack):
        response = admin_api.post(f"{FILES}?name=test_pack", {"file": upload("shortcode.png")},
                                  format="multipart")
        assert response.status_code == 200
        assert response.json()["shortcode"] == "shortcode.png"

    def test_fetches_a_file_given_as_a_url(self, admin_api, pack, static_server, settings):
        settings.ALLOW_PRIVATE_NETWORKS = True
        (static_server.root / "blank_url.png").write_bytes(png((1, 1, 1)))
        response = admin_api.post(f"{FILES}?name=test_pack",
                                  {"file": f"{static_server.url}/blank_url.png", "shortcode": "blank_url"},
                                  format="multipart")
        assert response.status_code == 200, response.content
        assert response.json()["blank_url"] == "blank_url.png"
        missing = admin_api.post(f"{FILES}?name=test_pack",
                                 {"file": f"{static_server.url}/nope.png", "shortcode": "nope"})
        assert missing.status_code == 422
        assert missing.json() == {"error": "Failed to fetch the file (HTTP 404)"}

    def test_refuses_urls_on_private_networks_unless_allowed(self, admin_api, pack, static_server, settings):
        settings.ALLOW_PRIVATE_NETWORKS = False
        (static_server.root / "blank_url.png").write_bytes(png())
        response = admin_api.post(f"{FILES}?name=test_pack",
                                  {"file": f"{static_server.url}/blank_url.png", "shortcode": "blank_url"})
        assert response.status_code == 400
        assert response.json() == {"error": "Refusing to fetch from a private address"}

    def test_expands_a_zip_skipping_taken_shortcodes(self, admin_api, pack, settings):
        archive = make_zip({"128px/a_trusted_friend-128.png": png((1, 0, 0)),
                            "auroraborealis.png": png((2, 0, 0)), "1000px/bear.png": png((3, 0, 0)),
                            "blank.png": png((4, 0, 0)), "README.txt": b"hello"})
        response = admin_api.post(f"{FILES}?name=test_pack",
                                  {"file": upload("pack.zip", archive, "application/zip")}, format="multipart")
        assert response.status_code == 200
        assert response.json() == {
            "a_trusted_friend-128": "128px/a_trusted_friend-128.png", "auroraborealis": "auroraborealis.png",
            "bear": "1000px/bear.png", "blank": "blank.png", "blank2": "blank2.png"}
        assert (settings.EMOJI_DIR / "test_pack/blank.png").read_bytes() != png((4, 0, 0))
        assert not (settings.EMOJI_DIR / "test_pack/README.txt").exists()

    def test_refuses_a_taken_shortcode(self, admin_api, pack, settings):
        response = admin_api.post(f"{FILES}?name=test_pack", {"file": upload(), "shortcode": "blank"},
                                  format="multipart")
        assert response.status_code == 409
        assert response.json() == {"error": 'An emoji with the "blank" shortcode already exists'}
        assert not (settings.EMOJI_DIR / "test_pack/blank3.png").exists()

    def test_refuses_empty_and_unsafe_names(self, admin_api, pack, settings):
        response = admin_api.post(f"{FILES}?name=test_pack",
                                  {"file": upload(), "shortcode": "x", "filename": ""}, format="multipart")
        assert response.status_code == 422
        assert response.json() == {"error": "pack name, shortcode or filename cannot be empty"}
        for filename in ("../escape.png", "/etc/x.png", "a/../../b.png", "pack.json", "x.html", ".hidden.png"):
            response = admin_api.post(f"{FILES}?name=test_pack",
                                      {"file": upload(), "shortcode": "x", "filename": filename},
                                      format="multipart")
            assert response.status_code == 422, filename
            assert response.json() == {"error": "invalid filename"}
        response = admin_api.post(f"{FILES}?name=test_pack",
                                  {"file": upload(), "shortcode": "bad:code"}, format="multipart")
        assert response.json() == {"error": "invalid shortcode"}
        assert not (settings.EMOJI_DIR / "escape.png").exists()
        assert Emoji.objects.count() == 2

    def test_refuses_a_file_that_is_not_an_image(self, admin_api, pack):
        response = admin_api.post(f"{FILES}?name=test_pack",
                                  {"file": upload("fake.png", b"<script>alert(1)</script>")},
                                  format="multipart")
        assert response.status_code == 415
        assert response.json() == {"error": "File is not an image"}
        assert Emoji.objects.count() == 2

    def test_refuses_an_unknown_pack_and_a_missing_file(self, admin_api, pack):
        response = admin_api.post(f"{FILES}?name=not_loaded", {"file": upload()}, format="multipart")
        assert response.status_code == 404
        assert response.json() == {"error": 'pack "not_loaded" is not found'}
        response = admin_api.post(f"{FILES}?name=test_pack", {"shortcode": "x"}, format="multipart")
        assert response.status_code == 400
        assert response.json()["error"] == "Missing field: file."

    def test_needs_admin_write(self, api, pack):
        response = api(scopes=["write"], is_admin=True).post(f"{FILES}?name=test_pack",
                                                             {"file": upload()}, format="multipart")
        assert response.status_code == 403
        assert response.json() == {"error": "Insufficient permissions: admin:write."}


class TestRenameFile:
    """PATCH /api/v1/pleroma/emoji/packs/files?name="""

    def test_refuses_a_used_shortcode_without_force(self, admin_api, pack):
        response = admin_api.patch(f"{FILES}?name=test_pack", {
            "shortcode": "blank", "new_shortcode": "blank2", "new_filename": "blank3.png"}, format="json")
        assert response.status_code == 409
        assert response.json() == {"error": 'New shortcode "blank2" is already used. If you want to '
                                            "override emoji use 'force' option"}

    def test_renames_and_moves_with_force_and_removes_emptied_directories(self, admin_api, pack, settings):
        admin_api.post(f"{FILES}?name=test_pack", {"file": upload(), "shortcode": "blank3",
                                                    "filename": "dir/blank.png"}, format="multipart")
        response = admin_api.patch(f"{FILES}?name=test_pack", {
            "shortcode": "blank3", "new_shortcode": "blank4", "new_filename": "dir_2/blank_3.png",
            "force": True}, format="json")
        assert response.status_code == 200
        assert response.json()["blank4"] == "dir_2/blank_3.png"
        assert (settings.EMOJI_DIR / "test_pack/dir_2/blank_3.png").exists()
        assert not (settings.EMOJI_DIR / "test_pack/dir").exists()
        assert manifest(settings)["files"]["blank4"] == "dir_2/blank_3.png"

    def test_force_replaces_the_emoji_holding_the_new_shortcode(self, admin_api, pack, settings):
        response = admin_api.patch(f"{FILES}?name=test_pack", {
            "shortcode": "blank", "new_shortcode": "blank2", "new_filename": "blank.png",
            "force": "true"}, format="json")
        assert response.status_code == 200
        assert response.json() == {"blank2": "blank.png"}
        assert not (settings.EMOJI_DIR / "test_pack/blank2.png").exists()

    def test_refuses_unknown_emoji_and_missing_fields(self, admin_api, pack):
        response = admin_api.patch(f"{FILES}?name=test_pack", {
            "shortcode": "blank3", "new_shortcode": "x", "new_filename": "x.png"}, format="json")
        assert response.status_code == 400
        assert response.json() == {"error": 'Emoji "blank3" does not exist'}
        response = admin_api.patch(f"{FILES}?name=test_pack", {
            "shortcode": "blank", "new_filename": "x.png"}, format="json")
        assert response.status_code == 400
        assert response.json()["error"] == "Missing field: new_shortcode."
        response = admin_api.patch(f"{FILES}?name=test_pack", {
            "shortcode": "blank", "new_shortcode": "", "new_filename": "x.png"}, format="json")
        assert response.status_code == 422
        assert response.json() == {"error": "new_shortcode or new_filename cannot be empty"}
        response = admin_api.patch(f"{FILES}?name=test_pack", {
            "shortcode": "blank", "new_shortcode": "ok", "new_filename": "../../x.png"}, format="json")
        assert response.json() == {"error": "invalid filename"}


class TestRemoveFile:
    """DELETE /api/v1/pleroma/emoji/packs/files?name=&shortcode="""

    def test_removes_the_emoji_its_file_and_emptied_directory(self, admin_api, pack, settings):
        admin_api.post(f"{FILES}?name=test_pack", {"file": upload(), "shortcode": "blank3",
                                                    "filename": "dir_2/blank.png"}, format="multipart")
        response = admin_api.delete(f"{FILES}?name=test_pack&shortcode=blank3")
        assert response.status_code == 200
        assert response.json() == {"blank": "blank.png", "blank2": "blank2.png"}
        assert not (settings.EMOJI_DIR / "test_pack/dir_2").exists()
        assert "blank3" not in admin_api.get("/api/v1/pleroma/emoji").json()
        assert manifest(settings)["files_count"] == 2

    def test_keeps_a_file_another_emoji_shows(self, admin_api, pack, settings):
        Emoji.objects.create(pack=pack, shortcode="alias", filename="blank.png")
        admin_api.delete(f"{FILES}?name=test_pack&shortcode=blank")
        assert (settings.EMOJI_DIR / "test_pack/blank.png").exists()

    def test_refuses_unknown_emoji_unknown_pack_and_empty_shortcode(self, admin_api, pack):
        response = admin_api.delete(f"{FILES}?name=test_pack&shortcode=blank3")
        assert response.status_code == 400
        assert response.json() == {"error": 'Emoji "blank3" does not exist'}
        response = admin_api.delete(f"{FILES}?name=not_loaded&shortcode=")
        assert response.status_code == 404
        assert response.json() == {"error": 'pack "not_loaded" is not found'}
        response = admin_api.delete(f"{FILES}?name=test_pack&shortcode=")
        assert response.status_code == 422
        assert response.json() == {"error": "pack name or shortcode cannot be empty"}
