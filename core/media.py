"""Serving files users sent (uploads, avatars, emoji) so that none of them can run script.

Anything is stored, but only inert types are served as themselves: images a browser cannot
script, audio and video. Every other file (HTML, XHTML, SVG, XML, JavaScript, Flash...) goes
out as `application/octet-stream` with `Content-Disposition: attachment`. Each answer also
carries a sandboxing content security policy and `nosniff`, so even a file a browser decided
to render would have no script and no origin. `PLEROMA_MEDIA_BASE_URL` moves the links to
another origin on top of that.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.views.static import serve

# Types a browser renders without running anything in them (no image/svg+xml: SVG is a
# document with script).
INERT_TYPES = frozenset({
    "image/png", "image/apng", "image/jpeg", "image/gif", "image/webp", "image/avif",
    "image/bmp", "image/x-icon", "image/vnd.microsoft.icon", "image/tiff",
    "audio/mpeg", "audio/mp4", "audio/ogg", "audio/wav", "audio/x-wav", "audio/flac",
    "audio/x-flac", "audio/aac", "audio/webm", "audio/opus",
    "video/mp4", "video/webm", "video/ogg", "video/quicktime",
})
UPLOAD_CSP = "default-src 'none'; sandbox"

# Leading bytes of the common audio/video containers (the only non-images we label).
SIGNATURES: list[tuple[int, bytes, str]] = [
    (4, b"ftypqt", "video/quicktime"),
    (4, b"ftypM4A", "audio/mp4"),
    (4, b"ftyp", "video/mp4"),
    (0, b"\x1aE\xdf\xa3", "video/webm"),
    (0, b"OggS", "audio/ogg"),
    (0, b"ID3", "audio/mpeg"),
    (0, b"fLaC", "audio/flac"),
    (0, b"%PDF-", "application/pdf"),
]


def sniff_container(data: bytes) -> str | None:
    """The MIME type of an audio/video container (or PDF) from its first bytes alone."""
    for offset, magic, mime in SIGNATURES:
        if data[offset:offset + len(magic)] == magic:
            return mime
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        return "audio/wav"
    if data[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"):
        return "audio/mpeg"
    return None


def media_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def make_inert(response: HttpResponse) -> HttpResponse:
    """Headers that keep a served user file from running as a page on our origin."""
    if response.status_code == 200 and media_type(response.get("Content-Type", "")) not in INERT_TYPES:
        response["Content-Type"] = "application/octet-stream"
        response["Content-Disposition"] = "attachment"
        # Django sets Content-Encoding for .gz/.br names; the bytes go out as they are.
        if "Content-Encoding" in response:
            del response["Content-Encoding"]
    response["Content-Security-Policy"] = UPLOAD_CSP
    response["X-Content-Type-Options"] = "nosniff"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


def serve_user_file(request, path: str, document_root) -> HttpResponse:
    """A file under document_root (Django's static serve: no directory listings, no `..`)."""
    return make_inert(serve(request, path, document_root=document_root))


def serve_media(request, path: str) -> HttpResponse:
    """GET /media/<path>: uploads, avatars, headers, backgrounds."""
    return serve_user_file(request, path, settings.MEDIA_ROOT)


def media_base_url() -> str:
    """PLEROMA_MEDIA_BASE_URL, else the instance's own URL."""
    return settings.MEDIA_BASE_URL or settings.PLEROMA_URL


def absolute_media_url(path: str) -> str:
    """A root-relative URL of a served user file (`/media/...`, `/emoji/...`) made absolute on
    the media base URL."""
    return f"{media_base_url()}{path}"
