"""Timelines: home, public, tag, an account's statuses, favourites; pagination and cost."""

import re

import pytest
from django.db import connection

from core import ids
from relationships.models import Block, Mute
from statuses import services
from statuses.models import MediaAttachment, Status
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def id_list(response):
    assert response.status_code == 200, response.json()
    return [s["id"] for s in response.json()]


def enc(*statuses):
    return [ids.encode(s.pk) for s in statuses]


def rich_page(author, viewer, count):
    """`count` varied statuses by `author`: replies, quotes, reblogs, media, mentions, tags."""
    other = UserFactory()
    base = services.create_status(other, text="base #tag")
    made = []
    for i in range(count):
        kind = i % 4
        if kind == 0:
            s = services.create_status(author, text=f"@{viewer.nickname} hi #t{i}", in_reply_to=base)
        elif kind == 1:
            s = services.create_status(author, text=f"quote {i}", quote=base)
        elif kind == 2:
            target = services.create_status(other, text=f"boost me {i}")
            s = services.reblog(author, target)
        else:
            s = services.create_status(author, text=f"media {i}")
            MediaAttachment.objects.create(account=author, status=s, type="image", mime_type="image/png",
                                           file="attachments/x.png")
        services.favourite(viewer, s)
        made.append(s)
    return made


class TestHomeTimeline:
    """GET /api/v1/timelines/home, read both ways: each followed author's newest statuses
    merged (few follows) and the primary key walked backwards (many)."""

    @pytest.fixture(autouse=True, params=["per-author", "index-walk"])
    def plan(self, request, monkeypatch):
        from statuses import timelines

        monkeypatch.setattr(timelines, "FEW_FOLLOWS", 10**6 if request.param == "per-author" else -1)
        return request.param

    def test_shows_own_and_followed_statuses_and_reblogs(self, api, post, follow):
        client = api(scopes=["read:statuses"])
        friend, stranger, quiet = UserFactory(), UserFactory(), UserFactory()
        follow(client.user, friend)
        follow(client.user, quiet, show_reblogs=False)
        mine = post(client.user, "mine")
        theirs = post(friend, "theirs")
        post(stranger, "stranger")
        boosted = services.reblog(friend, post(stranger, "boosted"))
        services.reblog(quiet, post(stranger, "hidden boost"))
        private = post(friend, "for followers", visibility="private")
        post(friend, "direct to someone else", visibility="direct")
        assert id_list(client.get("/api/v1/timelines/home")) == enc(private, boosted, theirs, mine)

    def test_hides_muted_accounts_unless_with_muted(self, api, post, follow):
        client = api()
        friend = UserFactory()
        follow(client.user, friend)
        status = post(friend, "hi")
        Mute.objects.create(muter=client.user, muted=friend)
        assert id_list(client.get("/api/v1/timelines/home")) == []
        assert id_list(client.get("/api/v1/timelines/home", {"with_muted": "true"})) == enc(status)

    def test_exclude_visibilities(self, api, post):
        client = api()
        public = post(client.user, "a")
        post(client.user, "b", visibility="direct")
        post(client.user, "c", visibility="private")
        response = client.get("/api/v1/timelines/home",
                              {"exclude_visibilities[]": ["direct", "private"]})
        assert id_list(response) == enc(public)

    def test_renders_reblogs_as_wrappers(self, api, post, follow):
        client = api()
        friend, stranger = UserFactory(), UserFactory()
        follow(client.user, friend)
        original = post(stranger, "original")
        boost = services.reblog(friend, original)
        [item] = client.get("/api/v1/timelines/home").json()
        assert item["id"] == ids.encode(boost.pk)
        assert item["account"]["id"] == ids.encode(friend.pk)
        assert item["reblog"]["id"] == ids.encode(original.pk)
        assert item["reblog"]["account"]["id"] == ids.encode(stranger.pk)

    def test_needs_a_user(self, anon):
        response = anon.get("/api/v1/timelines/home")
        assert response.status_code == 403
        assert response.json() == {"error": "Invalid credentials."}

    def test_needs_read_statuses(self, api):
        response = api(scopes=["write"]).get("/api/v1/timelines/home")
        assert response.status_code == 403
        assert response.json() == {"error": "Insufficient permissions: read:statuses."}

    def test_pages_with_link_headers(self, api, post):
        client = api()
        statuses = [post(client.user, f"s{i}") for i in range(5)]
        newest_first = enc(*reversed(statuses))
        first = client.get("/api/v1/timelines/home", {"limit": 2, "only_media": "false"})
        assert id_list(first) == newest_first[:2]
        links = dict((rel, url) for url, rel in re.findall(r'<([^>]+)>; rel="(\w+)"', first["Link"]))
        assert f"max_id={newest_first[1]}" in links["next"]
        assert f"min_id={newest_first[0]}" in links["prev"]
        assert "limit=2" in links["next"] and "only_media=false" in links["next"]
        second = client.get(links["next"].replace("http://localhost:8000", ""))
        assert id_list(second) == newest_first[2:4]
        third = client.get(f"/api/v1/timelines/home?limit=2&max_id={newest_first[3]}")
        assert id_list(third) == newest_first[4:]
        back = client.get(f"/api/v1/timelines/home?limit=2&min_id={newest_first[4]}")
        assert id_list(back) == newest_first[2:4]
        since = client.get(f"/api/v1/timelines/home?limit=2&since_id={newest_first[4]}")
        assert id_list(since) == newest_first[:2]
        empty = client.get(f"/api/v1/timelines/home?since_id={newest_first[0]}")
        assert id_list(empty) == [] and "Link" not in empty

    @pytest.mark.parametrize("size", [1, 40])
    def test_renders_a_page_in_a_constant_number_of_queries(self, api, follow, size,
                                                            django_assert_max_num_queries):
        client = api()
        author = UserFactory()
        follow(client.user, author)
        rich_page(author, client.user, size)
        with django_assert_max_num_queries(12):  # cold: the viewer's filters (filters.matching caches them) and followed tags
            response = client.get("/api/v1/timelines/home", {"limit": size})
        assert len(response.json()) == size
        # token, the followed hashtags (tags.services.home_source), the page, the viewer's flags
        with django_assert_max_num_queries(4):
            assert client.get("/api/v1/timelines/home", {"limit": size}).json() == response.json()

    def test_uses_an_index_not_a_sequential_scan(self, api, follow):
        viewer = UserFactory()
        authors = UserFactory.create_batch(40)
        for a in authors[:3]:
            follow(viewer, a)
        Status.objects.bulk_create([Status(account=a, content=f"{i}") for a in authors for i in range(100)])
        originals = list(Status.objects.filter(account=authors[-1])[:50])
        Status.objects.bulk_create([Status(account=a, reblog_of=o, reblog_of_account=o.account)
                                    for a in authors[:10] for o in originals[:10]])
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE statuses_status")
        from core.pagination import page_statement
        from statuses import timelines

        statement, params = page_statement(*timelines.home(viewer, {}), limit=20)
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN {statement}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert "Seq Scan on statuses_status" not in plan, plan


