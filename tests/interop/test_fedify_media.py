"""Media of a Fedify post (tests/interop/peer serves the file): the attachment of its Note
is stored, copied here by our worker over https through the SSRF guard, and shown from our
media path with `remote_url` naming the file at the peer (README "Remote media")."""

from __future__ import annotations

import base64
import io

import requests
from PIL import Image

from tests.interop.conftest import OUR_HOST
from tests.interop.test_fedify import _create, _following, _local_id_of, _note

SANDBOX = "default-src 'none'; sandbox"


def png(width: int, height: int, color) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, format="PNG")
    return out.getvalue()


class TestMediaFromFedify:
    """Create{Note} with an image attachment from Fedify"""

    def test_the_image_is_copied_and_shown_from_our_media_path(self, pleroma, fedify):
        alice, token = _following(pleroma, fedify)
        image = png(90, 60, (0, 160, 0))
        file_url = fedify.control("POST", "files", {"name": "green.png", "contentType": "image/png",
                                                    "base64": base64.b64encode(image).decode()})["url"]
        note = _note(alice, 7, "<p>a picture</p>", attachment=[
            {"type": "Document", "mediaType": "image/png", "url": file_url, "name": "a green square"}])
        fedify.send("alice", [f"https://{OUR_HOST}/users/bob"], _create(alice, note))
        status_id = _local_id_of(pleroma, note["id"])

        def copied():
            status = pleroma.get(f"/api/v1/statuses/{status_id}", token).json()
            media = status["media_attachments"]
            return media and media[0]["url"].startswith(f"https://{OUR_HOST}/media/") and status

        status = pleroma.until(copied, timeout=30)
        [attachment] = status["media_attachments"]
        assert attachment["remote_url"] == file_url
        assert attachment["description"] == "a green square"
        assert attachment["type"] == "image"
        assert attachment["preview_url"].startswith(f"https://{OUR_HOST}/media/")
        assert attachment["meta"]["original"]["width"] == 90
        assert attachment["meta"]["original"]["height"] == 60
        served = requests.get(attachment["url"], timeout=10)
        assert served.status_code == 200
        assert served.headers["Content-Type"] == "image/png"
        assert served.headers["Content-Security-Policy"] == SANDBOX
        assert served.content == image
        assert fedify.control("GET", "files") == {"/files/green.png": 1}
