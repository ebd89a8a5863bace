"""Events set up through the service, as a client would have made them."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from events import services
from tests.factories import UserFactory

START = datetime.datetime(2031, 1, 1, 1, 0, tzinfo=datetime.UTC)
END = datetime.datetime(2031, 1, 1, 4, 0, tzinfo=datetime.UTC)


@pytest.fixture
def make_event(db):
    """make_event(organizer=None, join_mode="free", **fields) -> Event."""

    def make(organizer=None, join_mode="free", **fields):
        fields.setdefault("name", "Event name")
        fields.setdefault("status", "A description")
        fields.setdefault("start_time", START)
        fields.setdefault("end_time", END)
        return services.create_event(organizer or UserFactory(), join_mode=join_mode, **fields)

    return make


@pytest.fixture
def soon():
    return timezone.now() + datetime.timedelta(days=3)
