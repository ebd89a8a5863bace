"""Bookmarks: POST /api/v1/statuses/:id/(un)bookmark and GET /api/v1/bookmarks."""

from __future__ import annotations

import pytest

from bookmarks.models import Bookmark, BookmarkFolder
from core import ids
from statuses.models import Status
from tests.factories import StatusFactory, UserFactory

BOOKMARKS = "/api/v1/bookmarks"


def bookmark_url(status, verb="bookmark") -> str:
    return f"/api/v1/statuses/{ids.encode(status.pk)}/{verb}"


class TestBookmark:
    """POST /api/v1/statuses/:id/bookmark"""

    def test_bookmarks_a_status_and_returns_it(self, api):
        client = api(scopes=["write:bookmarks"])
        status = StatusFactory()
        response = client.post(bookmark_url(status))
        assert response.status_code == 200
        body = response.json()
        assert body["id"] == ids.encode(status.pk)
        assert body["bookmarked"] is True
        assert body["pleroma"]["bookmark_folder"] is None
        assert Bookmark.objects.filter(user=client.user, status=status, folder=None).exists()

    def test_files_the_bookmark_into_a_folder(self, api):
        client = api(scopes=["write:bookmarks"])
        folder = BookmarkFolder.objects.create(owner=client.user, name="Later")
        status = StatusFactory()
        response = client.post(bookmark_url(status), {"folder_id": ids.encode(folder.pk)})
        assert response.status_code == 200
        assert response.json()["pleroma"]["bookmark_folder"] == ids.encode(folder.pk)
        assert Bookmark.objects.get(user=client.user, status=status).folder == folder

    def test_bookmarking_again_moves_the_bookmark_and_keeps_its_place(self, api):
        client = api(scopes=["write:bookmarks"])
        folder = BookmarkFolder.objects.create(owner=client.user, name="Later")
        status = StatusFactory()
        client.post(bookmark_url(status))
        first = Bookmark.objects.get(user=client.user, status=status)
        moved = client.post(bookmark_url(status), {"folder_id": ids.encode(folder.pk)}, format="json")
        assert moved.json()["pleroma"]["bookmark_folder"] == ids.encode(folder.pk)
        unfiled = client.post(bookmark_url(status))
        assert unfiled.json()["pleroma"]["bookmark_folder"] is None
        assert list(Bookmark.objects.filter(user=client.user).values_list("pk", flat=True)) == [first.pk]

    def test_ignores_someone_elses_folder(self, api):
        client = api(scopes=["write:bookmarks"])
        theirs = BookmarkFolder.objects.create(owner=UserFactory(), name="Theirs")
        status = StatusFactory()
        response = client.post(bookmark_url(status), {"folder_id": ids.encode(theirs.pk)})
        assert response.status_code == 200
        assert response.json()["pleroma"]["bookmark_folder"] is None
        assert Bookmark.objects.get(user=client.user, status=status).folder is None

    def test_refuses_an_invisible_status_as_missing(self, api):
        client = api(scopes=["write:bookmarks"])
        hidden = StatusFactory(visibility="direct")
        for url in (bookmark_url(hidden), "/api/v1/statuses/nope/bookmark"):
            response = client.post(url)
            assert response.status_code == 404
            assert response.json() == {"error": "Record not found"}
        assert not Bookmark.objects.exists()

    def test_refuses_a_read_only_token(self, api):
        response = api(scopes=["read"]).post(bookmark_url(StatusFactory()))
        assert response.status_code == 403
        assert response.json() == {"error": "Insufficient permissions: write:bookmarks."}


class TestUnbookmark:
    """POST /api/v1/statuses/:id/unbookmark"""

    def test_removes_the_bookmark(self, api):
        client = api(scopes=["write:bookmarks", "read:bookmarks"])
        status = StatusFactory()
        client.post(bookmark_url(status))
        response = client.post(bookmark_url(status, "unbookmark"))
        assert response.status_code == 200
        assert response.json()["bookmarked"] is False
        assert not Bookmark.objects.filter(user=client.user).exists()
        assert client.get(BOOKMARKS).json() == []

    def test_refuses_a_token_without_write_bookmarks(self, api):
        response = api(scopes=["read"]).post(bookmark_url(StatusFactory(), "unbookmark"))
        assert response.status_code == 403
        assert response.json() == {"error": "Insufficient permissions: write:bookmarks."}


