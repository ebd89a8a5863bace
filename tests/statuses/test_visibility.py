"""Visibility rules wherever a status can be seen or acted on (mastodon-base 1.6)."""

import pytest

from core import ids
from relationships.models import Block

pytestmark = pytest.mark.django_db

# viewer -> visibility -> can see
MATRIX = {
    "author": {"public": True, "unlisted": True, "local": True, "private": True, "direct": True},
    "follower": {"public": True, "unlisted": True, "local": True, "private": True, "direct": False},
    "mentioned": {"public": True, "unlisted": True, "local": True, "private": True, "direct": True},
    "stranger": {"public": True, "unlisted": True, "local": True, "private": False, "direct": False},
    "anonymous": {"public": True, "unlisted": True, "local": True, "private": False, "direct": False},
}


@pytest.fixture
def cast(api, follow):
    author, follower, mentioned, stranger = api(), api(), api(), api()
    follow(follower.user, author.user)
    return {"author": author, "follower": follower, "mentioned": mentioned, "stranger": stranger}


@pytest.mark.parametrize("visibility", ["public", "unlisted", "local", "private", "direct"])
@pytest.mark.parametrize("viewer", list(MATRIX))
def test_show_respects_visibility(cast, anon, post, visibility, viewer):
    status = post(cast["author"].user, f"hi @{cast['mentioned'].user.nickname}", visibility=visibility)
    client = anon if viewer == "anonymous" else cast[viewer]
    sid = ids.encode(status.pk)
    response = client.get(f"/api/v1/statuses/{sid}")
    if MATRIX[viewer][visibility]:
        assert response.status_code == 200
        assert response.json()["id"] == sid
    else:
        assert response.status_code == 404
        assert response.json() == {"error": "Record not found"}
    # The same rule holds for actions, context, source and multifetch.
    assert (client.get(f"/api/v1/statuses/{sid}/context").status_code == 200) == MATRIX[viewer][visibility]
    listed = client.get("/api/v1/statuses", {"id[]": [sid]}).json()
    assert ([s["id"] for s in listed] == [sid]) == MATRIX[viewer][visibility]
    if viewer != "anonymous":
        fav = client.post(f"/api/v1/statuses/{sid}/favourite")
        assert fav.status_code == (200 if MATRIX[viewer][visibility] else 404)


def test_blocks_hide_statuses_both_ways(api, post):
    author, viewer = api(), api()
    status = post(author.user, "hi")
    Block.objects.create(blocker=author.user, blocked=viewer.user)
    assert viewer.get(f"/api/v1/statuses/{ids.encode(status.pk)}").status_code == 404
    Block.objects.all().delete()
    Block.objects.create(blocker=viewer.user, blocked=author.user)
    assert viewer.get(f"/api/v1/statuses/{ids.encode(status.pk)}").status_code == 404


def test_junk_ids_are_not_found(api):
    for junk in ("nope!", "0" * 40, "99999999999999999999999999"):
        response = api().get(f"/api/v1/statuses/{junk}")
        assert response.status_code == 404
        assert response.json() == {"error": "Record not found"}


def test_statuses_of_deactivated_accounts_are_hidden(api, post):
    author = api()
    status = post(author.user, "hi")
    author.user.is_active = False
    author.user.save()
    assert api().get(f"/api/v1/statuses/{ids.encode(status.pk)}").status_code == 404
