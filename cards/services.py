"""Preview cards: which link a status previews, fetching the card of a URL (page, oEmbed,
image) through the outbound client, storing it once per URL and linking statuses to it.

Everything that touches the network runs in the `fetch_status_card` task, never in a
request. A fetch that fails stores nothing (the URL is then left alone for a while); a card
is written with its link in one transaction, its image file removed again if that fails.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import time
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from cards import parsing
from cards.models import PreviewCard, StatusCard
from core import http, images, render_cache
from core.exceptions import ApiError
from statuses.models import Status

log = logging.getLogger(__name__)

PAGE_BYTES = 1_000_000  # HTML read from a linked page (the head is what matters)
OEMBED_BYTES = 256_000
IMAGE_BYTES = 8_000_000
IMAGE_SIZE = 640  # the stored image fits in IMAGE_SIZE x IMAGE_SIZE (Mastodon's card size)
FAILED_SECONDS = 3600  # a URL whose fetch failed is not tried again for this long
PAGE_TYPES = ("text/html", "application/xhtml+xml")
REMOTE_SPREAD_SECONDS = 60


class CardUnavailable(Exception):
    """The linked page gives no card: unreachable, refused, too big, not HTML, no title."""


@dataclass
class CardImage:
    data: bytes
    extension: str
    width: int
    height: int


@dataclass
class FetchedCard:
    """A card as read from the network, not yet stored."""

    fields: dict = field(default_factory=dict)
    image: CardImage | None = None


def link_of(status: Status) -> str | None:
    """The URL whose card `status` shows: its first external link. Reblogs show the card of
    the status they reblog; sensitive statuses get none (Pleroma fetches no rich media for
    them: the preview would show what the warning hides)."""
    if status.reblog_of_id or status.sensitive:
        return None
    return parsing.first_link(status.content, exclude_host=urlsplit(settings.PLEROMA_URL).netloc)


def schedule_card(status: Status, *, edited: bool = False) -> None:
    """After the status's transaction commits, fetch (or drop, after an edit) its card.
    A remote status's fetch waits a random minute at most: every instance the status
    reaches would otherwise hit the linked site in the same second (Mastodon spreads its
    fetches the same way)."""
    from cards import tasks

    if not edited and (not settings.LINK_PREVIEWS or link_of(status) is None):
        return
    status_id = str(status.pk)
    countdown = 0 if status.local else secrets.randbelow(REMOTE_SPREAD_SECONDS) + 1
    transaction.on_commit(lambda: tasks.fetch_status_card.apply_async((status_id,), countdown=countdown))


def card_of(status: Status) -> PreviewCard | None:
    """The card a status shows (for a reblog, the reblogged status's)."""
    link = StatusCard.objects.select_related("card").filter(
        status_id=status.reblog_of_id or status.pk).first()
    return link.card if link is not None else None


def update_status_card(status_id) -> PreviewCard | None:
    """Give a status the card of its first link: the stored one while fresh, else fetched
    (and stored for every status linking that URL); an edit that removed the link removes
    the card. Safe to run twice."""
    status = Status.objects.filter(pk=status_id).first()
    if status is None:
        return None
    url = link_of(status)
    current = StatusCard.objects.select_related("card").filter(status_id=status.pk).first()
    if url is None:
        if current is not None:
            current.delete()
        return None
    if current is not None and current.card.url == url and not current.card.is_stale:
        return current.card
    known = PreviewCard.objects.filter(url=url).first()
    if known is not None and not known.is_stale:
        return _link(status, url, known)
    if not settings.LINK_PREVIEWS or _recently_failed(url):
        return _link(status, url, known) if known is not None else _unlink(current)
    try:
        fetched = fetch_card(url)
    except CardUnavailable as exc:
        log.info("no card for %s: %s", url, exc)
        _mark_failed(url)
        # A stale card is better than none: keep showing what the page said last time.
        return _link(status, url, known) if known is not None else _unlink(current)
    return store_card(status, url, fetched)


def refresh_card(card: PreviewCard) -> PreviewCard | None:
    """Fetch a stored card's page again now (admin action); the statuses linking it show
    the new card. None if the page gives no card any more (the old one stays)."""
    try:
        fetched = fetch_card(card.url)
    except CardUnavailable as exc:
        log.info("no card for %s: %s", card.url, exc)
        return None
    return _store(card.url, fetched, status=None)


def _unlink(current: StatusCard | None) -> None:
    if current is not None:
        current.delete()
    return None


def _failed_key(url: str) -> str:
    return f"cards:failed:{hashlib.sha256(url.encode()).hexdigest()}"


def _recently_failed(url: str) -> bool:
    return cache.get(_failed_key(url)) is not None


def _mark_failed(url: str) -> None:
    cache.set(_failed_key(url), 1, FAILED_SECONDS)


def _link(status: Status, url: str, card: PreviewCard) -> PreviewCard | None:
    """Point the status at a stored card, unless it was deleted or edited meanwhile."""
    with transaction.atomic():
        locked = Status.objects.select_for_update().filter(pk=status.pk).first()
        if locked is None or link_of(locked) != url:
            return None
        # Locked too, so that pruning cannot remove the card under the new link.
        if not PreviewCard.objects.select_for_update().filter(pk=card.pk).exists():
            return None
        StatusCard.objects.update_or_create(status_id=locked.pk, defaults={"card": card})
    return card


# --- fetching -------------------------------------------------------------------------------

def _header(fetched: http.Fetched, name: str) -> str:
    for key, value in fetched.headers.items():
        if key.lower() == name:
            return value
    return ""


def _get(url: str, max_bytes: int, deadline: float, accept: str) -> http.Fetched:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise CardUnavailable("out of time")
    try:
        fetched = http.get(url, max_bytes=max_bytes, timeout=min(remaining, settings.LINK_PREVIEW_TIMEOUT_SECONDS),
                           headers={"Accept": accept}, deadline=deadline)
    except ApiError as exc:  # refused address, timeout, too large, connection failure
        raise CardUnavailable(exc.message) from exc
    if fetched.status >= 400:
        raise CardUnavailable(f"answered {fetched.status}")
    return fetched


def fetch_card(url: str) -> FetchedCard:
    """Read the card of `url` from the network: the page's metadata, its oEmbed document
    when it links one, and the preview image; bounded in size and in total time."""
    deadline = time.monotonic() + settings.LINK_PREVIEW_TIMEOUT_SECONDS
    page = _get(url, PAGE_BYTES, deadline, "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1")
    content_type = _header(page, "content-type")
    if content_type.split(";", 1)[0].strip().lower() not in PAGE_TYPES:
        raise CardUnavailable(f"not a page: {content_type or 'no type'}")
    metadata = parsing.parse_page(parsing.decode_html(page.content, content_type), page.url)
    opengraph = parsing.opengraph_of(metadata)
    parts = urlsplit(url)
    fields = {
        "type": PreviewCard.Type.LINK,
        "title": parsing.clean_text(metadata.first("og:title", "twitter:title") or metadata.title,
                                    parsing.TITLE_LIMIT),
        "description": parsing.clean_text(
            metadata.first("og:description", "twitter:description", "description"), parsing.DESCRIPTION_LIMIT),
        "provider_name": parsing.clean_text(metadata.first("og:site_name") or parts.hostname or "",
                                            parsing.NAME_LIMIT),
        "provider_url": f"{parts.scheme}://{parts.netloc}",
        "author_name": parsing.clean_text(metadata.first("author", "article:author"), parsing.NAME_LIMIT),
        "author_url": "",
        "html": "",
        "embed_url": "",
        "width": 0,
        "height": 0,
        "image_description": parsing.clean_text(metadata.first("og:image:alt", "twitter:image:alt"),
                                                parsing.DESCRIPTION_LIMIT),
        "language": parsing.clean_text(metadata.language or "", 16) or None,
        "opengraph": opengraph,
    }
    image_url = parsing.image_url_of(metadata, page.url)
    if metadata.oembed_url:
        image_url = _apply_oembed(fields, metadata.oembed_url, deadline) or image_url
    if not fields["title"] and not fields["html"]:
        raise CardUnavailable("the page has no title")
    image = _fetch_image(image_url, deadline) if image_url else None
    if image is not None and fields["type"] in (PreviewCard.Type.LINK, PreviewCard.Type.PHOTO):
        fields["width"], fields["height"] = image.width, image.height
    return FetchedCard(fields, image)


def _apply_oembed(fields: dict, oembed_url: str, deadline: float) -> str | None:
    """Fill `fields` from the page's oEmbed document (video and rich embeds keep their
    sanitised iframe, a photo its URL); returns the image it names. A broken document
    leaves the page's own metadata."""
    try:
        document = _get(oembed_url, OEMBED_BYTES, deadline, "application/json").json()
    except (CardUnavailable, ApiError):
        return None
    if not isinstance(document, dict):
        return None
    kind = document.get("type")
    if kind in ("video", "rich"):
        embed = parsing.sanitize_embed(document.get("html"))
        if embed:
            fields.update(type=kind, html=embed, width=parsing.dimension(document.get("width")),
                          height=parsing.dimension(document.get("height")))
    elif kind == "photo" and (photo := parsing.http_url(document.get("url"), oembed_url)):
        fields.update(type=PreviewCard.Type.PHOTO, embed_url=photo)
    for name, limit in (("title", parsing.TITLE_LIMIT), ("author_name", parsing.NAME_LIMIT),
                        ("provider_name", parsing.NAME_LIMIT)):
        if value := parsing.clean_text(document.get(name), limit):
            fields[name] = value
    for name in ("author_url", "provider_url"):
        if value := parsing.http_url(document.get(name)):
            fields[name] = value
    thumbnail = parsing.http_url(document.get("thumbnail_url"), oembed_url)
    return thumbnail or (fields["embed_url"] or None)


def _fetch_image(url: str, deadline: float) -> CardImage | None:
    """The preview image, verified and decoded under the pixel limit by Pillow and resized;
    None when it cannot be had (the card is kept without an image)."""
    try:
        fetched = _get(url, IMAGE_BYTES, deadline, "image/*")
        images.inspect(fetched.content)
        resized = images.thumbnail(fetched.content, IMAGE_SIZE)
        info = images.inspect(resized)
    except (CardUnavailable, ApiError) as exc:
        log.info("no card image from %s: %s", url, exc)
        return None
    except Exception:  # Pillow on hostile bytes: whatever it raises, the card goes without
        log.warning("no card image from %s", url, exc_info=True)
        return None
    return CardImage(resized, info.extension, info.width, info.height)


# --- storing --------------------------------------------------------------------------------

def store_card(status: Status, url: str, fetched: FetchedCard) -> PreviewCard | None:
    """Store the fetched card of `url` (replacing a stale one) and link `status` to it."""
    return _store(url, fetched, status=status)


def _store(url: str, fetched: FetchedCard, *, status: Status | None) -> PreviewCard | None:
    image_name = ""
    if fetched.image is not None:
        now = timezone.now()
        image_name = default_storage.save(
            f"cards/{now:%Y}/{now:%m}/{secrets.token_hex(16)}.{fetched.image.extension}",
            ContentFile(fetched.image.data))
    replaced = ""
    try:
        with transaction.atomic():
            if status is not None:
                locked = Status.objects.select_for_update().filter(pk=status.pk).first()
                if locked is None or link_of(locked) != url:  # deleted or edited meanwhile
                    raise _Discard()
            card = PreviewCard.objects.select_for_update().filter(url=url).first()
            if card is None:
                card = PreviewCard(url=url)
            else:
                replaced = card.image.name or ""
            for name, value in fetched.fields.items():
                setattr(card, name, value)
            card.image = image_name
            card.fetched_at = timezone.now()
            card.save()
            if status is not None:
                StatusCard.objects.update_or_create(status_id=status.pk, defaults={"card": card})
            # Every status showing this card shows the new one (StatusCard saves drop their
            # own status's entry; the others are dropped here).
            render_cache.forget("s", StatusCard.objects.filter(card=card).values_list("status_id", flat=True))
    except _Discard:
        _delete_file(image_name)
        return None
    except IntegrityError:
        # Another task stored this URL's card first: show that one.
        _delete_file(image_name)
        existing = PreviewCard.objects.filter(url=url).first()
        if existing is None or status is None:
            return existing
        return _link(status, url, existing)
    except BaseException:
        _delete_file(image_name)
        raise
    if replaced and replaced != image_name:
        _delete_file(replaced)
    return card


class _Discard(Exception):
    pass


def _delete_file(name: str) -> None:
    if name:
        try:
            default_storage.delete(name)
        except OSError:
            log.warning("could not delete card image %s", name)


def delete_card(card: PreviewCard) -> None:
    """Remove a card (admin): its statuses show none until they are fetched again."""
    with transaction.atomic():
        render_cache.forget("s", StatusCard.objects.filter(card=card).values_list("status_id", flat=True))
        name = card.image.name
        card.delete()
    _delete_file(name or "")


def prune_unlinked_cards(*, batch: int = 500) -> int:
    """Remove cards no status shows any more once they are stale (a status linking the URL
    again would fetch it anyway), with their image files; returns how many."""
    cutoff = timezone.now() - timedelta(seconds=settings.LINK_PREVIEW_TTL_SECONDS)
    unlinked = PreviewCard.objects.filter(~Exists(StatusCard.objects.filter(card=OuterRef("pk"))))
    removed = 0
    while True:
        cards = list(unlinked.filter(fetched_at__lt=cutoff).order_by("pk")[:batch])
        for card in cards:
            with transaction.atomic():
                locked = unlinked.select_for_update().filter(pk=card.pk).first()
                if locked is None:  # a status linked it meanwhile
                    continue
                name = locked.image.name or ""
                locked.delete()
            _delete_file(name)
            removed += 1
        if len(cards) < batch:
            return removed
