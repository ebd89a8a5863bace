"""Helpers for the statuses tests: posting through the service, images made with Pillow."""

import io

import pytest
from PIL import Image

from relationships.models import Follow
from statuses import services


@pytest.fixture
def post():
    """post(user, text="...", **options) -> Status created through the service."""

    def make(user, text="hello", **options):
        return services.create_status(user, text=text, **options)

    return make


@pytest.fixture
def follow():
    def make(follower, followed, **fields):
        return Follow.objects.create(follower=follower, followed=followed, state="accept", **fields)

    return make


def png_bytes(size=(64, 48), color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()
