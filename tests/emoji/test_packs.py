"""Emoji pack endpoints: show, create, metadata, delete, list, archive, import."""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from urllib.parse import urlencode

import pytest

from emoji.models import Emoji, EmojiPack
from tests.emoji.conftest import png


def read_manifest(settings, name):
    return json.loads((settings.EMOJI_DIR / name / "pack.json").read_text())


class TestShowPack:
    """GET /api/v1/pleroma/emoji/pack?name="""

    def test_shows_files_metadata_and_download_hash(self, anon, make_pack):
        make_pack("test_pack", {"blank": "blank.png", "blank2": "blank2.png"})
        response = anon.get("/api/pleroma/emoji/pack", {"name": "test_pack"})
        assert response.status_code == 200
        body = response.json()
        assert body["files"] == {"blank": "blank.png", "blank2": "blank2.png"}
        assert body["files_count"] == 2
        assert body["pack"]["can-download"] is True
        assert body["pack"]["share-files"] is True
        assert body["pack"]["description"] == "Test description"
        archive = anon.get("/api/v1/pleroma/emoji/packs/archive", {"name": "test_pack"}).content
        assert body["pack"]["download-sha256"] == hashlib.sha256(archive).hexdigest().upper()

    def test_pages_files_but_counts_and_hashes_all_of_them(self, anon, make_pack):
        make_pack("test_pack", {"blank": "blank.png", "blank2": "blank2.png"})
        full = anon.get("/api/v1/pleroma/emoji/pack", {"name": "test_pack"}).json()
        first = anon.get("/api/v1/pleroma/emoji/pack", {"name": "test_pack", "page_size": 1}).json()
        second = anon.get("/api/v1/pleroma/emoji/pack",
                          {"name": "test_pack", "page_size": 1, "page": 2}).json()
        probe = anon.get("/api/v1/pleroma/emoji/pack", {"name": "test_pack", "page_size": 0}).json()
        past = anon.get("/api/v1/pleroma/emoji/pack", {"name": "test_pack", "page": 9}).json()
        assert first["files"] == {"blank": "blank.png"} and first["files_count"] == 2
        assert second["files"] == {"blank2": "blank2.png"}
        assert probe["files"] == {} and probe["files_count"] == 2
        assert past["files"] == {}
        assert probe["pack"]["download-sha256"] == full["pack"]["download-sha256"]

    def test_names_with_dots_work_and_paths_keep_their_last_segment(self, anon, make_pack):
        make_pack("blobs.gg", {"blob": "blob.png"})
        assert anon.get("/api/v1/pleroma/emoji/pack", {"name": "blobs.gg"}).status_code == 200
        response = anon.get("/api/v1/pleroma/emoji/pack", {"name": "../../../../../blobs.gg"})
        assert response.status_code == 200
        assert response.json()["files"] == {"blob": "blob.png"}

    def test_refuses_unknown_blank_and_missing_names(self, anon, data_dir):
        response = anon.get("/api/v1/pleroma/emoji/pack", {"name": "non_existing"})
        assert response.status_code == 404
        assert response.json() == {"error": "Pack non_existing does not exist"}
        response = anon.get("/api/v1/pleroma/emoji/pack", {"name": " "})
        assert response.status_code == 400
        assert response.json()["error"] == "pack name cannot be empty"
        response = anon.get("/api/v1/pleroma/emoji/pack")
        assert response.status_code == 400
        assert response.json()["error"] == "Missing field: name."


