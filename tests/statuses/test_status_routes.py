"""GET/DELETE of one status, multifetch, context, source and quotes."""

import pytest

from core import ids
from statuses.models import Status

pytestmark = pytest.mark.django_db


class TestShowStatus:
    """GET /api/v1/statuses/:id"""

    def test_shows_a_public_status_anonymously(self, anon, post, user):
        status = post(user, "hi")
        body = anon.get(f"/api/v1/statuses/{ids.encode(status.pk)}").json()
        assert body["id"] == ids.encode(status.pk)
        assert body["favourited"] is False and body["bookmarked"] is False
        assert body["pleroma"]["expires_at"] is None
        assert body["text"] is None

    def test_shows_viewer_flags(self, api, post, user):
        client = api()
        status = post(user, "hi")
        sid = ids.encode(status.pk)
        client.post(f"/api/v1/statuses/{sid}/favourite")
        client.post(f"/api/v1/statuses/{sid}/reblog")
        client.post(f"/api/v1/statuses/{sid}/mute")
        body = client.get(f"/api/v1/statuses/{sid}").json()
        assert body["favourited"] and body["reblogged"] and body["muted"]
        assert body["pleroma"]["thread_muted"] is True
        assert body["favourites_count"] == 1 and body["reblogs_count"] == 1


class TestMultifetch:
    """GET /api/v1/statuses?id[]="""

    def test_returns_visible_statuses_in_the_requested_order(self, api, post, user):
        a, b = post(user, "a"), post(user, "b")
        hidden = post(user, "c", visibility="direct")
        client = api()
        wanted = [ids.encode(b.pk), "junk", ids.encode(hidden.pk), ids.encode(a.pk)]
        body = client.get("/api/v1/statuses", {"id[]": wanted}).json()
        assert [s["id"] for s in body] == [ids.encode(b.pk), ids.encode(a.pk)]
        body = client.get("/api/v1/statuses", {"ids[]": wanted[:1]}).json()
        assert [s["id"] for s in body] == [ids.encode(b.pk)]

    def test_no_ids_is_an_empty_list(self, anon):
        assert anon.get("/api/v1/statuses").json() == []


class TestDeleteStatus:
    """DELETE /api/v1/statuses/:id"""

    def test_deletes_own_status_and_returns_its_source(self, api, post):
        client = api()
        status = post(client.user, "**draft**", content_type="text/markdown")
        response = client.delete(f"/api/v1/statuses/{ids.encode(status.pk)}")
        assert response.status_code == 200
        body = response.json()
        assert body["text"] == "**draft**"
        assert body["pleroma"]["content_type"] == "text/markdown"
        assert not Status.objects.filter(pk=status.pk).exists()
        client.user.refresh_from_db()
        assert client.user.statuses_count == 0

    def test_others_statuses_are_not_found(self, api, post, user):
        status = post(user, "mine")
        response = api().delete(f"/api/v1/statuses/{ids.encode(status.pk)}")
        assert response.status_code == 404
        assert response.json() == {"error": "Record not found"}
        assert Status.objects.filter(pk=status.pk).exists()

    def test_needs_write_statuses(self, api, post):
        client = api(scopes=["read"])
        status = post(client.user, "x")
        response = client.delete(f"/api/v1/statuses/{ids.encode(status.pk)}")
        assert response.status_code == 403
        assert response.json() == {"error": "Insufficient permissions: write:statuses."}

    def test_deleting_a_reply_decrements_the_parent(self, api, post, user):
        client = api()
        parent = post(user, "root")
        reply = post(client.user, "re", in_reply_to=parent)
        client.delete(f"/api/v1/statuses/{ids.encode(reply.pk)}")
        parent.refresh_from_db()
        assert parent.replies_count == 0


class TestStatusContext:
    """GET /api/v1/statuses/:id/context"""

    def test_splits_the_visible_thread_by_id(self, api, anon, post, user):
        other = api().user
        root = post(user, "root")
        middle = post(other, "middle", in_reply_to=root)
        secret = post(other, "secret", in_reply_to=middle, visibility="direct")
        leaf = post(user, "leaf", in_reply_to=middle)
        body = anon.get(f"/api/v1/statuses/{ids.encode(middle.pk)}/context").json()
        assert [s["id"] for s in body["ancestors"]] == [ids.encode(root.pk)]
        assert [s["id"] for s in body["descendants"]] == [ids.encode(leaf.pk)]
        assert ids.encode(secret.pk) not in str(body)


class TestStatusSource:
    """GET /api/v1/statuses/:id/source"""

    def test_returns_the_source(self, api, post):
        client = api(scopes=["read:statuses"])
        status = post(client.user, "src #x", spoiler_text="cw", content_type="text/markdown")
        body = client.get(f"/api/v1/statuses/{ids.encode(status.pk)}/source").json()
        assert body == {"id": ids.encode(status.pk), "text": "src #x", "spoiler_text": "cw",
                        "content_type": "text/markdown"}

    def test_needs_a_token(self, anon, post, user):
        status = post(user, "x")
        response = anon.get(f"/api/v1/statuses/{ids.encode(status.pk)}/source")
        assert response.status_code == 403


