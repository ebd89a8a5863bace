"""Background work on preview cards: fetching the card of a status's first link."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from cards import services


@shared_task(queue="default", acks_late=True, max_retries=3, autoretry_for=(OperationalError,),
             retry_backoff=True, soft_time_limit=120, time_limit=150)
def fetch_status_card(status_id: str) -> str | None:
    """Give a status the card of its first link (fetched unless a fresh one is stored);
    safe to run twice. A page that gives no card is not retried: the URL rests a while."""
    card = services.update_status_card(status_id)
    return str(card.pk) if card is not None else None


@shared_task(queue="default", acks_late=True, max_retries=3, autoretry_for=(OperationalError,),
             retry_backoff=True, soft_time_limit=120, time_limit=150)
def refresh_card(card_id: str) -> bool:
    """Fetch a stored card's page again (admin action); False if it gives no card now."""
    card = services.PreviewCard.objects.filter(pk=card_id).first()
    return card is not None and services.refresh_card(card) is not None


@shared_task(queue="default", acks_late=True)
def prune_cards() -> int:
    """Beat: remove stale cards no status shows any more, and their images."""
    return services.prune_unlinked_cards()
