"""The Card entity (mastodon-base 2.6, Mastodon's PreviewCard) of a stored PreviewCard."""

from __future__ import annotations

from accounts.serializers import absolute
from cards.models import PreviewCard


def render_card(card: PreviewCard) -> dict:
    """Mastodon's PreviewCard fields plus Pleroma's `pleroma.opengraph`; the image is our
    stored copy (the remote one is never handed to clients, as Pleroma proxies it)."""
    image = absolute(card.image.url) if card.image else None
    opengraph = {key: value for key, value in (card.opengraph or {}).items() if key != "image"}
    if image is not None:
        opengraph["image"] = image
    return {
        "url": card.url,
        "title": card.title,
        "description": card.description,
        "type": card.type,
        "author_name": card.author_name,
        "author_url": card.author_url,
        "provider_name": card.provider_name,
        "provider_url": card.provider_url,
        "html": card.html,
        "width": card.width,
        "height": card.height,
        "image": image,
        "image_description": card.image_description,
        "embed_url": card.embed_url,
        "blurhash": None,
        "language": card.language,
        "published_at": None,
        "authors": [],
        "pleroma": {"opengraph": opengraph},
    }