class TestCreatePack:
    """POST /api/v1/pleroma/emoji/pack?name="""

    def test_creates_an_empty_pack_with_its_manifest(self, admin_api, settings):
        response = admin_api.post("/api/v1/pleroma/emoji/pack?name=test_created")
        assert response.status_code == 200
        assert response.json() == "ok"
        assert read_manifest(settings, "test_created") == {"pack": {}, "files": {}, "files_count": 0}
        assert EmojiPack.objects.filter(name="test_created").exists()

    def test_refuses_an_existing_pack_or_directory(self, admin_api, settings):
        admin_api.post("/api/v1/pleroma/emoji/pack?name=test_created")
        response = admin_api.post("/api/v1/pleroma/emoji/pack?name=test_created")
        assert response.status_code == 409
        assert response.json() == {"error": 'A pack named "test_created" already exists'}
        (settings.EMOJI_DIR / "on_disk").mkdir()
        assert admin_api.post("/api/v1/pleroma/emoji/pack?name=on_disk").status_code == 409

    @pytest.mark.parametrize("name", ["..", "../outside", "a/b", ".hidden", "we!rd"])
    def test_refuses_names_that_are_not_plain_directory_names(self, admin_api, settings, name):
        response = admin_api.post("/api/v1/pleroma/emoji/pack?" + urlencode({"name": name}))
        assert response.status_code == 400
        assert response.json()["error"] == "invalid pack name"
        assert not EmojiPack.objects.exists()
        assert not (settings.EMOJI_DIR.parent / "outside").exists()

    def test_refuses_a_blank_name(self, admin_api):
        response = admin_api.post("/api/v1/pleroma/emoji/pack?name=%20")
        assert response.status_code == 400
        assert response.json()["error"] == "pack name cannot be empty"

    @pytest.mark.skipif(os.geteuid() == 0, reason="root ignores directory permissions")
    def test_reports_a_file_system_error(self, admin_api, settings):
        settings.EMOJI_DIR.mkdir(parents=True, exist_ok=True)
        settings.EMOJI_DIR.chmod(0o500)
        try:
            response = admin_api.post("/api/v1/pleroma/emoji/pack?name=locked")
        finally:
            settings.EMOJI_DIR.chmod(0o700)
        assert response.status_code == 500
        assert response.json()["error"] == (
            "Unexpected error occurred while creating pack. (POSIX error: Permission denied)")
        assert not EmojiPack.objects.exists()

    def test_needs_admin_write_and_a_staff_user(self, api, data_dir):
        response = api(scopes=["read", "write"], is_admin=True).post(
            "/api/v1/pleroma/emoji/pack?name=x")
        assert response.status_code == 403
        assert response.json() == {"error": "Insufficient permissions: admin:write."}
        response = api(scopes=["admin:write"]).post("/api/v1/pleroma/emoji/pack?name=x")
        assert response.status_code == 403
        assert response.json() == {"error": "User is not a staff member."}
        response = api(anonymous=True).post("/api/v1/pleroma/emoji/pack?name=x")
        assert response.status_code == 403
        assert response.json() == {"error": "Invalid credentials."}
        assert not EmojiPack.objects.exists()


class TestUpdatePack:
    """PATCH /api/v1/pleroma/emoji/pack?name="""

    def test_replaces_the_metadata_and_rewrites_pack_json(self, admin_api, make_pack, settings):
        make_pack("test_pack", {"blank": "blank.png"})
        metadata = {"license": "Test license changed", "homepage": "https://pleroma.social",
                    "description": "Test description", "share-files": False, "x-custom": "kept"}
        response = admin_api.patch("/api/v1/pleroma/emoji/pack?name=test_pack",
                                   {"metadata": metadata}, format="json")
        assert response.status_code == 200
        assert response.json() == metadata
        assert read_manifest(settings, "test_pack")["pack"] == metadata
        assert read_manifest(settings, "test_pack")["files"] == {"blank": "blank.png"}

    def test_accepts_multipart_metadata_fields(self, admin_api, make_pack):
        make_pack("test_pack")
        response = admin_api.patch("/api/v1/pleroma/emoji/pack?name=test_pack",
                                   {"metadata[license]": "CC0", "metadata[share-files]": "true"},
                                   format="multipart")
        assert response.status_code == 200
        assert response.json() == {"license": "CC0", "share-files": True}

    def test_refuses_an_unknown_pack(self, admin_api, data_dir):
        response = admin_api.patch("/api/v1/pleroma/emoji/pack?name=nope", {"metadata": {}}, format="json")
        assert response.status_code == 404
        assert response.json() == {"error": "Pack nope does not exist"}

    def test_requires_metadata(self, admin_api, make_pack):
        make_pack("test_pack")
        response = admin_api.patch("/api/v1/pleroma/emoji/pack?name=test_pack", {}, format="json")
        assert response.status_code == 400
        assert response.json()["error"] == "Missing field: metadata."


