"""`card` on the Status entity and GET /api/v1/statuses/:id/card, through the API: the
Card fields clients read, the cached entity dropped when a card lands or changes, and
pages rendered in constant queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cards import tasks
from cards.models import PreviewCard
from core import ids, render_cache
from statuses import services as status_services
from statuses.rendering import STATUS
from tests.factories import UserFactory

CARD_KEYS = {"url", "title", "description", "type", "author_name", "author_url", "provider_name",
             "provider_url", "html", "width", "height", "image", "image_description", "embed_url",
             "blurhash", "language", "published_at", "authors", "pleroma"}


@pytest.fixture
def author():
    return UserFactory()


def show(client, status) -> dict:
    response = client.get(f"/api/v1/statuses/{ids.encode(status.pk)}")
    assert response.status_code == 200, response.content
    return response.json()


def land(status) -> None:
    """The card task, as the worker runs it after the status's commit."""
    tasks.fetch_status_card(str(status.pk))


class TestCardOnStatus:
    """GET /api/v1/statuses/:id — `card`"""

    def test_a_status_shows_its_card_once_fetched(self, anon, author, pages, data_dir):
        url = pages.og_page("/story")
        status = status_services.create_status(author, text=f"look {url}")
        assert show(anon, status)["card"] is None
        land(status)
        card = show(anon, status)["card"]
        assert set(card) == CARD_KEYS
        assert card["url"] == url and card["type"] == "link"
        assert card["title"] == "A page title" and card["description"] == "What the page is & says"
        assert card["provider_name"] == "Example News" and card["provider_url"] == pages.url
        assert card["image_description"] == "a red rectangle"
        assert (card["width"], card["height"], card["html"], card["blurhash"]) == (640, 336, "", None)
        # The image is our stored copy, never the remote one.
        assert card["image"].startswith("http") and "/media/cards/" in card["image"]
        assert pages.url not in card["image"]
        assert card["pleroma"]["opengraph"]["image"] == card["image"]
        assert card["pleroma"]["opengraph"]["title"] == "A page title"

    def test_card_image_is_served(self, anon, author, pages, data_dir):
        status = status_services.create_status(author, text=pages.og_page("/served"))
        land(status)
        path = "/media/" + show(anon, status)["card"]["image"].split("/media/", 1)[1]
        response = anon.get(path)
        assert response.status_code == 200
        assert response["Content-Type"] in ("image/jpeg", "image/png")

    def test_posting_schedules_the_fetch_after_commit(self, api, pages, data_dir, django_capture_on_commit_callbacks):
        client = api(scopes=["read", "write"])
        url = pages.og_page("/posted")
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/api/v1/statuses", {"status": f"new post {url}"})
        assert response.status_code == 200
        assert response.json()["card"] is None  # rendered before the fetch ran
        shown = client.get(f"/api/v1/statuses/{response.json()['id']}").json()
        assert shown["card"]["url"] == url

    def test_cached_entity_is_dropped_when_the_card_lands(self, anon, author, pages, data_dir):
        status = status_services.create_status(author, text=pages.og_page("/late"))
        assert show(anon, status)["card"] is None
        assert status.pk in render_cache.get_many(STATUS, [status.pk])[0]
        land(status)
        assert status.pk not in render_cache.get_many(STATUS, [status.pk])[0]
        assert show(anon, status)["card"]["title"] == "A page title"

    def test_cached_timeline_page_shows_the_card_that_landed(self, anon, author, pages, data_dir):
        status = status_services.create_status(author, text=pages.og_page("/timeline"))
        assert anon.get("/api/v1/timelines/public").json()[0]["card"] is None
        land(status)
        assert anon.get("/api/v1/timelines/public").json()[0]["card"]["title"] == "A page title"

    def test_refreshed_card_reaches_every_status_showing_it(self, anon, author, pages, data_dir, settings):
        url = pages.og_page("/refreshed", title="First")
        older = status_services.create_status(author, text=url)
        land(older)
        assert show(anon, older)["card"]["title"] == "First"  # cached with the first title
        PreviewCard.objects.update(fetched_at=timezone.now() - timedelta(days=30))
        pages.og_page("/refreshed", title="Second")
        land(status_services.create_status(UserFactory(), text=url))
        assert show(anon, older)["card"]["title"] == "Second"

    def test_reblog_wrapper_has_no_card_and_the_reblogged_status_has(self, api, author, pages, data_dir):
        client = api()
        status = status_services.create_status(author, text=pages.og_page("/boosted"))
        land(status)
        boost = client.post(f"/api/v1/statuses/{ids.encode(status.pk)}/reblog").json()
        assert boost["card"] is None
        assert boost["reblog"]["card"]["title"] == "A page title"

    def test_quoted_status_shows_its_card(self, api, author, pages, data_dir):
        client = api()
        status = status_services.create_status(author, text=pages.og_page("/quoted"))
        land(status)
        quote = client.post("/api/v1/statuses", {"status": "this", "quote_id": ids.encode(status.pk)}).json()
        assert quote["pleroma"]["quote"]["card"]["title"] == "A page title"
        assert quote["card"] is None  # its only link is the hidden RT: of the quote

    def test_deleting_the_card_drops_it_from_the_entity(self, anon, author, pages, data_dir):
        from cards import services

        status = status_services.create_status(author, text=pages.og_page("/removed"))
        land(status)
        assert show(anon, status)["card"] is not None
        services.delete_card(PreviewCard.objects.get())
        assert show(anon, status)["card"] is None


