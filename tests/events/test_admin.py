"""The Django admin pages for events, participations and the gazetteer."""

from __future__ import annotations

import pytest
from django.test import Client

from events.models import Location
from tests.factories import UserFactory


@pytest.mark.parametrize("model", ["event", "participation", "location"])
def test_lists_and_searches(make_event, model):
    staff = UserFactory(is_admin=True)
    make_event()
    Location.objects.create(origin_id="1", name="Lyon", search_name="lyon")
    client = Client()
    client.force_login(staff)
    for query in ("", "?q=lyon"):
        response = client.get(f"/admin/events/{model}/{query}")
        assert response.status_code == 200
