"""Fetching a remote media file to keep a copy of it (README "Remote media").

The file is downloaded through core.http (the SSRF guard: no private, loopback or
link-local address unless PLEROMA_ALLOW_PRIVATE_NETWORKS, every redirect checked), streamed
and abandoned past PLEROMA_REMOTE_MEDIA_MAX_BYTES, within PLEROMA_REMOTE_MEDIA_TIMEOUT
seconds in all. What came back is identified from its bytes, never from its Content-Type:
an image Pillow opens (held to PLEROMA_IMAGE_MAX_PIXELS from its header, before anything is
decoded), or an audio/video container served as inert media; anything else is refused.

`Refused` is final (the origin's answer will not get better: a 4xx, too large, not media, a
private address); `Unavailable` is worth another try later (timeouts, 5xx, 429, resets).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings

from core import http, images
from core.exceptions import ApiError
from core.media import INERT_TYPES, sniff_container

ACCEPT = "image/*, video/*, audio/*;q=0.9, */*;q=0.1"
# The extension a copy is stored under: it is what the media path serves the type from.
EXTENSION_BY_TYPE = {
    "video/mp4": "mp4", "video/quicktime": "mov", "video/webm": "webm", "audio/ogg": "ogg",
    "audio/mpeg": "mp3", "audio/flac": "flac", "audio/mp4": "m4a", "audio/wav": "wav",
}
# Answers that say "later" rather than "never".
RETRYABLE_STATUSES = frozenset({408, 425, 429})


class Refused(Exception):
    """The file will not be copied: the reason is final."""


class Unavailable(Exception):
    """The file could not be had this time (network, timeout, server error)."""


@dataclass
class Identified:
    """What a downloaded file is, from its bytes."""

    kind: str  # image, video or audio
    mime_type: str
    extension: str
    image: images.ImageInfo | None = None


def download(url: str) -> bytes:
    """The body at `url`, within the byte and time limits; Refused or Unavailable otherwise."""
    timeout = settings.REMOTE_MEDIA_TIMEOUT
    try:
        fetched = http.get(url, max_bytes=settings.REMOTE_MEDIA_MAX_BYTES, timeout=min(timeout, 10.0),
                           headers={"Accept": ACCEPT}, deadline=time.monotonic() + timeout)
    except http.RemoteTimeout as exc:
        raise Unavailable(exc.message) from exc
    except http.OutboundError as exc:
        if exc.status in (400, 413):  # an address refused by the guard, an invalid URL, too large
            raise Refused(exc.message) from exc
        raise Unavailable(exc.message) from exc
    if fetched.status >= 500 or fetched.status in RETRYABLE_STATUSES:
        raise Unavailable(f"Remote server answered {fetched.status}")
    if fetched.status >= 300:
        raise Refused(f"Remote server answered {fetched.status}")
    return fetched.content


def identify(data: bytes, *, images_only: bool = False) -> Identified:
    """An image (verified by Pillow), or an audio/video container we serve as such."""
    try:
        info = images.inspect(data)
    except ApiError as exc:
        if exc.status == 413:
            raise Refused("Image is too large") from exc
        info = None
    if info is not None:
        return Identified("image", info.mime_type, info.extension, info)
    mime = sniff_container(data) or ""
    kind = mime.split("/", 1)[0]
    if images_only or kind not in ("video", "audio") or mime not in INERT_TYPES:
        raise Refused("Remote file is not an image" if images_only else "Remote file is not media")
    return Identified(kind, mime, EXTENSION_BY_TYPE.get(mime, "bin"))