class TestDeletePack:
    """DELETE /api/v1/pleroma/emoji/pack?name="""

    def test_deletes_the_pack_its_emoji_and_directory(self, admin_api, make_pack, settings):
        make_pack("test_pack", {"blank": "blank.png"})
        response = admin_api.delete("/api/v1/pleroma/emoji/pack?name=test_pack")
        assert response.status_code == 200
        assert response.json() == "ok"
        assert not (settings.EMOJI_DIR / "test_pack").exists()
        assert not EmojiPack.objects.exists() and not Emoji.objects.exists()
        assert admin_api.get("/api/v1/pleroma/emoji").json() == {}

    def test_refuses_unknown_blank_and_escaping_names(self, admin_api, settings, data_dir):
        response = admin_api.delete("/api/v1/pleroma/emoji/pack?name=non_existing")
        assert response.status_code == 404
        assert response.json() == {"error": "Pack non_existing does not exist"}
        assert admin_api.delete("/api/v1/pleroma/emoji/pack?name=%20").json() == {
            "error": "pack name cannot be empty"}
        (data_dir / "precious").mkdir()
        response = admin_api.delete("/api/v1/pleroma/emoji/pack?name=../precious")
        assert response.status_code == 400
        assert (data_dir / "precious").exists()


class TestListPacks:
    """GET /api/v1/pleroma/emoji/packs"""

    def test_lists_packs_with_sharing_flags_and_a_total(self, anon, make_pack):
        make_pack("shared", {"blank": "blank.png"})
        make_pack("unshared", {"other": "other.png"}, share=False)
        body = anon.get("/api/pleroma/emoji/packs").json()
        assert body["count"] == 2
        assert body["packs"]["shared"]["pack"]["can-download"] is True
        assert "download-sha256" in body["packs"]["shared"]["pack"]
        assert body["packs"]["unshared"]["pack"]["share-files"] is False
        assert body["packs"]["unshared"]["pack"]["can-download"] is False
        assert "download-sha256" not in body["packs"]["unshared"]["pack"]

    def test_pages_over_packs(self, anon, make_pack):
        for name in ("a", "b", "c", "d"):
            make_pack(name)
        names = []
        for page in (1, 2, 3, 4):
            body = anon.get("/api/v1/pleroma/emoji/packs", {"page": page, "page_size": 1}).json()
            assert body["count"] == 4 and len(body["packs"]) == 1
            names += list(body["packs"])
        assert names == ["a", "b", "c", "d"]
        assert anon.get("/api/v1/pleroma/emoji/packs", {"page": 9}).json() == {"packs": {}, "count": 4}

    def test_uses_a_constant_number_of_queries(self, anon, make_pack, django_assert_max_num_queries):
        make_pack("first", {"one": "one.png"})
        with django_assert_max_num_queries(3):
            assert anon.get("/api/v1/pleroma/emoji/packs").status_code == 200
        for i in range(20):
            make_pack(f"pack{i:02}", {f"e{i}": f"e{i}.png"})
        with django_assert_max_num_queries(3):
            assert len(anon.get("/api/v1/pleroma/emoji/packs").json()["packs"]) == 21


