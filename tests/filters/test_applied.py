"""The viewer's filters over what they read: `filtered` (warn) and left out (hide), per
context, in home, public, hashtag, account, thread and notifications; expiry, whole words,
case, what text is matched; Link cursors and the cost of a page."""

import datetime
import re

import pytest
from django.utils import timezone

from core import ids
from filters import services as filter_services
from filters.models import Filter
from notifications.services import notify
from relationships.models import Follow
from statuses import services
from statuses.models import MediaAttachment
from tests.factories import UserFactory


@pytest.fixture
def viewer(api):
    return api(scopes=["read", "write"])


@pytest.fixture
def author(viewer):
    author = UserFactory()
    Follow.objects.create(follower=viewer.user, followed=author, state="accept")
    return author


def make_filter(client, keyword="spoiler", *, context=("home",), action="warn", whole_word=True, **fields):
    return filter_services.create_filter(client.user, title=keyword.title(), context=list(context), action=action,
                                         keywords=[{"keyword": keyword, "whole_word": whole_word}], **fields)


def ids_of(response):
    return [s["id"] for s in response.json()]


def by_id(response):
    return {s["id"]: s for s in response.json()}


class TestHome:
    """GET /api/v1/timelines/home with filters"""

    def test_a_warn_filter_sets_filtered(self, viewer, author):
        matching = services.create_status(author, text="Big SPOILER ahead")
        plain = services.create_status(author, text="nothing here")
        f = make_filter(viewer)
        statuses = by_id(viewer.get("/api/v1/timelines/home"))
        result = statuses[ids.encode(matching.pk)]["filtered"]
        assert result == [{"filter": {"id": ids.encode(f.pk), "title": "Spoiler", "context": ["home"],
                                      "expires_at": None, "filter_action": "warn"},
                           "keyword_matches": ["spoiler"], "status_matches": None}]
        assert statuses[ids.encode(plain.pk)]["filtered"] == []

    def test_a_hide_filter_leaves_the_status_out_and_keeps_the_cursors(self, viewer, author):
        oldest = services.create_status(author, text="first")
        hidden = services.create_status(author, text="a spoiler")
        newest = services.create_status(author, text="last")
        make_filter(viewer, action="hide")
        response = viewer.get("/api/v1/timelines/home", {"limit": 3})
        assert ids_of(response) == [ids.encode(newest.pk), ids.encode(oldest.pk)]
        assert f"max_id={ids.encode(oldest.pk)}" in response["Link"]
        edge = viewer.get("/api/v1/timelines/home", {"limit": 2})
        assert ids_of(edge) == [ids.encode(newest.pk)]  # shorter than the limit, as Mastodon
        assert f"max_id={ids.encode(hidden.pk)}" in edge["Link"]
        assert hidden.pk  # the status stands; only this viewer's list leaves it out

    def test_a_v1_irreversible_filter_hides(self, viewer, author):
        services.create_status(author, text="a spoiler")
        response = viewer.post("/api/v1/filters", {"phrase": "spoiler", "context[]": "home", "irreversible": True},
                               format="json")
        assert response.status_code == 200
        assert viewer.get("/api/v1/timelines/home").json() == []

    def test_filters_of_other_contexts_do_not_apply(self, viewer, author):
        status = services.create_status(author, text="a spoiler")
        make_filter(viewer, context=("public",), action="hide")
        assert by_id(viewer.get("/api/v1/timelines/home"))[ids.encode(status.pk)]["filtered"] == []

    def test_an_expired_filter_is_ignored(self, viewer, author):
        status = services.create_status(author, text="a spoiler")
        f = make_filter(viewer, action="hide")
        Filter.objects.filter(pk=f.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
        from filters.matching import forget
        forget(viewer.user.pk)
        assert ids_of(viewer.get("/api/v1/timelines/home")) == [ids.encode(status.pk)]

    def test_whole_word_is_honoured(self, viewer, author):
        inside = services.create_status(author, text="spoilers everywhere")
        make_filter(viewer, whole_word=True)
        assert by_id(viewer.get("/api/v1/timelines/home"))[ids.encode(inside.pk)]["filtered"] == []
        make_filter(viewer, "spoil", whole_word=False)
        result = by_id(viewer.get("/api/v1/timelines/home"))[ids.encode(inside.pk)]["filtered"]
        assert [r["keyword_matches"] for r in result] == [["spoil"]]

    def test_matches_spoiler_text_media_descriptions_and_not_html(self, viewer, author):
        warned = services.create_status(author, text="body", spoiler_text="Spoiler warning")
        described = services.create_status(author, text="a picture")
        MediaAttachment.objects.create(account=author, status=described, type="image", mime_type="image/png",
                                       file="attachments/x.png", description="the spoiler scene")
        markup = services.create_status(author, text="<b>nothing</b>", content_type="text/html")
        make_filter(viewer, action="hide")
        make_filter(viewer, "b", action="hide")
        assert ids_of(viewer.get("/api/v1/timelines/home")) == [ids.encode(markup.pk)]
        assert warned.pk and described.pk

    def test_a_status_filter_matches_the_status_and_its_reblogs(self, viewer, author):
        original = services.create_status(UserFactory(), text="ordinary")
        reblog = services.reblog(author, original)
        f = filter_services.create_filter(viewer.user, title="That one", context=["home"])
        filter_services.add_status(viewer.user, ids.encode(f.pk), status_id=ids.encode(original.pk))
        body = by_id(viewer.get("/api/v1/timelines/home"))[ids.encode(reblog.pk)]
        assert body["filtered"][0]["status_matches"] == [ids.encode(original.pk)]
        assert body["reblog"]["filtered"] == body["filtered"]

    def test_a_change_applies_to_the_next_page(self, viewer, author):
        status = services.create_status(author, text="a spoiler")
        assert by_id(viewer.get("/api/v1/timelines/home"))[ids.encode(status.pk)]["filtered"] == []
        created = viewer.post("/api/v2/filters", {"title": "S", "context": ["home"], "filter_action": "hide",
                                                  "keywords_attributes": [{"keyword": "spoiler"}]}, format="json")
        assert viewer.get("/api/v1/timelines/home").json() == []
        viewer.delete(f"/api/v2/filters/{created.json()['id']}")
        assert ids_of(viewer.get("/api/v1/timelines/home")) == [ids.encode(status.pk)]

    def test_filters_cost_no_query_once_cached(self, viewer, author, django_assert_max_num_queries):
        for n in range(20):
            services.create_status(author, text=f"spoiler {n}" if n % 2 else f"plain {n}")
        make_filter(viewer)
        make_filter(viewer, "plain", action="hide")
        with django_assert_max_num_queries(11):
            first = viewer.get("/api/v1/timelines/home", {"limit": 20})
        assert len(first.json()) == 10
        assert all(s["filtered"] for s in first.json())
        with django_assert_max_num_queries(4):  # token, follows, the page, the viewer's flags
            assert viewer.get("/api/v1/timelines/home", {"limit": 20}).json() == first.json()

    def test_anonymous_pages_carry_no_filtered(self, anon, viewer, author):
        services.create_status(author, text="a spoiler")
        make_filter(viewer, context=("public",), action="hide")
        assert "filtered" not in anon.get("/api/v1/timelines/public").json()[0]


class TestOtherTimelines:
    """GET /api/v1/timelines/public, /api/v1/timelines/tag/:tag, /api/v1/accounts/:id/statuses,
    /api/v1/statuses/:id/context with filters"""

    def test_public_and_hashtag_use_the_public_context(self, viewer, author):
        hidden = services.create_status(author, text="a spoiler #show")
        shown = services.create_status(author, text="fine #show")
        make_filter(viewer, context=("public",), action="hide")
        assert ids_of(viewer.get("/api/v1/timelines/public")) == [ids.encode(shown.pk)]
        assert ids_of(viewer.get("/api/v1/timelines/tag/show")) == [ids.encode(shown.pk)]
        assert ids.encode(hidden.pk) in ids_of(viewer.get("/api/v1/timelines/home"))

    def test_account_statuses_use_the_account_context(self, viewer, author):
        services.create_status(author, text="a spoiler")
        make_filter(viewer, context=("account",), action="hide")
        assert viewer.get(f"/api/v1/accounts/{ids.encode(author.pk)}/statuses").json() == []
        assert len(viewer.get("/api/v1/timelines/home").json()) == 1

    def test_threads_use_the_thread_context(self, viewer, author):
        root = services.create_status(author, text="root")
        hidden = services.create_status(author, text="a spoiler", in_reply_to=root)
        warned = services.create_status(author, text="more spoiler talk", in_reply_to=root)
        services.create_status(author, text="fine", in_reply_to=root)
        make_filter(viewer, context=("thread",), action="hide")
        make_filter(viewer, "talk", context=("thread",))
        body = viewer.get(f"/api/v1/statuses/{ids.encode(root.pk)}/context").json()
        descendants = [s["id"] for s in body["descendants"]]
        assert ids.encode(hidden.pk) not in descendants and len(descendants) == 1
        body = viewer.get(f"/api/v1/statuses/{ids.encode(hidden.pk)}/context").json()
        assert [s["id"] for s in body["ancestors"]] == [ids.encode(root.pk)]
        assert warned.pk

    def test_a_single_status_shows_every_matching_filter(self, viewer, author):
        status = services.create_status(author, text="a spoiler")
        make_filter(viewer, context=("public",), action="hide")
        body = viewer.get(f"/api/v1/statuses/{ids.encode(status.pk)}").json()
        assert [r["filter"]["context"] for r in body["filtered"]] == [["public"]]


class TestNotifications:
    """GET /api/v1/notifications with filters"""

    def test_hides_notifications_whose_status_matches(self, viewer):
        mine = services.create_status(viewer.user, text="my spoiler")
        other = services.create_status(viewer.user, text="fine")
        fan = UserFactory()
        hidden = notify(viewer.user, fan, "favourite", status=mine)
        shown = notify(viewer.user, fan, "favourite", status=other)
        followed = notify(viewer.user, UserFactory(), "follow")
        make_filter(viewer, context=("notifications",), action="hide")
        response = viewer.get("/api/v1/notifications", {"limit": 3})
        assert ids_of(response) == [ids.encode(followed.pk), ids.encode(shown.pk)]
        assert re.search(rf"max_id={ids.encode(hidden.pk)}", response["Link"])

    def test_warns_in_the_notifications_context_only(self, viewer):
        mine = services.create_status(viewer.user, text="my spoiler")
        notify(viewer.user, UserFactory(), "favourite", status=mine)
        make_filter(viewer, context=("notifications",))
        make_filter(viewer, context=("home",), action="hide")
        body = viewer.get("/api/v1/notifications").json()
        assert [r["filter"]["context"] for r in body[0]["status"]["filtered"]] == [["notifications"]]
