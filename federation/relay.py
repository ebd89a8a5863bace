"""Relays (reference/federation.md §6.4): this server's relay actor follows relay actors of
other servers (`manage.py relay`, the admin API), the relays answer with Accept, and what
they Announce reaches the federated timeline through the ordinary inbox handlers.

The relay actor is the local service account `relay` (an Application; the nickname is
reserved so nobody can register it), so it signs with its own key like any local actor;
/relay serves its document and /relay/inbox is its inbox."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from accounts.models import User
from core.exceptions import ApiError, BadRequest, NotFound
from federation import actors, delivery, documents
from mrf import policies
from relationships.models import Follow

NICKNAME = "relay"
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


def relay_actor() -> User:
    """The relay actor, created on first use."""
    user = User.objects.filter(nickname=NICKNAME, domain__isnull=True).first()
    if user is not None:
        return user
    with transaction.atomic():
        user, created = User.objects.get_or_create(
            nickname=NICKNAME, domain=None,
            defaults={"actor_type": User.ActorType.APPLICATION, "display_name": "Relay",
                      "note_html": "The relay actor of this server.", "is_active": True})
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
    return user


def _follow_id(row: Follow) -> str:
    return f"{settings.PLEROMA_URL}/activities/follow/{row.pk.hex}"


def _follow_activity(relay: User, remote: User, row: Follow) -> dict:
    return {"@context": documents.litepub_context(), "id": _follow_id(row), "type": "Follow",
            "actor": relay.ap_id, "object": remote.remote_ap_id, "to": [remote.remote_ap_id], "cc": [PUBLIC]}


def _remote_relay(relay_url: str) -> User:
    if not isinstance(relay_url, str) or not relay_url.startswith(("https://", "http://")):
        raise BadRequest("Invalid relay URL")
    if relay_url.startswith(f"{settings.PLEROMA_URL}/"):
        raise BadRequest("Can not follow this server's own actors as a relay")
    if not policies.accepts_id(relay_url):
        raise ApiError("The relay's server is rejected by an instance policy", status=422)
    try:
        return actors.get_or_fetch_by_ap_id(relay_url)
    except actors.ActorError as exc:
        # what the URL names could not be had: the request cannot succeed as sent (not a 5xx)
        raise ApiError(f"Could not fetch the relay actor: {exc}", status=422) from exc


def follow(relay_url: str) -> Follow:
    """The relay actor follows `relay_url` (pending until the relay accepts); idempotent."""
    remote = _remote_relay(relay_url)
    relay = relay_actor()
    with transaction.atomic():
        row, created = Follow.objects.get_or_create(follower=relay, followed=remote,
                                                    defaults={"state": Follow.State.PENDING})
        if created or row.state == Follow.State.PENDING:
            delivery.enqueue(relay, _follow_activity(relay, remote, row), [remote.inbox])
    return row


def unfollow(relay_url: str, *, force: bool = False) -> str:
    """Stop following a relay: Undo{Follow} sent, the follow removed. With `force` the
    follow is removed even when the relay's actor is gone (nothing sent then)."""
    relay = relay_actor()
    remote = User.objects.filter(remote_ap_id=relay_url).first()
    row = Follow.objects.filter(follower=relay, followed=remote).first() if remote is not None else None
    if row is None:
        raise NotFound("Not subscribed to this relay")
    with transaction.atomic():
        if not (force and not remote.inbox):
            undo = {"@context": documents.litepub_context(), "id": f"{_follow_id(row)}/undo", "type": "Undo",
                    "actor": relay.ap_id, "object": _follow_activity(relay, remote, row),
                    "to": [remote.remote_ap_id], "cc": [PUBLIC]}
            delivery.enqueue(relay, undo, [remote.inbox])
        row.delete()
    return relay_url


def relays() -> list[dict]:
    """The relays followed: actor id, whether the relay accepted, whether it follows back."""
    relay = relay_actor()
    rows = list(Follow.objects.filter(follower=relay).select_related("followed").order_by("id"))
    back = set(Follow.objects.filter(followed=relay, state=Follow.State.ACCEPTED,
                                     follower_id__in=[row.followed_id for row in rows])
               .values_list("follower_id", flat=True))
    return [{"actor": row.followed.remote_ap_id, "accepted": row.state == Follow.State.ACCEPTED,
             "followed_back": row.followed_id in back} for row in rows]
