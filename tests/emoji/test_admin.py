"""The Django admin for emoji packs, through the test client."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from emoji.models import Emoji, EmojiPack
from tests.emoji.conftest import png
from tests.factories import UserFactory

CHANGELIST = "/admin/emoji/emojipack/"


@pytest.fixture
def staff(data_dir):
    client = Client()
    client.force_login(UserFactory(is_admin=True))
    return client


def inline(rows, initial=0):
    data = {"emoji-TOTAL_FORMS": str(len(rows)), "emoji-INITIAL_FORMS": str(initial),
            "emoji-MIN_NUM_FORMS": "0", "emoji-MAX_NUM_FORMS": "1000"}
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"emoji-{i}-{key}"] = value
    return data


def _errors(response):
    context = response.context
    return [context["adminform"].form.errors,
            [f.errors for f in context["inline_admin_formsets"][0].formset.forms],
            context["inline_admin_formsets"][0].formset.non_form_errors()]


def manifest(settings, name):
    return json.loads((settings.EMOJI_DIR / name / "pack.json").read_text())


class TestPackAdmin:
    """/admin/emoji/emojipack/"""

    def test_lists_packs_with_image_previews(self, staff, make_pack):
        make_pack("test_pack", {"blank": "blank.png"})
        response = staff.get(CHANGELIST)
        assert response.status_code == 200
        assert b'src="/emoji/test_pack/blank.png"' in response.content
        assert b"Import packs from disk" in response.content

    def test_creates_a_pack_with_an_uploaded_emoji(self, staff, settings):
        data = {"name": "made_here", "description": "From the admin", "license": "", "homepage": "",
                "share_files": "on", "fallback_src": "",
                **inline([{"shortcode": "smile", "filename": "", "tags_text": "Fun, Faces",
                           "upload": SimpleUploadedFile("smile.png", png(), "image/png")}])}
        response = staff.post(f"{CHANGELIST}add/", data)
        assert response.status_code == 302, _errors(response)
        assert (settings.EMOJI_DIR / "made_here/smile.png").read_bytes() == png()
        assert manifest(settings, "made_here") == {
            "files": {"smile": "smile.png"},
            "pack": {"description": "From the admin", "share-files": True}, "files_count": 1}
        assert Emoji.objects.get().tags == ["Fun", "Faces"]
        listed = staff.get("/api/v1/pleroma/emoji").json()
        assert listed["smile"]["tags"] == ["pack:made_here", "Fun", "Faces"]

    def test_renames_tags_unshares_and_deletes_emoji(self, staff, make_pack, settings):
        pack = make_pack("test_pack", {"blank": "blank.png", "gone": "gone.png"})
        blank, gone = Emoji.objects.get(shortcode="blank"), Emoji.objects.get(shortcode="gone")
        staff.get("/api/v1/custom_emojis")  # fill the cache
        data = {"description": "Test description", "license": "Test license",
                "homepage": "https://pleroma.social", "fallback_src": "",
                **inline([{"id": str(blank.pk), "pack": str(pack.pk), "shortcode": "renamed",
                           "filename": "sub/renamed.png", "tags_text": "Fun"},
                          {"id": str(gone.pk), "pack": str(pack.pk), "shortcode": "gone",
                           "filename": "gone.png", "tags_text": "", "DELETE": "on"}], initial=2)}
        response = staff.post(f"{CHANGELIST}{pack.pk}/change/", data)
        assert response.status_code == 302, _errors(response)
        assert manifest(settings, "test_pack") == {
            "files": {"renamed": "sub/renamed.png"},
            "pack": {"description": "Test description", "license": "Test license",
                     "homepage": "https://pleroma.social", "share-files": False},
            "files_count": 1}
        assert (settings.EMOJI_DIR / "test_pack/sub/renamed.png").exists()
        assert not (settings.EMOJI_DIR / "test_pack/gone.png").exists()
        assert [e["shortcode"] for e in staff.get("/api/v1/custom_emojis").json()] == ["renamed"]
        assert staff.get("/api/v1/custom_emojis").json()[0]["category"] == "pack:test_pack,Fun"

    def test_shows_a_service_refusal_as_a_message(self, staff, make_pack):
        pack = make_pack("test_pack", {"blank": "blank.png"})
        data = {"description": "", "license": "", "homepage": "", "fallback_src": "",
                **inline([{"shortcode": "x", "filename": "x.png", "tags_text": "",
                           "upload": SimpleUploadedFile("x.png", b"not an image", "image/png")}])}
        response = staff.post(f"{CHANGELIST}{pack.pk}/change/", data, follow=True)
        assert b"File is not an image" in response.content
        assert not Emoji.objects.filter(shortcode="x").exists()

    def test_refuses_a_pack_name_outside_the_emoji_directory(self, staff):
        response = staff.post(f"{CHANGELIST}add/", {"name": "../escape", **inline([])})
        assert response.status_code == 200
        assert b"invalid pack name" in response.content
        assert not EmojiPack.objects.exists()

    def test_deletes_a_pack_with_its_directory(self, staff, make_pack, settings):
        pack = make_pack("test_pack", {"blank": "blank.png"})
        response = staff.post(f"{CHANGELIST}{pack.pk}/delete/", {"post": "yes"})
        assert response.status_code == 302
        assert not EmojiPack.objects.exists()
        assert not (settings.EMOJI_DIR / "test_pack").exists()

    def test_imports_pack_directories_from_disk(self, staff, settings):
        (settings.EMOJI_DIR / "dropped").mkdir(parents=True)
        (settings.EMOJI_DIR / "dropped/smile.png").write_bytes(png())
        response = staff.post(f"{CHANGELIST}import/", follow=True)
        assert b"Imported: dropped." in response.content
        assert Emoji.objects.get().shortcode == "smile"

    def test_is_closed_to_non_staff(self, data_dir):
        client = Client()
        client.force_login(UserFactory())
        assert client.get(CHANGELIST).status_code == 302


class TestEmojiAdmin:
    """/admin/emoji/emoji/"""

    def test_lists_emoji_and_deletes_through_the_service(self, staff, make_pack, settings):
        make_pack("test_pack", {"blank": "blank.png"})
        emoji = Emoji.objects.get()
        assert b'src="/emoji/test_pack/blank.png"' in staff.get("/admin/emoji/emoji/").content
        response = staff.post(f"/admin/emoji/emoji/{emoji.pk}/delete/", {"post": "yes"})
        assert response.status_code == 302
        assert not (settings.EMOJI_DIR / "test_pack/blank.png").exists()
        assert manifest(settings, "test_pack")["files"] == {}
