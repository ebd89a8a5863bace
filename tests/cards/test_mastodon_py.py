"""Mastodon.py against a running server and a real worker: a posted link's card reaches the
client through `status()` and `status_card()` once the worker has fetched it."""

from __future__ import annotations

import time

import pytest

from tests.e2e.test_mastodon_py_statuses import login
from tests.factories import UserFactory
from tests.federation.conftest import federating_worker  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def wait_for_card(client, status_id, timeout: float = 30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        card = client.status(status_id)["card"]
        if card:
            return card
        time.sleep(0.2)
    raise AssertionError("no card in time")


class TestCardsWithMastodonPy:
    """POST /api/v1/statuses, GET /api/v1/statuses/:id and /api/v1/statuses/:id/card"""

    def test_status_and_status_card_show_the_fetched_card(self, running_server, federating_worker,  # noqa: F811
                                                           pages):
        UserFactory(nickname="carla")
        client = login(running_server, "carla")
        url = pages.og_page("/mastodon-py")
        posted = client.status_post(f"a link for Mastodon.py {url}")
        card = wait_for_card(client, posted["id"])
        assert card["url"] == url and card["title"] == "A page title"
        assert card["type"] == "link" and card["image"]
        assert client.status_card(posted["id"])["title"] == "A page title"
        # Without a link there is no card, and the old endpoint answers an empty object.
        plain = client.status_post("no link here")
        assert client.status(plain["id"])["card"] is None
        assert client.status_card(plain["id"])["url"] is None  # Mastodon.py's PreviewCard of {}
