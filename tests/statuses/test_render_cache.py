"""The render cache (core.render_cache, statuses.rendering): pages are served from cached
entries, and every change a client can see drops the entries that show it."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from core import ids, render_cache
from emoji import registry
from emoji.models import Emoji, EmojiPack
from relationships.models import Follow
from statuses import services
from statuses.entities import base_entries
from statuses.models import Status
from statuses.rendering import STATUS
from tests.factories import UserFactory
from tests.statuses.conftest import png_bytes


def cached(kind, pk) -> bool:
    return pk in render_cache.get_many(kind, [pk])[0]


def enc(obj) -> str:
    """The API id of a status or an account."""
    return ids.encode(obj.pk)


def show(client, status):
    response = client.get(f"/api/v1/statuses/{enc(status)}")
    assert response.status_code == 200, response.content
    return response.json()


@pytest.fixture
def author():
    return UserFactory()


class TestCachedPages:
    def test_a_rendered_status_is_stored_and_served_again(self, anon, author):
        status = services.create_status(author, text="hello")
        assert not cached(STATUS, status.pk)
        first = show(anon, status)
        assert cached(STATUS, status.pk)
        assert show(anon, status) == first

    def test_warm_home_page_runs_four_queries(self, api, author, django_assert_max_num_queries):
        client = api()
        Follow.objects.create(follower=client.user, followed=author, state="accept")
        for i in range(10):
            services.create_status(author, text=f"status {i}")
        cold = client.get("/api/v1/timelines/home")
        # token, follows, the page's ids, the viewer's flags; statuses and accounts from Redis
        with django_assert_max_num_queries(4):
            warm = client.get("/api/v1/timelines/home")
        assert warm.json() == cold.json() and len(warm.json()) == 10

    def test_warm_public_page_runs_one_query_for_anonymous(self, anon, author, django_assert_max_num_queries):
        for i in range(10):
            services.create_status(author, text=f"status {i}")
        cold = anon.get("/api/v1/timelines/public")
        with django_assert_max_num_queries(1):
            warm = anon.get("/api/v1/timelines/public")
        assert warm.json() == cold.json()

    def test_viewer_flags_are_per_viewer(self, api, author):
        status = services.create_status(author, text="hello")
        fan, other = api(), api()
        assert fan.post(f"/api/v1/statuses/{enc(status)}/favourite").status_code == 200
        assert fan.post(f"/api/v1/statuses/{enc(status)}/bookmark").status_code == 200
        mine, theirs = show(fan, status), show(other, status)
        assert (mine["favourited"], mine["bookmarked"]) == (True, True)
        assert (theirs["favourited"], theirs["bookmarked"]) == (False, False)
        assert mine["favourites_count"] == theirs["favourites_count"] == 1

    def test_own_account_shows_owner_fields_others_do_not(self, api):
        client = api()
        status = services.create_status(client.user, text="mine")
        assert "source" in show(client, status)["account"]
        assert "follow_requests_count" in show(client, status)["account"]
        assert "follow_requests_count" not in show(api(), status)["account"]


class TestChangesShowAtOnce:
    def test_counters(self, api, anon, author):
        status = services.create_status(author, text="hello")
        assert show(anon, status)["favourites_count"] == 0
        fan = api()
        fan.post(f"/api/v1/statuses/{enc(status)}/favourite")
        fan.post(f"/api/v1/statuses/{enc(status)}/reblog")
        services.create_status(fan.user, text="reply", in_reply_to=status)
        shown = show(anon, status)
        assert (shown["favourites_count"], shown["reblogs_count"], shown["replies_count"]) == (1, 1, 1)
        fan.post(f"/api/v1/statuses/{enc(status)}/unfavourite")
        assert show(anon, status)["favourites_count"] == 0

    def test_account_counters_and_profile(self, api, anon):
        client = api()
        status = services.create_status(client.user, text="one")
        assert show(anon, status)["account"]["statuses_count"] == 1
        services.create_status(client.user, text="two")
        assert show(anon, status)["account"]["statuses_count"] == 2
        follower = api()
        assert follower.post(f"/api/v1/accounts/{enc(client.user)}/follow").status_code == 200
        assert show(anon, status)["account"]["followers_count"] == 1
        client.patch("/api/v1/accounts/update_credentials", {"display_name": "Renamed"}, format="json")
        assert show(anon, status)["account"]["display_name"] == "Renamed"

    def test_reactions_and_blocked_reactors(self, api, anon, author):
        status = services.create_status(author, text="hello")
        assert show(anon, status)["pleroma"]["emoji_reactions"] == []
        fan, viewer = api(), api()
        assert fan.put(f"/api/v1/pleroma/statuses/{enc(status)}/reactions/👍").status_code == 200
        assert show(anon, status)["pleroma"]["emoji_reactions"][0]["count"] == 1
        assert viewer.put(f"/api/v1/pleroma/statuses/{enc(status)}/reactions/👍").status_code == 200
        mine = show(viewer, status)["pleroma"]["emoji_reactions"]
        assert mine[0]["count"] == 2 and mine[0]["me"] is True
        viewer.post(f"/api/v1/accounts/{enc(fan.user)}/block")
        mine = show(viewer, status)["pleroma"]["emoji_reactions"]
        assert mine[0]["count"] == 1 and mine[0]["account_ids"] == [enc(viewer.user)]
        assert show(anon, status)["pleroma"]["emoji_reactions"][0]["count"] == 2

    def test_media_description(self, api, anon, data_dir):
        client = api()
        upload = client.post("/api/v1/media", {"file": _png(png_bytes())}, format="multipart").json()
        status = services.create_status(client.user, text="pic", media_ids=[upload["id"]])
        assert show(anon, status)["media_attachments"][0]["description"] is None
        client.put(f"/api/v1/media/{upload['id']}", {"description": "a red square"}, format="json")
        assert show(anon, status)["media_attachments"][0]["description"] == "a red square"

    def test_deleted_quote_and_reblog_target(self, api, anon, author):
        quoted = services.create_status(author, text="quoted")
        quoting = services.create_status(author, text="quoting", quote=quoted)
        assert show(anon, quoting)["pleroma"]["quote"]["id"] == enc(quoted)
        services.delete_status(author, quoted)
        shown = show(anon, quoting)
        assert shown["pleroma"]["quote"] is None and shown["pleroma"]["quote_visible"] is False

    def test_custom_emoji_added_later(self, anon, author, data_dir):
        status = services.create_status(author, text="hi :blobcat:")
        assert show(anon, status)["emojis"] == []
        pack = EmojiPack.objects.create(name="blobs")
        Emoji.objects.create(pack=pack, shortcode="blobcat", filename="blobcat.png")
        registry.invalidate()
        assert [e["shortcode"] for e in show(anon, status)["emojis"]] == ["blobcat"]


class TestConsistency:
    def test_nothing_is_stored_from_inside_a_transaction(self, anon, author):
        status = services.create_status(author, text="hello")
        with transaction.atomic():
            show(anon, status)
        assert not cached(STATUS, status.pk)

    def test_a_stale_reader_cannot_store_after_a_commit(self, author, django_capture_on_commit_callbacks):
        status = services.create_status(author, text="hello")
        stale = base_entries([status.pk])  # read before the writer commits
        with django_capture_on_commit_callbacks(execute=True):
            render_cache.forget(STATUS, [status.pk])
        render_cache.put_many(STATUS, stale, 0)
        assert not cached(STATUS, status.pk)

    def test_an_update_through_the_queryset_drops_the_entry(self, anon, author):
        status = services.create_status(author, text="hello")
        show(anon, status)
        Status.objects.filter(pk=status.pk).update(sensitive=True)
        assert not cached(STATUS, status.pk)
        assert show(anon, status)["sensitive"] is True


def _png(data):
    return SimpleUploadedFile("red.png", data, content_type="image/png")


class TestAnonymousPages:
    """Whole anonymous pages are cached while every entry they were built from stands."""

    def public(self, anon):
        response = anon.get("/api/v1/timelines/public")
        assert response.status_code == 200
        return {s["id"]: s for s in response.json()}

    def test_a_refilled_entry_is_a_new_copy(self, api, anon, author):
        status = services.create_status(author, text="hello")
        assert self.public(anon)[enc(status)]["favourites_count"] == 0
        api().post(f"/api/v1/statuses/{enc(status)}/favourite")
        assert show(anon, status)["favourites_count"] == 1  # the entry is stored again
        assert self.public(anon)[enc(status)]["favourites_count"] == 1

    def test_a_deleted_parent(self, anon, author):
        parent = services.create_status(author, text="parent")
        reply = services.create_status(author, text="reply", in_reply_to=parent)
        assert self.public(anon)[enc(reply)]["pleroma"]["parent_visible"] is True
        services.delete_status(author, parent)
        shown = self.public(anon)[enc(reply)]
        assert shown["in_reply_to_id"] is None and shown["pleroma"]["parent_visible"] is False

    def test_a_deactivated_parent_author(self, anon, author):
        other = UserFactory()
        parent = services.create_status(other, text="parent")
        reply = services.create_status(author, text="reply", in_reply_to=parent)
        assert self.public(anon)[enc(reply)]["pleroma"]["parent_visible"] is True
        other.is_active = False
        other.save()
        assert self.public(anon)[enc(reply)]["pleroma"]["parent_visible"] is False

    def test_same_body_as_the_uncached_rendering(self, api, anon, author):
        for i in range(5):
            services.create_status(author, text=f"status {i} #tag")
        cached_page = anon.get("/api/v1/timelines/public").json()
        assert anon.get("/api/v1/timelines/public").json() == cached_page
        assert api().get(f"/api/v1/accounts/{enc(author)}/statuses").json()[0]["content"] \
            == cached_page[0]["content"]