class TestListBookmarks:
    """GET /api/v1/bookmarks"""

    def test_lists_newest_bookmark_first_whatever_the_status_age(self, api):
        client = api(scopes=["read:bookmarks", "write:bookmarks"])
        old, new = StatusFactory(), StatusFactory()
        client.post(bookmark_url(new))
        client.post(bookmark_url(old))
        response = client.get(BOOKMARKS)
        assert response.status_code == 200
        assert [s["id"] for s in response.json()] == [ids.encode(old.pk), ids.encode(new.pk)]
        assert all(s["bookmarked"] for s in response.json())

    def test_pages_on_bookmark_ids_with_a_link_header(self, api):
        client = api(scopes=["read:bookmarks", "write:bookmarks"])
        statuses = [StatusFactory() for _ in range(3)]
        for status in statuses:
            client.post(bookmark_url(status))
        marks = list(Bookmark.objects.filter(user=client.user).order_by("-id"))
        first = client.get(BOOKMARKS, {"limit": 2})
        assert [s["id"] for s in first.json()] == [ids.encode(statuses[2].pk), ids.encode(statuses[1].pk)]
        assert f"max_id={ids.encode(marks[1].pk)}" in first["Link"]
        assert f"min_id={ids.encode(marks[0].pk)}" in first["Link"]
        rest = client.get(BOOKMARKS, {"limit": 2, "max_id": ids.encode(marks[1].pk)})
        assert [s["id"] for s in rest.json()] == [ids.encode(statuses[0].pk)]

    def test_filters_by_folder(self, api):
        client = api(scopes=["read:bookmarks", "write:bookmarks"])
        folder = BookmarkFolder.objects.create(owner=client.user, name="Later")
        filed, loose = StatusFactory(), StatusFactory()
        client.post(bookmark_url(filed), {"folder_id": ids.encode(folder.pk)})
        client.post(bookmark_url(loose))
        response = client.get(BOOKMARKS, {"folder_id": ids.encode(folder.pk)})
        assert [s["id"] for s in response.json()] == [ids.encode(filed.pk)]
        assert response.json()[0]["pleroma"]["bookmark_folder"] == ids.encode(folder.pk)
        assert f"folder_id={ids.encode(folder.pk)}" in response["Link"]
        client.post(bookmark_url(loose), {"folder_id": ids.encode(folder.pk)})
        assert len(client.get(BOOKMARKS, {"folder_id": ids.encode(folder.pk)}).json()) == 2
        assert client.get(BOOKMARKS, {"folder_id": "junk!"}).json() == []

    def test_someone_elses_folder_lists_nothing(self, api):
        client = api(scopes=["read:bookmarks", "write:bookmarks"])
        other = UserFactory()
        theirs = BookmarkFolder.objects.create(owner=other, name="Theirs")
        Bookmark.objects.create(user=other, status=StatusFactory(), folder=theirs)
        assert client.get(BOOKMARKS, {"folder_id": ids.encode(theirs.pk)}).json() == []

    def test_deleting_a_folder_keeps_its_bookmarks_unfiled(self, api):
        client = api(scopes=["read:bookmarks", "write:bookmarks"])
        folder = BookmarkFolder.objects.create(owner=client.user, name="Later")
        status = StatusFactory()
        client.post(bookmark_url(status), {"folder_id": ids.encode(folder.pk)})
        client.delete(f"/api/v1/pleroma/bookmark_folders/{ids.encode(folder.pk)}")
        listed = client.get(BOOKMARKS).json()
        assert [s["id"] for s in listed] == [ids.encode(status.pk)]
        assert listed[0]["pleroma"]["bookmark_folder"] is None

    def test_hides_statuses_no_longer_visible(self, api):
        client = api(scopes=["read:bookmarks", "write:bookmarks"])
        status = StatusFactory()
        client.post(bookmark_url(status))
        Status.objects.filter(pk=status.pk).update(visibility="direct")
        assert client.get(BOOKMARKS).json() == []

    def test_refuses_a_token_without_read_bookmarks(self, api):
        response = api(scopes=["write"]).get(BOOKMARKS)
        assert response.status_code == 403
        assert response.json() == {"error": "Insufficient permissions: read:bookmarks."}

    @pytest.mark.parametrize("size", [1, 25])
    def test_renders_a_page_in_constant_queries(self, api, size, django_assert_max_num_queries):
        client = api(scopes=["read:bookmarks"])
        folder = BookmarkFolder.objects.create(owner=client.user, name="Later")
        for i in range(size):
            status = StatusFactory(account=UserFactory())
            Bookmark.objects.create(user=client.user, status=status, folder=folder if i % 2 else None)
        # The same bound for 1 and 25 rows; it has room for the Status loaders of other apps.
        with django_assert_max_num_queries(20):
            response = client.get(BOOKMARKS, {"limit": 40})
        assert len(response.json()) == size


class TestStatusEntityBookmarkFields:
    """GET /api/v1/statuses/:id (bookmarked, pleroma.bookmark_folder)"""

    def test_shows_the_viewers_bookmark_and_folder(self, api):
        client = api(scopes=["read", "write"])
        folder = BookmarkFolder.objects.create(owner=client.user, name="Later")
        status = StatusFactory()
        Bookmark.objects.create(user=client.user, status=status, folder=folder)
        body = client.get(f"/api/v1/statuses/{ids.encode(status.pk)}").json()
        assert body["bookmarked"] is True
        assert body["pleroma"]["bookmark_folder"] == ids.encode(folder.pk)
        other = api(scopes=["read"]).get(f"/api/v1/statuses/{ids.encode(status.pk)}").json()
        assert (other["bookmarked"], other["pleroma"]["bookmark_folder"]) == (False, None)

    def test_anonymous_viewers_see_no_bookmark(self, anon):
        status = StatusFactory()
        Bookmark.objects.create(user=UserFactory(), status=status)
        body = anon.get(f"/api/v1/statuses/{ids.encode(status.pk)}").json()
        assert (body["bookmarked"], body["pleroma"]["bookmark_folder"]) == (False, None)

    def test_a_reblog_shows_the_bookmark_of_the_reblogged_status(self, api):
        from statuses.services import reblog

        client = api(scopes=["read", "write"])
        folder = BookmarkFolder.objects.create(owner=client.user, name="Later")
        original = StatusFactory()
        boost = reblog(UserFactory(), original)
        Bookmark.objects.create(user=client.user, status=original, folder=folder)
        body = client.get(f"/api/v1/statuses/{ids.encode(boost.pk)}").json()
        assert body["reblog"]["id"] == ids.encode(original.pk)
        assert body["bookmarked"] is True and body["reblog"]["bookmarked"] is True
        assert body["pleroma"]["bookmark_folder"] == ids.encode(folder.pk)
