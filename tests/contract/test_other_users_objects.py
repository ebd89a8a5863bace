"""Every endpoint that takes an object id refuses another user's private object
(404, or 403 where Pleroma answers so) and leaves it as it was."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from bookmarks.models import Bookmark, BookmarkFolder
from core import ids
from statuses.models import Favourite, MediaAttachment, PollVote, ScheduledStatus, Status
from statuses.services import create_status
from tests.factories import UserFactory

ALL_SCOPES = ["read", "write", "follow", "push"]


@pytest.fixture
def owner_objects(api, data_dir):
    """A user's private and direct statuses, media, notification, folder, conversation."""
    owner = api(scopes=ALL_SCOPES)
    friend = UserFactory()
    private = create_status(owner.user, text="only for followers", visibility="private")
    direct = create_status(owner.user, text=f"@{friend.nickname} just us", visibility="direct")
    png = io.BytesIO()
    Image.new("RGB", (4, 4)).save(png, format="PNG")
    media = owner.post("/api/v1/media", {"file": SimpleUploadedFile("a.png", png.getvalue(), "image/png")},
                       format="multipart").json()
    folder = owner.post("/api/v1/pleroma/bookmark_folders", {"name": "mine"}).json()
    create_status(friend, text=f"hi @{owner.user.nickname}")
    notification = owner.get("/api/v1/notifications").json()[0]
    conversation = owner.get("/api/v1/conversations").json()[0]
    polled = create_status(owner.user, text="which?", visibility="private",
                           poll={"options": ["a", "b"], "expires_in": 600})
    scheduled = owner.post("/api/v1/statuses", {"status": "later", "scheduled_at": "2030-01-01T12:00:00Z"}).json()
    owner.post(f"/api/v1/accounts/{ids.encode(friend.pk)}/follow")
    owned_list = owner.post("/api/v1/lists", {"title": "mine"}).json()
    owner.post(f"/api/v1/lists/{owned_list['id']}/accounts", {"account_ids[]": [ids.encode(friend.pk)]})
    featured = owner.post("/api/v1/featured_tags", {"name": "mine"}).json()
    return {"private": ids.encode(private.pk), "direct": ids.encode(direct.pk), "media": media["id"],
            "folder": folder["id"], "notification": notification["id"],
            "conversation": conversation["id"], "poll": ids.encode(polled.poll.pk),
            "scheduled": scheduled["id"], "list": owned_list["id"], "featured": featured["id"],
            "friend": ids.encode(friend.pk), "owner": owner}


CASES = [
    ("get", "/api/v1/statuses/{private}"),
    ("get", "/api/v1/statuses/{direct}"),
    ("get", "/api/v1/statuses/{private}/context"),
    ("get", "/api/v1/statuses/{private}/source"),
    ("delete", "/api/v1/statuses/{private}"),
    ("put", "/api/v1/statuses/{private}"),
    ("get", "/api/v1/statuses/{private}/history"),
    ("post", "/api/v1/statuses/{private}/favourite"),
    ("post", "/api/v1/statuses/{private}/reblog"),
    ("post", "/api/v1/statuses/{private}/bookmark"),
    ("post", "/api/v1/statuses/{private}/pin"),
    ("post", "/api/v1/statuses/{private}/mute"),
    ("get", "/api/v1/statuses/{private}/favourited_by"),
    ("put", "/api/v1/pleroma/statuses/{private}/reactions/👍"),
    ("get", "/api/v1/pleroma/statuses/{direct}/quotes"),
    ("get", "/api/v1/media/{media}"),
    ("put", "/api/v1/media/{media}"),
    ("get", "/api/v1/notifications/{notification}"),
    ("post", "/api/v1/notifications/{notification}/dismiss"),
    ("patch", "/api/v1/pleroma/bookmark_folders/{folder}"),
    ("delete", "/api/v1/pleroma/bookmark_folders/{folder}"),
    ("get", "/api/v1/pleroma/conversations/{conversation}"),
    ("get", "/api/v1/pleroma/conversations/{conversation}/statuses"),
    ("patch", "/api/v1/pleroma/conversations/{conversation}"),
    ("post", "/api/v1/conversations/{conversation}/read"),
    ("delete", "/api/v1/conversations/{conversation}"),
    ("get", "/api/v1/pleroma/events/{private}/ics"),
    ("get", "/api/v1/polls/{poll}"),
    ("post", "/api/v1/polls/{poll}/votes"),
    ("get", "/api/v1/scheduled_statuses/{scheduled}"),
    ("put", "/api/v1/scheduled_statuses/{scheduled}"),
    ("delete", "/api/v1/scheduled_statuses/{scheduled}"),
    ("get", "/api/v1/lists/{list}"),
    ("put", "/api/v1/lists/{list}"),
    ("delete", "/api/v1/lists/{list}"),
    ("get", "/api/v1/lists/{list}/accounts"),
    ("post", "/api/v1/lists/{list}/accounts"),
    ("delete", "/api/v1/lists/{list}/accounts"),
    ("get", "/api/v1/timelines/list/{list}"),
    ("delete", "/api/v1/featured_tags/{featured}"),
]


@pytest.mark.parametrize("method,template", CASES, ids=[f"{m.upper()} {t}" for m, t in CASES])
def test_another_users_private_object_is_refused(api, owner_objects, method, template):
    stranger = api(scopes=ALL_SCOPES)
    path = template.format(**owner_objects)
    body = {"description": "mine now", "status": "mine now", "name": "taken", "recipients[]": [ids.encode(stranger.user.pk)],
            "choices": [0], "scheduled_at": "2031-01-01T12:00:00Z",
            "title": "mine now", "account_ids": [owner_objects["friend"]]}
    call = getattr(stranger, method)
    response = call(path) if method == "get" else call(path, body, format="json")
    assert response.status_code in (403, 404), (response.status_code, response.content)
    assert "error" in response.json()
    owner = owner_objects["owner"]
    private_pk = ids.decode(owner_objects["private"])
    assert Status.objects.filter(pk=private_pk, edited_at__isnull=True).exists()
    assert not Favourite.objects.filter(account=stranger.user).exists()
    assert not Bookmark.objects.filter(user=stranger.user).exists()
    assert not Status.objects.filter(account=stranger.user, reblog_of_id=private_pk).exists()
    assert MediaAttachment.objects.get(pk=ids.decode(owner_objects["media"])).description == ""
    assert BookmarkFolder.objects.get(pk=ids.decode(owner_objects["folder"])).name == "mine"
    assert owner.get(f"/api/v1/notifications/{owner_objects['notification']}").status_code == 200
    assert not PollVote.objects.filter(account=stranger.user).exists()
    scheduled = ScheduledStatus.objects.get(pk=ids.decode(owner_objects["scheduled"]))
    assert scheduled.scheduled_at.year == 2030
    assert owner.get(f"/api/v1/lists/{owner_objects['list']}").json()["title"] == "mine"
    assert len(owner.get(f"/api/v1/lists/{owner_objects['list']}/accounts").json()) == 1
    assert [t["name"] for t in owner.get("/api/v1/featured_tags").json()] == ["mine"]