class TestPublicTimeline:
    """GET /api/v1/timelines/public"""

    def test_lists_public_statuses_anonymously(self, anon, api, post, user):
        public = post(user, "public")
        local = post(user, "local only", visibility="local")
        for visibility in ("unlisted", "private", "direct"):
            post(user, visibility, visibility=visibility)
        services.reblog(UserFactory(), public)
        assert id_list(anon.get("/api/v1/timelines/public")) == enc(public)
        assert id_list(api().get("/api/v1/timelines/public")) == enc(local, public)

    def test_filters(self, anon, post, user):
        plain = post(user, "plain")
        with_media = post(user, "media")
        MediaAttachment.objects.create(account=user, status=with_media, file="attachments/x.png")
        assert id_list(anon.get("/api/v1/timelines/public", {"only_media": "1"})) == enc(with_media)
        assert id_list(anon.get("/api/v1/timelines/public", {"local": "true"})) == enc(with_media, plain)
        assert id_list(anon.get("/api/v1/timelines/public", {"remote": "true"})) == []

    def test_hides_blocked_accounts(self, api, post, user):
        client = api()
        post(user, "hi")
        Block.objects.create(blocker=client.user, blocked=user)
        assert id_list(client.get("/api/v1/timelines/public")) == []

    @pytest.mark.parametrize("size", [1, 40])
    def test_constant_queries(self, anon, size, django_assert_max_num_queries):
        author, viewer = UserFactory(), UserFactory()
        rich_page(author, viewer, size)
        # rendered from the database: the page, statuses, the statuses they quote, media,
        # mentions and tags, reactions, events, accounts, visible parents
        with django_assert_max_num_queries(9):
            response = anon.get("/api/v1/timelines/public", {"limit": size})
        assert len(response.json()) == size
        with django_assert_max_num_queries(2):  # from the render cache: the page, visible parents
            assert anon.get("/api/v1/timelines/public", {"limit": size}).json() == response.json()


