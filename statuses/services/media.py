"""Media uploads: images verified with Pillow (and thumbnailed), other files sniffed and stored."""

from __future__ import annotations

import mimetypes
import os
import secrets

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction

from accounts.models import User
from core import images
from core.exceptions import ApiError, NotFound, Unprocessable
from core.media import sniff_container
from statuses.models import MediaAttachment

# Alt text and attachments per post, as advertised (`description_limit`, `max_media_attachments`).
DESCRIPTION_LIMIT = 5000
MAX_MEDIA_ATTACHMENTS = 1000

IMAGE_EXTENSIONS = {"png", "jpg", "jpeg", "gif", "webp", "bmp", "tif", "tiff", "ico", "avif",
                    "heic", "heif", "apng", "jfif", "svg"}


def _extension(name: str) -> str:
    return os.path.splitext(name or "")[1].lstrip(".").lower()


def sniff(data: bytes, name: str) -> str:
    """The MIME type of a non-image file from its first bytes, else from its name."""
    found = sniff_container(data)
    if found:
        return found
    guessed, _ = mimetypes.guess_type(name or "")
    if guessed and not guessed.startswith("image/") and not guessed.startswith("text/html"):
        return guessed
    return "application/octet-stream"


def parse_focus(focus: str | None) -> dict | None:
    """`focus=x,y` with both in [-1, 1]; anything else is ignored, as Pleroma ignores focus."""
    if not focus:
        return None
    try:
        x, y = (float(v) for v in str(focus).split(","))
    except ValueError:
        return None
    if not (-1 <= x <= 1 and -1 <= y <= 1):
        return None
    return {"x": x, "y": y}


def _dimensions(width: int, height: int) -> dict:
    return {"width": width, "height": height, "size": f"{width}x{height}",
            "aspect": round(width / height, 6) if height else None}


def check_description(description: str | None) -> None:
    """Alt text over the advertised `description_limit` is refused."""
    if description and len(description) > DESCRIPTION_LIMIT:
        raise Unprocessable(f"Description is too long (maximum is {DESCRIPTION_LIMIT} characters)")


def upload_media(account: User, upload, *, description: str = "", focus: str | None = None) -> MediaAttachment:
    """Store an uploaded file for `account` (POST /api/v1/media), not yet attached to a status."""
    check_description(description)
    data = images.read_upload(upload, settings.UPLOAD_LIMIT)
    name = getattr(upload, "name", "") or ""
    claimed = (getattr(upload, "content_type", "") or "").lower()
    claims_image = claimed.startswith("image/") or _extension(name) in IMAGE_EXTENSIONS
    info = None
    if claims_image:
        info = images.inspect(data, error="File is not a valid image")
    else:
        try:
            info = images.inspect(data)
        except ApiError as exc:
            if exc.status == 413:
                raise
            info = None
    token = secrets.token_hex(16)
    media = MediaAttachment(account=account, description=description or "")
    meta: dict = {}
    if info is not None:
        media.type = MediaAttachment.Type.IMAGE
        media.mime_type = info.mime_type
        filename = f"{token}.{info.extension}"
        meta["original"] = _dimensions(info.width, info.height)
        preview = images.thumbnail(data)
        small = images.inspect(preview)
        meta["small"] = _dimensions(small.width, small.height)
        media.preview.save(f"{token}-small.{small.extension}", ContentFile(preview), save=False)
    else:
        mime = sniff(data, name)
        media.mime_type = mime
        kind = mime.split("/")[0]
        media.type = kind if kind in ("video", "audio") else MediaAttachment.Type.UNKNOWN
        ext = mimetypes.guess_extension(mime) or ".bin"
        filename = f"{token}{ext}"
    point = parse_focus(focus)
    if point is not None:
        meta["focus"] = point
        media.focus = f"{point['x']},{point['y']}"
    media.meta = meta
    media.file.save(filename, ContentFile(data), save=False)
    with transaction.atomic():
        media.save()
    return media


def get_own_media(account: User, media_id) -> MediaAttachment:
    """One of `account`'s uploads; others' and unknown ids are 404."""
    from core import ids

    pk = ids.decode(str(media_id))
    media = MediaAttachment.objects.filter(pk=pk, account=account).first() if pk else None
    if media is None:
        raise NotFound()
    return media


def update_media(media: MediaAttachment, *, description: str | None = None,
                 focus: str | None = None) -> MediaAttachment:
    """Change an upload's alt text or focus point (PUT /api/v1/media/:id)."""
    fields = []
    if description is not None:
        check_description(description)
        media.description = description
        fields.append("description")
    point = parse_focus(focus)
    if point is not None:
        media.focus = f"{point['x']},{point['y']}"
        media.meta = {**media.meta, "focus": point}
        fields += ["focus", "meta"]
    if fields:
        media.save(update_fields=fields)
    return media
