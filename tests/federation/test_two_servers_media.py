"""Remote media between two running servers over real HTTP, in both directions: a post with
an image on one server reaches a follower on the other, whose worker copies the image (and
the author's avatar) to its own media path; its API then links to the copy, `remote_url` to
the origin, and the copy it serves is the image with inert headers.

Each instance's worker shares its web processes' data dir (the second runs as `make run`
does; the first's worker is started with the first server's environment), so the copy a
worker makes is the file its instance serves."""

from __future__ import annotations

import io

import pytest
import requests
from PIL import Image

from tests.federation.test_two_servers_scenarios import TIMEOUT, Side, eventually, follow, in_home

SANDBOX = "default-src 'none'; sandbox"


def png(width: int, height: int, color) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def first(running_server, federating_worker) -> Side:
    return Side(running_server, {})


@pytest.fixture
def second(second_server) -> Side:
    return Side(second_server, {})


def shows_the_readers_copy(origin: Side, reader: Side) -> None:
    """alice on `origin` posts an image; bob on `reader` sees it (and her avatar) from his
    server's copy."""
    origin.user("alice")
    reader.user("bob")
    origin.call("PATCH", "alice", "/api/v1/accounts/update_credentials",
                files={"avatar": ("me.png", png(40, 40, (0, 0, 200)), "image/png")})
    media = origin.post("alice", "/api/v1/media", files={"file": ("cat.png", png(120, 80, (200, 0, 0)), "image/png")},
                        data={"description": "a red cat"})
    follow(reader, "bob", origin, "alice")
    post = origin.post("alice", "/api/v1/statuses", data={"status": "look", "media_ids[]": [media["id"]]})
    origin_url = post["media_attachments"][0]["url"]
    assert origin_url.startswith(f"{origin.server.url}/media/")

    def copied():
        seen = in_home(reader, "bob", post["uri"])
        attachments = seen["media_attachments"] if seen else []
        return attachments and attachments[0]["url"].startswith(f"{reader.server.url}/media/") and seen

    seen = eventually(copied, "the image copied by the reader's server", TIMEOUT, origin, reader)
    [attachment] = seen["media_attachments"]
    assert attachment["remote_url"] == origin_url
    assert attachment["description"] == "a red cat"
    assert attachment["preview_url"].startswith(f"{reader.server.url}/media/")
    assert attachment["meta"]["original"]["width"] == 120
    served = requests.get(attachment["url"], timeout=10)
    assert served.status_code == 200
    assert served.headers["Content-Type"] == "image/png"
    assert served.headers["Content-Security-Policy"] == SANDBOX
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    with Image.open(io.BytesIO(served.content)) as copy:
        assert (copy.format, copy.size, copy.convert("RGB").getpixel((5, 5))) == ("PNG", (120, 80), (200, 0, 0))
    assert requests.get(attachment["preview_url"], timeout=10).status_code == 200

    alice_avatar = origin.get("alice", "/api/v1/accounts/verify_credentials")["avatar"]
    account = eventually(
        lambda: (a := reader.account_of("bob", origin, "alice"))["avatar"].startswith(f"{reader.server.url}/media/")
        and a, "alice's avatar copied by the reader's server", TIMEOUT, origin, reader)
    assert account["avatar_static"] == account["avatar"]
    avatar = requests.get(account["avatar"], timeout=10)
    assert avatar.status_code == 200
    assert avatar.headers["Content-Security-Policy"] == SANDBOX
    with Image.open(io.BytesIO(avatar.content)) as copy:
        assert copy.size == (40, 40)
    assert alice_avatar.startswith(f"{origin.server.url}/media/")


class TestRemoteMediaAcrossServers:
    def test_the_second_server_shows_its_copy_of_an_image_posted_on_the_first(self, first, second):
        shows_the_readers_copy(first, second)

    def test_the_first_server_shows_its_copy_of_an_image_posted_on_the_second(self, first, second):
        shows_the_readers_copy(second, first)
