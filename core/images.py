"""Image validation with Pillow: every uploaded image is opened and verified before storing."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.conf import settings
from PIL import Image, UnidentifiedImageError

from core.exceptions import ApiError, TooLarge

# A backstop only: Pillow raises DecompressionBombError past twice this many pixels. Uploads
# are held to settings.IMAGE_MAX_PIXELS before anything is decoded (check_pixels).
Image.MAX_IMAGE_PIXELS = 64_000_000

MIME_BY_FORMAT = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif",
                  "WEBP": "image/webp", "BMP": "image/bmp", "TIFF": "image/tiff",
                  "ICO": "image/x-icon", "AVIF": "image/avif"}
EXTENSION_BY_FORMAT = {"PNG": "png", "JPEG": "jpg", "GIF": "gif", "WEBP": "webp", "BMP": "bmp",
                       "TIFF": "tiff", "ICO": "ico", "AVIF": "avif"}


@dataclass
class ImageInfo:
    format: str
    mime_type: str
    extension: str
    width: int
    height: int


def read_upload(upload, limit: int) -> bytes:
    """The bytes of an upload, refusing anything over `limit` bytes."""
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise TooLarge("File is too large")
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise TooLarge("File is too large")
    if hasattr(upload, "seek"):
        upload.seek(0)
    return data


def check_pixels(image: Image.Image) -> None:
    """Refuse an image with more pixels than IMAGE_MAX_PIXELS, from its header alone
    (Image.open reads only the header: a 470 KB PNG can decode to a gigabyte)."""
    width, height = image.size
    if width * height > settings.IMAGE_MAX_PIXELS:
        raise ApiError("Image is too large", status=413)


def inspect(data: bytes, *, error: str = "File is not an image") -> ImageInfo:
    """Open and verify image bytes; raise 415-style ApiError if they are not an image,
    413 if they would decode to more than IMAGE_MAX_PIXELS pixels."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            check_pixels(probe)
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            fmt = image.format or ""
            width, height = image.size
    except Image.DecompressionBombError as exc:
        raise ApiError("Image is too large", status=413) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ApiError(error, status=415) from exc
    if fmt not in MIME_BY_FORMAT:
        raise ApiError(error, status=415)
    return ImageInfo(fmt, MIME_BY_FORMAT[fmt], EXTENSION_BY_FORMAT[fmt], width, height)


def thumbnail(data: bytes, max_size: int = 400) -> bytes:
    """A small JPEG (PNG for transparent images) preview."""
    with Image.open(io.BytesIO(data)) as image:
        check_pixels(image)
        image.thumbnail((max_size, max_size))
        out = io.BytesIO()
        if image.mode in ("RGBA", "LA", "P"):
            image.convert("RGBA").save(out, format="PNG")
        else:
            image.convert("RGB").save(out, format="JPEG", quality=85)
        return out.getvalue()