class TestQuotes:
    """POST /api/v1/statuses with quote_id / quoted_status_id (pleroma-content 5)"""

    def test_quotes_a_public_status(self, api, post, user):
        quoted = post(user, "original")
        client = api()
        body = client.post("/api/v1/statuses", {"status": "look", "quote_id": ids.encode(quoted.pk)}).json()
        assert body["pleroma"]["quote_id"] == ids.encode(quoted.pk)
        assert body["pleroma"]["quote_visible"] is True
        assert body["pleroma"]["quote"]["id"] == ids.encode(quoted.pk)
        assert body["pleroma"]["quote_url"] == quoted.uri
        assert 'class="quote-inline"' in body["content"]
        assert [m["username"] for m in body["mentions"]] == [user.nickname]
        quoted.refresh_from_db()
        assert quoted.quotes_count == 1

    def test_accepts_quoted_status_id_and_renders_one_level_deep(self, api, post, user):
        first = post(user, "first")
        second = post(user, "second", quote=first)
        body = api().post("/api/v1/statuses", {"status": "third",
                                                "quoted_status_id": ids.encode(second.pk)}).json()
        inner = body["pleroma"]["quote"]
        assert inner["id"] == ids.encode(second.pk)
        assert inner["pleroma"]["quote"] is None
        assert inner["pleroma"]["quote_id"] == ids.encode(first.pk)
        assert inner["pleroma"]["quote_visible"] is True

    def test_only_the_author_may_quote_a_private_status(self, api, post, follow):
        author, follower = api(), api()
        follow(follower.user, author.user)
        private = post(author.user, "p", visibility="private")
        response = follower.post("/api/v1/statuses", {"status": "q", "quote_id": ids.encode(private.pk)})
        assert response.status_code == 422
        assert response.json() == {"error": "Cannot quote private message"}
        own = author.post("/api/v1/statuses", {"status": "q", "quote_id": ids.encode(private.pk)})
        assert own.status_code == 200
        # a stranger sees the quote post without the private quoted status
        stranger_view = api().get(f"/api/v1/statuses/{own.json()['id']}").json()
        assert stranger_view["pleroma"]["quote"] is None
        assert stranger_view["pleroma"]["quote_visible"] is False
        assert stranger_view["pleroma"]["quote_id"] == ids.encode(private.pk)
        follower_view = follower.get(f"/api/v1/statuses/{own.json()['id']}").json()
        assert follower_view["pleroma"]["quote_visible"] is True

    def test_nobody_may_quote_a_direct_status(self, api, post):
        author = api()
        direct = post(author.user, "d", visibility="direct")
        response = author.post("/api/v1/statuses", {"status": "q", "quote_id": ids.encode(direct.pk)})
        assert response.status_code == 422
        assert response.json() == {"error": "Cannot quote private message"}

    def test_unknown_quote_ids_are_ignored(self, api):
        body = api().post("/api/v1/statuses", {"status": "q", "quote_id": "nope"}).json()
        assert body["pleroma"]["quote_id"] is None

    def test_deleting_a_quote_decrements_the_count(self, api, post, user):
        quoted = post(user, "original")
        client = api()
        sid = client.post("/api/v1/statuses", {"status": "q", "quote_id": ids.encode(quoted.pk)}).json()["id"]
        client.delete(f"/api/v1/statuses/{sid}")
        quoted.refresh_from_db()
        assert quoted.quotes_count == 0

    def test_a_reblog_of_a_quote_renders_the_quote_inside(self, api, post, user):
        quoted = post(user, "original")
        quote = post(user, "quoting", quote=quoted)
        client = api()
        body = client.post(f"/api/v1/statuses/{ids.encode(quote.pk)}/reblog").json()
        assert body["reblog"]["pleroma"]["quote"]["id"] == ids.encode(quoted.pk)


class TestListCosts:
    """Multifetch and context render in a constant number of queries."""

    @pytest.mark.parametrize("size", [1, 40])
    def test_multifetch(self, api, post, user, size, django_assert_max_num_queries):
        client = api()
        made = [post(user, f"s{i} @{client.user.nickname}", quote=None) for i in range(size)]
        for status in made:
            client.post(f"/api/v1/statuses/{ids.encode(status.pk)}/favourite")
        with django_assert_max_num_queries(18):
            body = client.get("/api/v1/statuses", {"id[]": [ids.encode(s.pk) for s in made]}).json()
        assert len(body) == size and all(s["favourited"] for s in body)

    @pytest.mark.parametrize("size", [1, 40])
    def test_context(self, api, post, user, size, django_assert_max_num_queries):
        client = api()
        root = post(user, "root")
        parent = root
        for i in range(size):
            parent = post(user, f"reply {i}", in_reply_to=parent)
        with django_assert_max_num_queries(18):
            body = client.get(f"/api/v1/statuses/{ids.encode(root.pk)}/context").json()
        assert len(body["descendants"]) == size