class TestPackArchive:
    """GET /api/v1/pleroma/emoji/packs/archive?name="""

    def test_serves_the_pack_as_a_zip_that_round_trips(self, anon, make_pack, settings):
        make_pack("test_pack", {"blank": "blank.png", "sub": "dir/sub.png"})
        response = anon.get("/api/v1/pleroma/emoji/packs/archive", {"name": "test_pack"})
        assert response.status_code == 200
        assert response["Content-Type"] == "application/zip"
        assert response["Content-Disposition"] == 'attachment; filename="test_pack.zip"'
        archive = zipfile.ZipFile(io.BytesIO(response.content))
        assert archive.namelist() == ["pack.json", "blank.png", "dir/sub.png"]
        assert json.loads(archive.read("pack.json")) == read_manifest(settings, "test_pack")
        assert archive.read("dir/sub.png") == (settings.EMOJI_DIR / "test_pack/dir/sub.png").read_bytes()
        again = anon.get("/api/v1/pleroma/emoji/packs/archive", {"name": "test_pack"})
        assert again.content == response.content

    def test_refuses_unshared_or_incomplete_and_unknown_packs(self, anon, make_pack, settings):
        make_pack("private", {"blank": "blank.png"}, share=False)
        response = anon.get("/api/v1/pleroma/emoji/packs/archive", {"name": "private"})
        assert response.status_code == 403
        assert response.json() == {"error": "Pack private cannot be downloaded from this instance, "
                                   "either pack sharing was disabled for this pack or some files are missing"}
        make_pack("broken", {"gone": "gone.png"})
        (settings.EMOJI_DIR / "broken/gone.png").unlink()
        assert anon.get("/api/v1/pleroma/emoji/packs/archive", {"name": "broken"}).status_code == 403
        response = anon.get("/api/v1/pleroma/emoji/packs/archive", {"name": "test_pack_for_import"})
        assert response.status_code == 404
        assert response.json() == {"error": "Pack test_pack_for_import does not exist"}


class TestImportPacks:
    """GET /api/v1/pleroma/emoji/packs/import"""

    def test_imports_a_pleroma_format_pack_directory(self, admin_api, settings):
        directory = settings.EMOJI_DIR / "dropped"
        (directory / "128px").mkdir(parents=True)
        (directory / "blank.png").write_bytes(png())
        (directory / "128px/bear-128.png").write_bytes(png((1, 2, 3)))
        (directory / "pack.json").write_text(json.dumps({
            "files": {"blank": "blank.png", "bear-128": "128px/bear-128.png",
                      "escape": "../../secret.png", "missing": "missing.png"},
            "pack": {"license": "CC-BY", "share-files": True}, "files_count": 4}))
        response = admin_api.get("/api/v1/pleroma/emoji/packs/import")
        assert response.status_code == 200
        assert response.json() == ["dropped"]
        assert read_manifest(settings, "dropped") == {
            "files": {"bear-128": "128px/bear-128.png", "blank": "blank.png"},
            "pack": {"license": "CC-BY", "share-files": True}, "files_count": 2}
        emoji = admin_api.get("/api/v1/pleroma/emoji").json()
        assert emoji["blank"] == {"image_url": "/emoji/dropped/blank.png", "tags": ["pack:dropped"]}
        assert admin_api.get("/api/v1/pleroma/emoji/packs/import").json() == []

    def test_imports_emoji_txt_and_bare_image_directories(self, admin_api, settings):
        legacy = settings.EMOJI_DIR / "test_pack_for_import"
        legacy.mkdir(parents=True)
        (legacy / "blank.png").write_bytes(png())
        (legacy / "emoji.txt").write_text(
            "blank, blank.png, Fun\n\nblank2, blank.png\nfoo, /emoji/test_pack_for_import/blank.png\n\nbar\n")
        bare = settings.EMOJI_DIR / "bare"
        bare.mkdir()
        (bare / "smile.png").write_bytes(png())
        (bare / "notes.txt").write_text("not an emoji")
        assert admin_api.get("/api/v1/pleroma/emoji/packs/import").json() == ["bare", "test_pack_for_import"]
        assert read_manifest(settings, "test_pack_for_import")["files"] == {
            "blank": "blank.png", "blank2": "blank.png", "foo": "blank.png"}
        assert read_manifest(settings, "bare")["files"] == {"smile": "smile.png"}

    def test_needs_admin_write(self, api, data_dir):
        response = api(scopes=["read"], is_admin=True).get("/api/v1/pleroma/emoji/packs/import")
        assert response.status_code == 403
        assert response.json() == {"error": "Insufficient permissions: admin:write."}
