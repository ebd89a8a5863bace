"""The Django admin pages for preview cards: list, search, refresh and remove."""

from __future__ import annotations

import pytest
from django.test import Client

from cards import tasks
from cards.models import PreviewCard, StatusCard
from core import ids
from statuses import services as status_services
from tests.factories import UserFactory


@pytest.fixture
def staff_client():
    client = Client()
    client.force_login(UserFactory(is_admin=True))
    return client


@pytest.fixture
def card(pages, data_dir):
    status = status_services.create_status(UserFactory(), text=pages.og_page("/admin-card", title="Old"))
    tasks.fetch_status_card(str(status.pk))
    return PreviewCard.objects.get()


def test_lists_and_searches(staff_client, card):
    for query in ("", "?q=admin-card", "?type__exact=link"):
        response = staff_client.get(f"/admin/cards/previewcard/{query}")
        assert response.status_code == 200
        assert b"admin-card" in response.content
    assert staff_client.get(f"/admin/cards/previewcard/{card.pk}/change/").status_code == 200


def test_refresh_fetches_the_card_again(staff_client, card, pages):
    pages.og_page("/admin-card", title="New")
    response = staff_client.post("/admin/cards/previewcard/", {
        "action": "refresh", "_selected_action": [str(card.pk)]})
    assert response.status_code == 302
    card.refresh_from_db()
    assert card.title == "New"


def test_remove_deletes_the_card_its_links_and_its_image(staff_client, card, anon, settings):
    status = StatusCard.objects.get().status
    image = settings.MEDIA_ROOT / card.image.name
    assert image.exists()
    response = staff_client.post("/admin/cards/previewcard/", {
        "action": "remove", "_selected_action": [str(card.pk)]})
    assert response.status_code == 302
    assert not PreviewCard.objects.exists() and not StatusCard.objects.exists()
    assert not image.exists()
    assert anon.get(f"/api/v1/statuses/{ids.encode(status.pk)}").json()["card"] is None


def test_bulk_delete_is_replaced_by_remove(staff_client, card):
    response = staff_client.get("/admin/cards/previewcard/")
    assert b'value="delete_selected"' not in response.content and b'value="remove"' in response.content
