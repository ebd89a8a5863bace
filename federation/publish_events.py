"""Telling other servers about events and participations (reference/federation.md §3.16,
§4.8): Create{Event} of a new local event (its edits and deletion go through the statuses
hooks of federation.publish, rendered as `Event`), Join and Undo{Join} of a local user's
participation in a remote event, Accept and Reject of a remote user's Join by a local
organizer. Each hook runs inside the transaction of the action (events.registry).
"""

from __future__ import annotations

from django.utils import timezone

from accounts.models import User
from core.renderers import format_datetime
from federation import documents, publish


def event_created(event) -> None:
    """events.registry.after_event_create: Create{Event} to the organizer's audience (the
    status's own after_create hook leaves it out: the Event row did not exist then)."""
    status = documents.statuses_for_documents(type(event.status).objects.filter(pk=event.status_id)).get()
    if not publish._federated(status):
        return
    publish.send(status.account, documents.create_activity(status), publish.status_audience(status))


def participant_inboxes(status) -> list[str]:
    """The inboxes of a local event's remote participants, told of its edits and deletion
    beside its audience (Pleroma bcc's them, pleroma-content 6.4)."""
    from events.models import Participation

    users = User.objects.filter(event_participations__event__status_id=status.pk,
                                event_participations__state=Participation.State.ACCEPT,
                                domain__isnull=False, is_active=True)
    return publish.audience(list(users), shared=True)


def join_id(participation) -> str:
    return participation.ap_id or publish.activity_url("join", participation.pk)


def join_activity(participation) -> dict:
    """A local user's Join of a remote event, to its organizer (§3.16)."""
    event = participation.event
    organizer = event.status.account
    payload = {
        "@context": documents.litepub_context(),
        "id": join_id(participation),
        "type": "Join",
        "actor": participation.user.ap_id,
        "object": event.status.uri,
        "to": [organizer.ap_id],
        "cc": [],
        "state": participation.state,
        "published": format_datetime(participation.created_at),
    }
    if participation.participation_message:
        payload["participationMessage"] = participation.participation_message
    return payload


def _local_joins_remote(participation) -> bool:
    return participation.user.is_local and not participation.event.status.account.is_local


def _remote_joins_local(participation) -> bool:
    return not participation.user.is_local and participation.event.status.account.is_local


def joined(participation) -> None:
    """events.registry.after_join: our Join to a remote organizer (the participation stays
    pending until the answer), or the Accept of a remote Join of a free local event."""
    if _local_joins_remote(participation):
        if not participation.ap_id:
            participation.ap_id = publish.activity_url("join", participation.pk)
            type(participation).objects.filter(pk=participation.pk).update(ap_id=participation.ap_id)
        organizer = participation.event.status.account
        publish.send(participation.user, join_activity(participation), publish.audience([organizer], shared=False))
    elif _remote_joins_local(participation) and participation.state == "accept":
        answered(participation, True)


def left(participation) -> None:
    """events.registry.after_leave: Undo{Join}, the Join embedded (§3.8), to the organizer."""
    if not _local_joins_remote(participation):
        return
    organizer = participation.event.status.account
    undo = publish._undo(participation.user, join_activity(participation),
                         publish.activity_url("undo", participation.pk, "join"))
    publish.send(participation.user, undo, publish.audience([organizer], shared=False))


def answered(participation, accepted: bool) -> None:
    """events.registry.participation_answered: a local organizer's Accept or Reject of a
    remote user's Join; `object` is the Join's id (§3.16)."""
    if not _remote_joins_local(participation):
        return
    organizer = participation.event.status.account
    participant = participation.user
    kind = "Accept" if accepted else "Reject"
    at = participation.state_changed_at or timezone.now()
    payload = {
        "@context": documents.litepub_context(),
        "id": publish.activity_url(kind.lower(), participation.pk, f"join-{int(at.timestamp() * 1_000_000)}"),
        "type": kind,
        "actor": organizer.ap_id,
        "object": join_id(participation),
        "to": [participant.ap_id],
        "cc": [],
    }
    publish.send(organizer, payload, publish.audience([participant], shared=False))


def register() -> None:
    """Listen to what the events app announces (FederationConfig.ready)."""
    from events import registry as event_hooks

    hooks = [
        (event_hooks.after_event_create, event_created),
        (event_hooks.after_join, joined),
        (event_hooks.after_leave, left),
        (event_hooks.participation_answered, answered),
    ]
    for hook_list, function in hooks:
        if function not in hook_list:
            hook_list.append(function)