class TestHashtagTimeline:
    """GET /api/v1/timelines/tag/:hashtag"""

    def test_lists_tagged_public_statuses(self, anon, post, user):
        cofe = post(user, "#cofe time")
        tea = post(user, "#tea time")
        both = post(user, "#cofe and #tea")
        post(user, "#cofe secret", visibility="private")
        post(user, "no tags")
        assert id_list(anon.get("/api/v1/timelines/tag/cofe")) == enc(both, cofe)
        assert id_list(anon.get("/api/v1/timelines/tag/COFE", {"any[]": ["tea"]})) == enc(both, tea, cofe)
        assert id_list(anon.get("/api/v1/timelines/tag/cofe", {"all[]": ["tea"]})) == enc(both)
        assert id_list(anon.get("/api/v1/timelines/tag/cofe", {"none[]": ["tea"]})) == enc(cofe)


class TestAccountStatuses:
    """GET /api/v1/accounts/:id/statuses"""

    def test_lists_visible_statuses_by_id_or_nickname(self, anon, api, post, follow, user):
        public = post(user, "public")
        private = post(user, "private", visibility="private")
        assert id_list(anon.get(f"/api/v1/accounts/{ids.encode(user.pk)}/statuses")) == enc(public)
        follower = api()
        follow(follower.user, user)
        assert id_list(follower.get(f"/api/v1/accounts/{user.nickname}/statuses")) == enc(private, public)

    def test_parameters(self, anon, post, user):
        other = UserFactory()
        root = post(user, "root #cats")
        reply = post(user, "reply", in_reply_to=root)
        boost = services.reblog(user, post(other, "theirs"))
        with_media = post(user, "pic")
        MediaAttachment.objects.create(account=user, status=with_media, file="attachments/x.png")
        services.pin(user, root)
        path = f"/api/v1/accounts/{user.nickname}/statuses"
        assert id_list(anon.get(path)) == enc(with_media, boost, reply, root)
        assert id_list(anon.get(path, {"pinned": "true"})) == enc(root)
        assert id_list(anon.get(path, {"exclude_replies": "1"})) == enc(with_media, boost, root)
        assert id_list(anon.get(path, {"exclude_reblogs": "true"})) == enc(with_media, reply, root)
        assert id_list(anon.get(path, {"only_media": "true"})) == enc(with_media)
        assert id_list(anon.get(path, {"tagged": "cats"})) == enc(root)

    def test_unknown_account_is_not_found(self, anon):
        response = anon.get("/api/v1/accounts/nobody/statuses")
        assert response.status_code == 404
        assert response.json() == {"error": "Record not found"}

    @pytest.mark.parametrize("size", [1, 40])
    def test_constant_queries(self, api, size, django_assert_max_num_queries):
        client = api()
        author = UserFactory()
        rich_page(author, client.user, size)
        with django_assert_max_num_queries(13):  # cold: the viewer's filters too
            response = client.get(f"/api/v1/accounts/{author.nickname}/statuses", {"limit": size})
        assert len(response.json()) == size
        # token, the account (by id, then by nickname), the page, the viewer's flags
        with django_assert_max_num_queries(5):
            again = client.get(f"/api/v1/accounts/{author.nickname}/statuses", {"limit": size})
        assert again.json() == response.json()


class TestFavourites:
    """GET /api/v1/favourites"""

    def test_lists_favourites_newest_favourite_first_paged_by_favourite_id(self, api, post, user):
        client = api(scopes=["read:favourites", "write:favourites"])
        old, new = post(user, "old"), post(user, "new")
        services.favourite(client.user, new)
        services.favourite(client.user, old)
        response = client.get("/api/v1/favourites", {"limit": 1})
        assert id_list(response) == enc(old)
        from statuses.models import Favourite

        fav = Favourite.objects.get(status=old)
        assert f"max_id={ids.encode(fav.pk)}" in response["Link"]
        next_page = client.get("/api/v1/favourites", {"limit": 1, "max_id": ids.encode(fav.pk)})
        assert id_list(next_page) == enc(new)

    def test_needs_read_favourites(self, api):
        response = api(scopes=["read:statuses"]).get("/api/v1/favourites")
        assert response.status_code == 403
        assert response.json() == {"error": "Insufficient permissions: read:favourites."}

    @pytest.mark.parametrize("size", [1, 40])
    def test_constant_queries(self, api, size, django_assert_max_num_queries):
        client = api()
        rich_page(UserFactory(), client.user, size)
        # token, the page, statuses, the statuses they reblog or quote, media, mentions and
        # tags, reactions, events, accounts, the viewer's flags
        with django_assert_max_num_queries(11):  # cold: the viewer's filters too
            response = client.get("/api/v1/favourites", {"limit": size})
        assert len(response.json()) == size
        with django_assert_max_num_queries(3):  # token, the page, the viewer's flags
            assert client.get("/api/v1/favourites", {"limit": size}).json() == response.json()
