"""What the cards app adds to statuses (statuses.registry): `card` on the Status entity, and
a card fetch after a status is posted or edited."""

from __future__ import annotations

from cards import services
from cards.models import StatusCard
from cards.serializers import render_card


def load_cards(viewer, statuses: list) -> dict:
    """statuses.registry loader: `card` of the statuses on a page, in one query, and none
    for a page whose statuses have no link a card could be for (mentions, hashtags and
    quote links do not count)."""
    candidates = [s.pk for s in statuses if s is not None and services.link_of(s) is not None]
    if not candidates:
        return {}
    links = StatusCard.objects.filter(status_id__in=candidates).select_related("card")
    return {link.status_id: {"card": render_card(link.card)} for link in links}


def after_create(status, params: dict) -> None:
    """statuses.registry.after_create: fetch the new status's card once it is committed."""
    services.schedule_card(status)


def after_update(status, params: dict | None = None) -> None:
    """statuses.registry.after_update: an edit may change, add or remove the first link."""
    services.schedule_card(status, edited=True)


def remote_status_saved(sender, instance, created: bool = False, raw: bool = False,
                        update_fields=None, **kwargs) -> None:
    """post_save of Status: a remote status, however federation stored it, gets its card
    like a local one, and a remote edit of its text or warning updates it (local statuses
    come through after_create and after_update)."""
    if raw or instance.local:
        return
    if created:
        services.schedule_card(instance)
    elif update_fields and {"content", "sensitive"} & set(update_fields):
        services.schedule_card(instance, edited=True)
