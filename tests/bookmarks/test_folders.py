"""Bookmark folders: /api/v1/pleroma/bookmark_folders."""

from __future__ import annotations

import pytest

from bookmarks.models import BookmarkFolder
from core import ids
from tests.factories import UserFactory

FOLDERS = "/api/v1/pleroma/bookmark_folders"


def folder_url(folder) -> str:
    return f"{FOLDERS}/{ids.encode(folder.pk)}"


class TestListFolders:
    """GET /api/v1/pleroma/bookmark_folders"""

    def test_lists_the_callers_folders_in_creation_order(self, api):
        client = api(scopes=["read:bookmarks"])
        first = BookmarkFolder.objects.create(owner=client.user, name="Bookmark folder")
        second = BookmarkFolder.objects.create(owner=client.user, name="Later", emoji="🕓")
        BookmarkFolder.objects.create(owner=UserFactory(), name="Not mine")
        response = client.get(FOLDERS)
        assert response.status_code == 200
        assert response.json() == [
            {"id": ids.encode(first.pk), "name": "Bookmark folder", "emoji": None, "emoji_url": None},
            {"id": ids.encode(second.pk), "name": "Later", "emoji": "🕓", "emoji_url": None},
        ]

    def test_refuses_a_token_without_read_bookmarks(self, api):
        response = api(scopes=["write:bookmarks"]).get(FOLDERS)
        assert response.status_code == 403
        assert response.json() == {"error": "Insufficient permissions: read:bookmarks."}

    def test_refuses_anonymous_callers(self, anon):
        response = anon.get(FOLDERS)
        assert response.status_code == 403
        assert response.json() == {"error": "Invalid credentials."}


class TestCreateFolder:
    """POST /api/v1/pleroma/bookmark_folders"""

    def test_creates_a_folder_owned_by_the_caller(self, api):
        client = api(scopes=["write:bookmarks"])
        response = client.post(FOLDERS, {"name": "Reading"})
        assert response.status_code == 200
        folder = BookmarkFolder.objects.get(owner=client.user)
        assert response.json() == {"id": ids.encode(folder.pk), "name": "Reading", "emoji": None,
                                   "emoji_url": None}

    def test_accepts_a_unicode_emoji_as_json(self, api):
        client = api(scopes=["write:bookmarks"])
        response = client.post(FOLDERS, {"name": "Files", "emoji": "📁"}, format="json")
        assert response.status_code == 200
        assert response.json()["emoji"] == "📁"
        assert response.json()["emoji_url"] is None

    def test_fully_qualifies_an_unqualified_emoji(self, api):
        client = api(scopes=["write:bookmarks"])
        response = client.post(FOLDERS, {"name": "Love", "emoji": "\u2764"}, format="json")
        assert response.status_code == 200
        assert response.json()["emoji"] == "\u2764\ufe0f"

    def test_accepts_a_local_custom_emoji_with_its_url(self, api, settings):
        from emoji.models import Emoji, EmojiPack

        pack = EmojiPack.objects.create(name="browsers")
        Emoji.objects.create(pack=pack, shortcode="firefox", filename="Firefox.gif")
        client = api(scopes=["write:bookmarks", "read:bookmarks"])
        for spelling in (":firefox:", "firefox"):
            response = client.post(FOLDERS, {"name": spelling, "emoji": spelling}, format="json")
            assert response.status_code == 200
            assert response.json()["emoji"] == ":firefox:"
            assert response.json()["emoji_url"] == f"{settings.PLEROMA_URL}/emoji/browsers/Firefox.gif"
        Emoji.objects.all().delete()
        assert [f["emoji_url"] for f in client.get(FOLDERS).json()] == [None, None]

    @pytest.mark.parametrize("emoji", ["not an emoji", "📁📁", ":unknown_custom:"])
    def test_refuses_anything_but_one_emoji(self, api, emoji):
        client = api(scopes=["write:bookmarks"])
        response = client.post(FOLDERS, {"name": "Files", "emoji": emoji}, format="json")
        assert response.status_code == 422
        assert response.json() == {"error": "Invalid emoji"}
        assert not BookmarkFolder.objects.exists()

    def test_refuses_a_blank_name(self, api):
        client = api(scopes=["write:bookmarks"])
        response = client.post(FOLDERS, {"name": ""})
        assert response.status_code == 422
        assert response.json() == {"error": "can't be blank"}
        assert api(scopes=["write:bookmarks"]).post(FOLDERS, {}).json() == {"error": "can't be blank"}

    def test_refuses_a_name_the_caller_already_uses(self, api):
        client = api(scopes=["write:bookmarks"])
        BookmarkFolder.objects.create(owner=client.user, name="Reading")
        response = client.post(FOLDERS, {"name": "Reading"})
        assert response.status_code == 422
        assert response.json() == {"error": "has already been taken"}
        assert BookmarkFolder.objects.filter(owner=client.user).count() == 1

    def test_allows_a_name_another_user_uses(self, api):
        BookmarkFolder.objects.create(owner=UserFactory(), name="Reading")
        response = api(scopes=["write:bookmarks"]).post(FOLDERS, {"name": "Reading"})
        assert response.status_code == 200

    def test_refuses_a_read_only_token(self, api):
        response = api(scopes=["read"]).post(FOLDERS, {"name": "Reading"})
        assert response.status_code == 403
        assert response.json() == {"error": "Insufficient permissions: write:bookmarks."}


