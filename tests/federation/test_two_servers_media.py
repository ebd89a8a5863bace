"""Remote media between two running servers over real HTTP: a post with an image on the
first server reaches a follower on the second, whose worker copies the image (and the
author's avatar) to its own media path; its API then links to the copy, `remote_url` to the
origin, and the copy it serves is the image with inert headers.

One direction only: the second server runs as `make run` does (web and worker on one data
dir), so the copy its worker makes is the file its web process serves."""

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


class TestRemoteMediaAcrossServers:
    def test_an_image_post_is_shown_from_the_readers_copy(self, first, second):
        first.user("alice")
        second.user("bob")
        first.call("PATCH", "alice", "/api/v1/accounts/update_credentials",
                   files={"avatar": ("me.png", png(40, 40, (0, 0, 200)), "image/png")})
        media = first.post("alice", "/api/v1/media", files={"file": ("cat.png", png(120, 80, (200, 0, 0)), "image/png")},
                           data={"description": "a red cat"})
        follow(second, "bob", first, "alice")
        post = first.post("alice", "/api/v1/statuses", data={"status": "look", "media_ids[]": [media["id"]]})
        origin_url = post["media_attachments"][0]["url"]
        assert origin_url.startswith(f"{first.server.url}/media/")

        def copied():
            seen = in_home(second, "bob", post["uri"])
            attachments = seen["media_attachments"] if seen else []
            return attachments and attachments[0]["url"].startswith(f"{second.server.url}/media/") and seen

        seen = eventually(copied, "the image copied by the second server", TIMEOUT, first, second)
        [attachment] = seen["media_attachments"]
        assert attachment["remote_url"] == origin_url
        assert attachment["description"] == "a red cat"
        assert attachment["preview_url"].startswith(f"{second.server.url}/media/")
        assert attachment["meta"]["original"]["width"] == 120
        served = requests.get(attachment["url"], timeout=10)
        assert served.status_code == 200
        assert served.headers["Content-Type"] == "image/png"
        assert served.headers["Content-Security-Policy"] == SANDBOX
        assert served.headers["X-Content-Type-Options"] == "nosniff"
        with Image.open(io.BytesIO(served.content)) as copy:
            assert (copy.format, copy.size, copy.convert("RGB").getpixel((5, 5))) == ("PNG", (120, 80), (200, 0, 0))

        alice_avatar = first.get("alice", "/api/v1/accounts/verify_credentials")["avatar"]
        account = eventually(
            lambda: (a := second.account_of("bob", first, "alice"))["avatar"].startswith(f"{second.server.url}/media/")
            and a, "alice's avatar copied by the second server", TIMEOUT, first, second)
        assert account["avatar_static"] == account["avatar"]
        avatar = requests.get(account["avatar"], timeout=10)
        assert avatar.headers["Content-Security-Policy"] == SANDBOX
        with Image.open(io.BytesIO(avatar.content)) as copy:
            assert copy.size == (40, 40)
        assert alice_avatar.startswith(f"{first.server.url}/media/")
