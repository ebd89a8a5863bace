"""A user with something to back up: statuses, a reblog, likes, bookmarks, follows, media."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass, field

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from bookmarks.models import Bookmark
from relationships.follows import follow
from statuses import services as status_services
from statuses.models import MediaAttachment, Status
from tests.factories import UserFactory


def png_bytes(color=(200, 30, 30), size=(8, 6)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


@dataclass
class BackupData:
    user: object
    statuses: list = field(default_factory=list)
    reblog: Status | None = None
    liked: list = field(default_factory=list)
    bookmarked: list = field(default_factory=list)
    followed: list = field(default_factory=list)
    followers: list = field(default_factory=list)
    media: list = field(default_factory=list)


def make_backup_data(user=None, *, statuses: int = 3) -> BackupData:
    user = user or UserFactory()
    data = BackupData(user=user)
    friend = UserFactory()
    for i in range(statuses):
        data.statuses.append(status_services.create_status(user, text=f"post number {i} #backup"))
    data.statuses.append(status_services.create_status(
        user, text=f"@{friend.nickname} only for you", visibility="direct"))
    picture = MediaAttachment.objects.create(
        account=user, file=ContentFile(png_bytes(), name="picture.png"), mime_type="image/png",
        type="image", description="a red rectangle")
    data.statuses.append(status_services.create_status(user, text="with a picture",
                                                       media_ids=[str(picture.pk)]))
    data.media.append(picture)
    others = [status_services.create_status(friend, text=f"friend post {i}") for i in range(3)]
    data.reblog = status_services.reblog(user, others[0])
    for status in others[:2]:
        status_services.favourite(user, status)
        data.liked.append(status)
    Bookmark.objects.create(user=user, status=others[2])
    Bookmark.objects.create(user=user, status=data.statuses[0])
    data.bookmarked = [others[2], data.statuses[0]]
    follow(user, friend)
    follower = UserFactory()
    follow(follower, user)
    data.followed, data.followers = [friend], [follower]
    return data


@pytest.fixture
def backup_data(data_dir):
    return make_backup_data()


def read_archive(content: bytes) -> dict:
    """Every entry of a backup zip: JSON parsed, other files as bytes."""
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        assert zf.testzip() is None
        return {name: (json.loads(zf.read(name)) if name.endswith(".json") else zf.read(name))
                for name in zf.namelist()}


def check_archive(entries: dict, data: BackupData) -> None:
    """The archive holds exactly what `data` says, in Pleroma's layout."""
    from backups import activitystreams as ast

    user = data.user
    media_names = {f"media/{m.file.name}" for m in data.media}
    assert set(entries) == {"actor.json", "outbox.json", "likes.json", "bookmarks.json",
                            "followers.json", "following.json"} | media_names
    actor = entries["actor.json"]
    assert actor["id"] == user.ap_id
    assert actor["type"] == "Person"
    assert actor["preferredUsername"] == user.nickname
    assert (actor["likes"], actor["bookmarks"]) == ("likes.json", "bookmarks.json")

    outbox = entries["outbox.json"]
    assert outbox["type"] == "OrderedCollection"
    assert outbox["id"] == "outbox.json"
    assert outbox["@context"] == "https://www.w3.org/ns/activitystreams"
    expected = [*data.statuses, data.reblog]
    assert outbox["totalItems"] == len(expected) == len(outbox["orderedItems"])
    by_id = {item["id"]: item for item in outbox["orderedItems"]}
    for status in data.statuses:
        item = by_id[ast.activity_id(status.pk)]
        assert item["type"] == "Create"
        assert item["actor"] == user.ap_id
        assert item["object"]["id"] == status.uri
        assert item["object"]["content"] == status.content
    direct = by_id[ast.activity_id(data.statuses[-2].pk)]["object"]
    assert ast.PUBLIC not in direct["to"] + direct["cc"]
    public = by_id[ast.activity_id(data.statuses[0].pk)]["object"]
    assert public["to"] == [ast.PUBLIC]
    assert public["tag"] == [{"type": "Hashtag", "href": public["tag"][0]["href"], "name": "#backup"}]
    pictured = by_id[ast.activity_id(data.statuses[-1].pk)]["object"]
    assert [a["name"] for a in pictured["attachment"]] == ["a red rectangle"]
    announce = by_id[ast.activity_id(data.reblog.pk)]
    assert announce["type"] == "Announce"
    assert announce["object"] == data.reblog.reblog_of.uri

    def collection(name, items):
        doc = entries[name]
        assert doc["type"] == "OrderedCollection"
        assert doc["id"] == name
        assert doc["orderedItems"] == items
        assert doc["totalItems"] == len(items)

    collection("likes.json", [s.uri for s in data.liked])
    collection("bookmarks.json", [s.uri for s in data.bookmarked])
    collection("following.json", [u.ap_id for u in data.followed])
    collection("followers.json", [u.ap_id for u in data.followers])
    for media in data.media:
        blob = entries[f"media/{media.file.name}"]
        with Image.open(io.BytesIO(blob)) as image:
            image.verify()
        assert blob == media.file.open("rb").read()