class TestCardQueries:
    """GET /api/v1/timelines/public with cards"""

    def cold_queries(self, client) -> tuple[int, list]:
        render_cache.bump_generation()
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/api/v1/timelines/public", {"limit": 20})
        assert response.status_code == 200
        return len(queries), response.json()

    def test_a_page_of_twenty_cards_costs_what_a_page_of_one_does(self, api, pages, data_dir,
                                                                   django_assert_max_num_queries):
        client = api()
        authors = [UserFactory() for _ in range(3)]
        first = status_services.create_status(authors[0], text=pages.og_page("/q0"))
        land(first)
        self.cold_queries(client)  # the first page also loads what every page shares (emoji, filters)
        one, body = self.cold_queries(client)
        assert body[0]["card"] is not None
        for i in range(1, 20):
            land(status_services.create_status(authors[i % 3], text=pages.og_page(f"/q{i}")))
        twenty, body = self.cold_queries(client)
        assert len(body) == 20 and all(s["card"] for s in body)
        assert twenty == one
        with django_assert_max_num_queries(3):  # token, the page, the viewer's flags
            warm = client.get("/api/v1/timelines/public", {"limit": 20})
        assert [s["card"] for s in warm.json()] == [s["card"] for s in body]

    def test_a_page_without_links_runs_no_card_query(self, api, author):
        client = api()
        for i in range(3):
            status_services.create_status(author, text=f"plain {i}")
        render_cache.bump_generation()
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/api/v1/timelines/public").status_code == 200
        assert not [q for q in queries.captured_queries if "cards_statuscard" in (q["sql"] or "")]


class TestStatusCardEndpoint:
    """GET /api/v1/statuses/:id/card"""

    def test_returns_the_card(self, anon, author, pages, data_dir):
        status = status_services.create_status(author, text=pages.og_page("/endpoint"))
        land(status)
        response = anon.get(f"/api/v1/statuses/{ids.encode(status.pk)}/card")
        assert response.status_code == 200
        assert response.json() == show(anon, status)["card"]

    def test_a_status_without_a_card_answers_an_empty_object(self, anon, author):
        status = status_services.create_status(author, text="no link")
        response = anon.get(f"/api/v1/statuses/{ids.encode(status.pk)}/card")
        assert response.status_code == 200
        assert response.json() == {}

    def test_a_reblog_answers_the_reblogged_status_card(self, anon, author, pages, data_dir):
        status = status_services.create_status(author, text=pages.og_page("/via-boost"))
        land(status)
        boost = status_services.reblog(UserFactory(), status)
        response = anon.get(f"/api/v1/statuses/{ids.encode(boost.pk)}/card")
        assert response.json()["title"] == "A page title"

    def test_unknown_and_invisible_statuses_are_not_found(self, api, anon, author, pages, data_dir):
        private = status_services.create_status(author, text=pages.og_page("/private-card"), visibility="private")
        land(private)
        for client in (anon, api()):
            response = client.get(f"/api/v1/statuses/{ids.encode(private.pk)}/card")
            assert (response.status_code, response.json()) == (404, {"error": "Record not found"})
        for junk in ("nope", "0" * 40):
            assert anon.get(f"/api/v1/statuses/{junk}/card").status_code == 404
        # The author sees it.
        own = api(user=author).get(f"/api/v1/statuses/{ids.encode(private.pk)}/card")
        assert own.status_code == 200 and own.json()["url"].endswith("/private-card")

    def test_a_token_without_read_scope_reads_as_anonymous(self, api, author):
        """Pleroma's `fallback: :proceed_unauthenticated`: public cards only."""
        public = status_services.create_status(author, text="x")
        private = status_services.create_status(author, text="y", visibility="private")
        client = api(scopes=["write"], user=author)
        assert client.get(f"/api/v1/statuses/{ids.encode(public.pk)}/card").status_code == 200
        assert client.get(f"/api/v1/statuses/{ids.encode(private.pk)}/card").status_code == 404
