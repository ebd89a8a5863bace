"""GET /api/v1/pleroma/statuses/:id/quotes (and its /api/pleroma form)."""

import pytest

from core import ids
from relationships.models import Block, Mute
from statuses import services
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def id_list(response):
    assert response.status_code == 200, response.json()
    return [s["id"] for s in response.json()]


def enc(*statuses):
    return [ids.encode(s.pk) for s in statuses]


def quotes_of(status) -> str:
    return f"/api/v1/pleroma/statuses/{ids.encode(status.pk)}/quotes"


class TestStatusQuotes:
    """GET /api/v1/pleroma/statuses/:id/quotes"""

    def test_lists_quotes_newest_first_to_anonymous_callers(self, anon, post, user):
        quoted = post(user, "quote me")
        first = post(UserFactory(), "first", quote=quoted)
        second = post(UserFactory(), "second", quote=quoted)
        post(user, "not a quote")
        post(user, "quotes another", quote=post(user, "other"))
        response = anon.get(quotes_of(quoted))
        assert id_list(response) == enc(second, first)
        body = response.json()[0]
        assert body["pleroma"]["quote_id"] == ids.encode(quoted.pk)
        assert body["pleroma"]["quote"]["id"] == ids.encode(quoted.pk)

    def test_answers_on_the_api_pleroma_path_too(self, anon, post, user):
        quoted = post(user, "quote me")
        quote = post(UserFactory(), "q", quote=quoted)
        assert id_list(anon.get(f"/api/pleroma/statuses/{ids.encode(quoted.pk)}/quotes")) == enc(quote)

    def test_shows_only_the_quotes_the_viewer_may_see(self, api, anon, post, user, follow):
        client = api(scopes=["read:statuses"])
        quoted = post(user, "quote me")
        public = post(UserFactory(), "public", quote=quoted)
        friend = UserFactory()
        follow(client.user, friend)
        for_followers = post(friend, "followers only", quote=quoted, visibility="private")
        stranger_private = post(UserFactory(), "hidden", quote=quoted, visibility="private")
        assert stranger_private.quote_id == quoted.pk
        assert id_list(client.get(quotes_of(quoted))) == enc(for_followers, public)
        assert id_list(anon.get(quotes_of(quoted))) == enc(public)

    def test_leaves_out_blocked_and_muted_authors(self, api, post, user):
        client = api(scopes=["read:statuses"])
        quoted = post(user, "quote me")
        blocked, muted, shown = UserFactory(), UserFactory(), UserFactory()
        post(blocked, "b", quote=quoted)
        post(muted, "m", quote=quoted)
        kept = post(shown, "s", quote=quoted)
        Block.objects.create(blocker=client.user, blocked=blocked)
        Mute.objects.create(muter=client.user, muted=muted)
        assert id_list(client.get(quotes_of(quoted))) == enc(kept)

    def test_is_not_found_when_the_status_is_not_visible(self, api, anon, post, user):
        hidden = post(user, "for followers", visibility="private")
        for client in (anon, api(scopes=["read:statuses"])):
            response = client.get(quotes_of(hidden))
            assert (response.status_code, response.json()) == (404, {"error": "Record not found"})
        response = anon.get("/api/v1/pleroma/statuses/nonsense/quotes")
        assert (response.status_code, response.json()) == (404, {"error": "Record not found"})
        # the author sees their own post (and its quotes, none here)
        assert id_list(api(scopes=["read:statuses"], user=user).get(quotes_of(hidden))) == []

    def test_is_not_found_when_the_viewer_is_blocked_by_the_author(self, api, post, user):
        client = api(scopes=["read:statuses"])
        quoted = post(user, "quote me")
        Block.objects.create(blocker=user, blocked=client.user)
        assert client.get(quotes_of(quoted)).status_code == 404

    def test_pages_with_link_headers(self, anon, post, user):
        quoted = post(user, "quote me")
        made = [post(UserFactory(), f"q{i}", quote=quoted) for i in range(5)]
        response = anon.get(quotes_of(quoted), {"limit": 2})
        assert id_list(response) == enc(made[4], made[3])
        link = response["Link"]
        assert f"max_id={ids.encode(made[3].pk)}" in link and 'rel="next"' in link
        assert f"min_id={ids.encode(made[4].pk)}" in link and 'rel="prev"' in link
        assert id_list(anon.get(quotes_of(quoted), {"limit": 2, "max_id": ids.encode(made[3].pk)})) == \
            enc(made[2], made[1])
        assert id_list(anon.get(quotes_of(quoted), {"limit": 2, "min_id": ids.encode(made[1].pk)})) == \
            enc(made[3], made[2])
        assert id_list(anon.get(quotes_of(quoted), {"since_id": ids.encode(made[3].pk)})) == enc(made[4])

    def test_a_token_without_read_statuses_is_served_as_anonymous(self, api, post, user, follow):
        client = api(scopes=["read:accounts"])
        quoted = post(user, "quote me")
        friend = UserFactory()
        follow(client.user, friend)
        post(friend, "followers only", quote=quoted, visibility="private")
        assert id_list(client.get(quotes_of(quoted))) == []

    @pytest.mark.parametrize("size", [1, 20])
    def test_renders_a_page_in_a_constant_number_of_queries(self, api, anon, post, user, size,
                                                            django_assert_max_num_queries):
        quoted = post(user, "quote me")
        authors = UserFactory.create_batch(3)
        for i in range(size):
            quote = post(authors[i % 3], f"quote {i} #t{i} @{user.nickname}", quote=quoted)
            services.favourite(user, quote)
        client = api(scopes=["read:statuses"], user=user)
        # the status, the page, the statuses and what they quote, media, mentions and tags,
        # the feature parts, accounts; then the viewer's flags
        with django_assert_max_num_queries(12):
            response = client.get(quotes_of(quoted), {"limit": size})
        assert len(response.json()) == size
        assert all(s["favourited"] for s in response.json())
        # warm render cache: token, the status, the page, the viewer's flags
        with django_assert_max_num_queries(4):
            assert client.get(quotes_of(quoted), {"limit": size}).json() == response.json()
        # anonymous: the status, the page, the quoted author (rendered live for them above),
        # which quotes are visible; then the whole page from the render cache
        with django_assert_max_num_queries(4):
            anonymous = anon.get(quotes_of(quoted), {"limit": size})
        assert [s["id"] for s in anonymous.json()] == [s["id"] for s in response.json()]
        with django_assert_max_num_queries(2):
            assert anon.get(quotes_of(quoted), {"limit": size}).json() == anonymous.json()

    @pytest.mark.parametrize("params", [{"max_id": "garbage"}, {"limit": "many"}, {"limit": "-3"},
                                        {"min_id": "!!"}, {"since_id": ""}])
    def test_bad_paging_input_is_never_a_server_error(self, anon, post, user, params):
        quoted = post(user, "quote me")
        post(UserFactory(), "q", quote=quoted)
        response = anon.get(quotes_of(quoted), params)
        assert response.status_code < 500
        if response.status_code >= 400:
            assert "error" in response.json()