class TestUpdateFolder:
    """PATCH /api/v1/pleroma/bookmark_folders/:id"""

    def test_renames_a_folder(self, api):
        client = api(scopes=["write:bookmarks"])
        folder = BookmarkFolder.objects.create(owner=client.user, name="Old", emoji="📁")
        response = client.patch(folder_url(folder), {"name": "New", "emoji": "📁"}, format="json")
        assert response.status_code == 200
        assert response.json() == {"id": ids.encode(folder.pk), "name": "New", "emoji": "📁",
                                   "emoji_url": None}
        folder.refresh_from_db()
        assert (folder.name, folder.emoji) == ("New", "📁")

    def test_keeps_the_name_when_omitted_and_clears_an_omitted_emoji(self, api):
        client = api(scopes=["write:bookmarks"])
        folder = BookmarkFolder.objects.create(owner=client.user, name="Old", emoji="📁")
        response = client.patch(folder_url(folder), {}, format="json")
        assert response.status_code == 200
        assert response.json()["name"] == "Old"
        assert response.json()["emoji"] is None

    def test_refuses_a_name_of_another_own_folder(self, api):
        client = api(scopes=["write:bookmarks"])
        BookmarkFolder.objects.create(owner=client.user, name="Taken")
        folder = BookmarkFolder.objects.create(owner=client.user, name="Mine")
        response = client.patch(folder_url(folder), {"name": "Taken"}, format="json")
        assert response.status_code == 422
        assert response.json() == {"error": "has already been taken"}
        folder.refresh_from_db()
        assert folder.name == "Mine"

    def test_refuses_an_invalid_emoji(self, api):
        client = api(scopes=["write:bookmarks"])
        folder = BookmarkFolder.objects.create(owner=client.user, name="Mine")
        response = client.patch(folder_url(folder), {"name": "Mine", "emoji": "nope"}, format="json")
        assert response.status_code == 422
        assert response.json() == {"error": "Invalid emoji"}

    def test_refuses_someone_elses_folder(self, api):
        folder = BookmarkFolder.objects.create(owner=UserFactory(), name="Theirs")
        response = api(scopes=["write:bookmarks"]).patch(folder_url(folder), {"name": "Mine"})
        assert response.status_code == 403
        assert response.json() == {"error": "Access denied"}
        folder.refresh_from_db()
        assert folder.name == "Theirs"

    @pytest.mark.parametrize("junk", ["AAAAAAAAAAAAAAAAAA", "not-an-id!"])
    def test_refuses_a_missing_folder_as_pleroma_does(self, api, junk):
        response = api(scopes=["write:bookmarks"]).patch(f"{FOLDERS}/{junk}", {"name": "x"})
        assert response.status_code == 403
        assert response.json() == {"error": "Access denied"}

    def test_refuses_a_read_only_token(self, api):
        client = api(scopes=["read:bookmarks"])
        folder = BookmarkFolder.objects.create(owner=client.user, name="Mine")
        response = client.patch(folder_url(folder), {"name": "x"})
        assert response.status_code == 403
        assert response.json() == {"error": "Insufficient permissions: write:bookmarks."}


class TestDeleteFolder:
    """DELETE /api/v1/pleroma/bookmark_folders/:id"""

    def test_deletes_the_folder_and_returns_it(self, api):
        client = api(scopes=["write:bookmarks"])
        folder = BookmarkFolder.objects.create(owner=client.user, name="Gone")
        response = client.delete(folder_url(folder))
        assert response.status_code == 200
        assert response.json() == {"id": ids.encode(folder.pk), "name": "Gone", "emoji": None,
                                   "emoji_url": None}
        assert not BookmarkFolder.objects.filter(owner=client.user).exists()

    def test_refuses_someone_elses_folder(self, api):
        folder = BookmarkFolder.objects.create(owner=UserFactory(), name="Theirs")
        response = api(scopes=["write:bookmarks"]).delete(folder_url(folder))
        assert response.status_code == 403
        assert response.json() == {"error": "Access denied"}
        assert BookmarkFolder.objects.filter(pk=folder.pk).exists()
