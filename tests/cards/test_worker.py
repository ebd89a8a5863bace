"""Cards end to end on a real Celery worker: a status posted through the API gets its card
fetched by the worker from a page on 127.0.0.1, and the entity (cached in Redis by the
first read) shows it once it lands."""

from __future__ import annotations

import pytest

from cards.models import PreviewCard, StatusCard

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def worker(pages, monkeypatch, request):
    """A worker started after loopback fetches are allowed, so it may reach the page server."""
    monkeypatch.setenv("PLEROMA_ALLOW_PRIVATE_NETWORKS", "true")
    monkeypatch.setenv("PLEROMA_LINK_PREVIEWS", "true")
    monkeypatch.setenv("PLEROMA_LINK_PREVIEW_TIMEOUT", "2")
    return request.getfixturevalue("celery_worker_process")


class TestCardOnAWorker:
    """POST /api/v1/statuses, then GET /api/v1/statuses/:id once the worker fetched the card"""

    def test_the_worker_fetches_the_card_and_the_cached_entity_shows_it(self, api, pages, worker):
        client = api(scopes=["read", "write"])
        url = pages.og_page("/on-a-worker")
        posted = client.post("/api/v1/statuses", {"status": f"worker test {url}"})
        assert posted.status_code == 200
        status_id = posted.json()["id"]
        first = client.get(f"/api/v1/statuses/{status_id}").json()  # cached, maybe before the card
        link = worker.wait_for(lambda: StatusCard.objects.select_related("card").first())
        assert link.card.title == "A page title"
        shown = client.get(f"/api/v1/statuses/{status_id}").json()
        assert shown["card"]["url"] == url and shown["card"]["image"]
        assert first["card"] in (None, shown["card"])
        assert client.get(f"/api/v1/statuses/{status_id}/card").json() == shown["card"]

    def test_a_page_that_gives_no_card_leaves_nothing(self, api, pages, worker):
        client = api(scopes=["read", "write"])
        pages.serve("/to-metadata", b"", status=302, headers={"Location": "http://169.254.169.254/"})
        posted = client.post("/api/v1/statuses", {"status": f"{pages.url}/to-metadata and then {pages.url}/x"})
        status_id = posted.json()["id"]
        # A second post with a good link, to know when the worker is past the first one.
        good = client.post("/api/v1/statuses", {"status": pages.og_page("/after-the-bad-one")}).json()["id"]
        worker.wait_for(lambda: StatusCard.objects.exists())
        assert PreviewCard.objects.count() == 1
        assert client.get(f"/api/v1/statuses/{status_id}").json()["card"] is None
        assert client.get(f"/api/v1/statuses/{good}").json()["card"]["title"] == "A page title"
