"""Rows the services never write (a reblog of a reblog, a reblog loop) made through the ORM:
pages still answer 200, rendering such a reblog as one of its original or leaving it out,
and say so in the log."""

import logging

import pytest

from core import ids
from statuses import services
from statuses.models import Status
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def enc(status) -> str:
    return ids.encode(status.pk)


@pytest.fixture
def chain(follow):
    """original <- reblog <- reblog of the reblog (by `booster`, whom `viewer` follows)."""
    author, middle, booster, viewer = UserFactory.create_batch(4)
    original = services.create_status(author, text="the original")
    reblog = Status.objects.create(account=middle, reblog_of=original)
    nested = Status.objects.create(account=booster, reblog_of=reblog)
    follow(viewer, booster)
    return viewer, original, reblog, nested


class TestReblogOfAReblog:
    """GET /api/v1/timelines/home, /api/v1/statuses/:id, /api/v1/accounts/:id/statuses"""

    def test_the_home_timeline_shows_it_as_a_reblog_of_the_original(self, api, chain, caplog):
        viewer, original, _, nested = chain
        client = api(user=viewer)
        with caplog.at_level(logging.WARNING, logger="statuses.rendering"):
            response = client.get("/api/v1/timelines/home")
        assert response.status_code == 200
        (shown,) = response.json()
        assert shown["id"] == enc(nested)
        assert shown["reblog"]["id"] == enc(original)
        assert shown["reblog"]["content"] == original.content
        assert f"status {nested.pk} reblogs a reblog" in caplog.text

    def test_the_status_answers_as_a_reblog_of_the_original(self, api, anon, chain):
        viewer, original, _, nested = chain
        for client in (api(user=viewer), anon):
            response = client.get(f"/api/v1/statuses/{enc(nested)}")
            assert response.status_code == 200
            assert response.json()["reblog"]["id"] == enc(original)

    def test_the_anonymous_account_page_renders_it(self, anon, chain):
        _, original, _, nested = chain
        for _ in range(2):  # rendered, then from the render cache
            response = anon.get(f"/api/v1/accounts/{enc(nested.account)}/statuses")
            assert response.status_code == 200
            assert [(s["id"], s["reblog"]["id"]) for s in response.json()] == [(enc(nested), enc(original))]


class TestReblogLoop:
    """A reblog whose chain never reaches an original cannot be rendered"""

    @pytest.fixture
    def loop(self, follow):
        author, booster, viewer = UserFactory.create_batch(3)
        first = services.create_status(author, text="becomes a reblog")
        second = Status.objects.create(account=booster, reblog_of=first)
        Status.objects.filter(pk=first.pk).update(reblog_of=second, reblog_of_account=booster)
        kept = services.create_status(booster, text="a plain post")
        follow(viewer, booster)
        follow(viewer, author)
        return viewer, first, second, kept

    def test_pages_leave_it_out_and_log_it(self, api, anon, loop, caplog):
        viewer, first, second, kept = loop
        with caplog.at_level(logging.WARNING, logger="statuses.rendering"):
            response = api(user=viewer).get("/api/v1/timelines/home")
            assert response.status_code == 200
            assert [s["id"] for s in response.json()] == [enc(kept)]
            anonymous = anon.get(f"/api/v1/accounts/{enc(kept.account)}/statuses")
            assert anonymous.status_code == 200
            assert [s["id"] for s in anonymous.json()] == [enc(kept)]
        assert f"status {second.pk} left out" in caplog.text

    def test_the_status_itself_is_not_found(self, api, loop):
        viewer, _, second, _ = loop
        response = api(user=viewer).get(f"/api/v1/statuses/{enc(second)}")
        assert (response.status_code, response.json()) == (404, {"error": "Record not found"})
