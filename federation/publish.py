"""Telling other servers what local accounts did (reference/federation.md §3.7-3.13, §4.1,
§4.6, §5.1-5.3): each hook the statuses, relationships and accounts apps announce builds
the activity Pleroma sends for it, works out its remote audience and hands both to
federation.delivery, inside the transaction of the action (the outbox row commits with it).

Who receives what (§5.1): the remote accounts the activity addresses, plus every remote
follower's server when the actor's followers collection is addressed. A server with a
shared inbox gets one delivery for all its users (§5.2); an activity for one person only
(a Follow, a Block, a direct message to one account) goes to that person's own inbox.
Local-only statuses and everything of remote actors are never sent.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from core import ids
from core.renderers import format_datetime
from federation import delivery, documents
from federation.models import OutgoingActivity
from relationships.models import Block, Follow

PUBLIC = documents.PUBLIC
PUBLIC_VISIBILITIES = ("public", "unlisted")
FOLLOWER_VISIBILITIES = ("public", "unlisted", "private")


def federating() -> bool:
    """PLEROMA_FEDERATING: off, this server sends nothing (and refuses inbox POSTs)."""
    return bool(getattr(settings, "FEDERATING", True))


def activity_url(kind: str, pk, suffix: str = "") -> str:
    """The id of an activity about one row: /activities/<kind>/<row id>[-<suffix>]."""
    tail = f"-{suffix}" if suffix else ""
    return f"{settings.PLEROMA_URL}/activities/{kind}/{ids.encode(pk)}{tail}"


def followers_url(user: User) -> str:
    return f"{user.ap_id}/followers"


# --- audiences ---------------------------------------------------------------------------------

def _is_remote(user: User | None) -> bool:
    return user is not None and not user.is_local and bool(user.inbox or user.shared_inbox)


def inbox_of(user: User, *, shared: bool) -> str:
    """The shared inbox when the activity has several recipients, else the personal one."""
    if shared:
        return user.shared_inbox or user.inbox
    return user.inbox or user.shared_inbox


def follower_inboxes(user: User) -> list[str]:
    """The inboxes of `user`'s remote followers, one per shared inbox."""
    rows = User.objects.filter(
        following_rel__followed=user, following_rel__state=Follow.State.ACCEPTED,
        domain__isnull=False, is_active=True,
    ).values_list("shared_inbox", "inbox")
    return [shared or inbox for shared, inbox in rows if shared or inbox]


def audience(recipients: Iterable[User | None], *, followers_of: User | None = None,
             shared: bool | None = None) -> list[str]:
    """Inboxes for the remote accounts among `recipients` and, when given, the remote
    followers of `followers_of`; `shared` None: shared inboxes unless there is one
    recipient and no follower fan-out (§5.2)."""
    remote = list({u.pk: u for u in recipients if _is_remote(u)}.values())
    if shared is None:
        shared = followers_of is not None or len(remote) > 1
    inboxes = [inbox_of(u, shared=shared) for u in remote]
    if followers_of is not None:
        inboxes += follower_inboxes(followers_of)
    return list(dict.fromkeys(i for i in inboxes if i))


def send(actor: User, payload: dict, inboxes: list[str]) -> OutgoingActivity | None:
    """Record `payload` for delivery to `inboxes` (nothing when no one elsewhere gets it).
    A deleted account sends only the Delete of itself: that one removes its posts,
    favourites and follows on the other side, so the clean-up here sends nothing more."""
    if not federating() or not actor.is_local or not inboxes:
        return None
    if actor.is_deleted and not (payload.get("type") == "Delete" and payload.get("object") == actor.ap_id):
        return None
    return delivery.enqueue(actor, payload, inboxes)


# --- statuses ----------------------------------------------------------------------------------

def _mentioned(status) -> list[User]:
    return [m.account for m in status.mentions.select_related("account")]


def status_audience(status, *, shared: bool | None = None) -> list[str]:
    """Who hears of a status (§4.6, §5.1): the accounts it addresses (mentions, the replied-to
    author), and the author's followers unless it is direct."""
    recipients = _mentioned(status)
    if status.in_reply_to_id and status.visibility != "direct":
        recipients.append(status.in_reply_to.account)
    followers_of = status.account if status.visibility in FOLLOWER_VISIBILITIES else None
    return audience(recipients, followers_of=followers_of, shared=shared)


def _federated(status) -> bool:
    return bool(status.local) and status.visibility != "local" and status.account.is_local


def status_created(status, params: dict | None = None) -> None:
    """statuses.registry.after_create: Create{Note} to the post's audience."""
    from federation import quotes

    if status.reblog_of_id or not _federated(status):
        return
    if params and params.get("event"):
        return  # an event: sent as Create{Event} once its Event row exists (publish_events)
    if status.quote_id and federating():
        quotes.quote_posted(status)  # first: a stamp of ours goes into the Create's note
    send(status.account, documents.create_activity(status), status_audience(status))


def status_updated(status) -> None:
    """statuses.registry.after_update: Update{Note} with the new version (§4.9), to the
    audience of the post as it is now. `updated` strictly increases with each edit."""
    if status.reblog_of_id or not _federated(status):
        return
    edited_at = status.edited_at or timezone.now()
    create = documents.create_activity(status)
    note = {**create["object"], "updated": format_datetime(edited_at)}
    payload = {**create, "id": activity_url("update", status.pk, str(int(edited_at.timestamp() * 1_000_000))),
               "type": "Update", "object": note}
    payload.pop("directMessage", None)
    inboxes = status_audience(status)
    if note["type"] == "Event":
        from federation import publish_events

        inboxes = list(dict.fromkeys(inboxes + publish_events.participant_inboxes(status)))
    send(status.account, payload, inboxes)


def status_deleting(status) -> None:
    """statuses.registry.before_delete: Delete{Tombstone} of a post to its audience, or
    Undo{Announce} when the status is a reblog."""
    from federation import quotes

    if status.reblog_of_id:
        reblog_removed(status)
        return
    if not _federated(status):
        return
    if federating():
        quotes.quoted_post_deleting(status)
    to, cc = documents.addressing(status, [u.ap_id for u in _mentioned(status)])
    payload = {
        "@context": documents.litepub_context(),
        "id": activity_url("delete", status.pk),
        "type": "Delete",
        "actor": status.account.ap_id,
        "object": {"id": status.uri, "type": "Tombstone",
                   "formerType": "Event" if documents.event_of(status) is not None else "Note"},
        "to": to,
        "cc": cc,
    }
    inboxes = status_audience(status, shared=True)
    if documents.event_of(status) is not None:
        from federation import publish_events

        inboxes = list(dict.fromkeys(inboxes + publish_events.participant_inboxes(status)))
    send(status.account, payload, inboxes)


# --- favourites and reblogs --------------------------------------------------------------------

def _like(account: User, status, favourite) -> tuple[dict, list[str]]:
    """A Like as Pleroma addresses object actions (§3.12): to the liker's followers (public
    objects only) and the author; cc the object's other addressees."""
    author = status.account
    public = status.visibility in PUBLIC_VISIBILITIES
    mentioned = _mentioned(status)
    to = ([followers_url(account)] if public else []) + [author.ap_id]
    cc = ([PUBLIC] if public else []) + [u.ap_id for u in mentioned if u.pk not in (account.pk, author.pk)]
    payload = {
        "@context": documents.litepub_context(),
        "id": activity_url("like", favourite.pk),
        "type": "Like",
        "actor": account.ap_id,
        "object": status.uri,
        "to": to,
        "cc": cc,
    }
    if status.local:
        payload["context"] = documents.context_id(status)
    inboxes = audience([author, *mentioned], followers_of=account if public else None, shared=True)
    return payload, inboxes


def _interacts(account: User, status) -> bool:
    return account.is_local and status.visibility != "local"


def favourited(account: User, status, favourite) -> None:
    """statuses.registry.after_favourite: Like."""
    if _interacts(account, status):
        payload, inboxes = _like(account, status, favourite)
        send(account, payload, inboxes)


def unfavourited(account: User, status, favourite) -> None:
    """statuses.registry.after_unfavourite: Undo{Like}, the Like embedded (§3.8)."""
    if not _interacts(account, status):
        return
    like, inboxes = _like(account, status, favourite)
    send(account, _undo(account, like, activity_url("undo", favourite.pk)), inboxes)


def _announce(boost) -> tuple[dict, list[str]]:
    payload = documents.announce_activity(boost)
    if boost.visibility == "private":  # a self-boost of a followers-only post (§3.12)
        payload["to"], payload["cc"] = [followers_url(boost.account)], []
    return payload, audience([boost.reblog_of.account], followers_of=boost.account, shared=True)


def reblogged(boost) -> None:
    """statuses.registry.after_reblog: Announce."""
    if boost.visibility == "local" or not _interacts(boost.account, boost.reblog_of):
        return
    payload, inboxes = _announce(boost)
    send(boost.account, payload, inboxes)


def reblog_removed(boost) -> None:
    """statuses.registry.after_unreblog (and the deletion of a reblog): Undo{Announce}."""
    if boost.visibility == "local" or not _interacts(boost.account, boost.reblog_of):
        return
    announce, inboxes = _announce(boost)
    send(boost.account, _undo(boost.account, announce, activity_url("undo", boost.pk)), inboxes)


def _undo(actor: User, undone: dict, undo_id: str) -> dict:
    """Undo of one of our activities, embedded, addressed as it was (§3.8)."""
    inner = {key: value for key, value in undone.items() if key != "@context"}
    payload = {"@context": documents.litepub_context(), "id": undo_id, "type": "Undo",
               "actor": actor.ap_id, "object": inner, "to": undone.get("to", [])}
    if undone.get("cc"):
        payload["cc"] = undone["cc"]
    return payload


# --- relationships -----------------------------------------------------------------------------

def follow_activity(row: Follow) -> dict:
    """A Follow of ours, with its state as Pleroma serialises it (§3.7)."""
    return {
        "@context": documents.litepub_context(),
        "id": activity_url("follow", row.pk),
        "type": "Follow",
        "actor": row.follower.ap_id,
        "object": row.followed.ap_id,
        "to": [row.followed.ap_id],
        "cc": [],
        "state": "pending" if row.state == Follow.State.PENDING else "accept",
    }


def _local_to_remote(follower: User, followed: User) -> bool:
    return follower.is_local and not followed.is_local


def follow_created(row: Follow) -> None:
    """relationships.registry.after_follow: Follow to the remote account's inbox; the row
    stays pending until its Accept arrives (federation.incoming)."""
    if _local_to_remote(row.follower, row.followed):
        send(row.follower, follow_activity(row), audience([row.followed], shared=False))


def follow_ended(row: Follow) -> None:
    """relationships.registry.after_unfollow: Undo{Follow}, the Follow embedded."""
    if _local_to_remote(row.follower, row.followed):
        follow = follow_activity(row)
        send(row.follower, _undo(row.follower, follow, activity_url("undo", row.pk)),
             audience([row.followed], shared=False))


def follower_removed(user: User, follower: User) -> None:
    """relationships.registry.follower_removed: Reject of the remote follower's Follow
    (Mastodon and Pleroma treat it as removal from followers, §3.7)."""
    from federation import incoming

    if _local_to_remote(user, follower) and federating():
        incoming.follow_request_answered(user, follower, False)


def block_activity(row: Block) -> dict:
    return {
        "@context": documents.litepub_context(),
        "id": activity_url("block", row.pk),
        "type": "Block",
        "actor": row.blocker.ap_id,
        "object": row.blocked.ap_id,
        "to": [row.blocked.ap_id],
    }


def block_created(row: Block, ended: list[Follow]) -> None:
    """relationships.registry.after_block: the follows it ended (Undo{Follow} of ours,
    Reject of theirs), then Block (§3.13)."""
    blocker, blocked = row.blocker, row.blocked
    if not _local_to_remote(blocker, blocked):
        return
    for follow in ended:
        if follow.follower_id == blocker.pk:
            follow_ended(follow)
        elif federating():
            from federation import incoming

            incoming.follow_request_answered(blocker, blocked, False)
    send(blocker, block_activity(row), audience([blocked], shared=False))


def block_lifted(row: Block) -> None:
    """relationships.registry.after_unblock: Undo{Block}, the Block embedded."""
    if _local_to_remote(row.blocker, row.blocked):
        send(row.blocker, _undo(row.blocker, block_activity(row), activity_url("undo", row.pk)),
             audience([row.blocked], shared=False))


# --- profiles ----------------------------------------------------------------------------------

def profile_updated(user: User) -> None:
    """accounts.registry.profile_updated: Update{Person} with the whole actor document to
    the account's followers (§3.10: receivers rebuild the profile from it)."""
    if not user.is_local or not federating():
        return
    inboxes = follower_inboxes(user)
    if not inboxes:
        return
    now = timezone.now()
    person = {key: value for key, value in documents.actor_document(user).items() if key != "@context"}
    payload = {
        "@context": documents.litepub_context(),
        "id": activity_url("update", user.pk, str(int(now.timestamp() * 1_000_000))),
        "type": "Update",
        "actor": user.ap_id,
        "object": person,
        "to": [PUBLIC, followers_url(user)],
        "published": format_datetime(now),
    }
    send(user, payload, list(dict.fromkeys(inboxes)))


def known_by_inboxes(user: User) -> list[str]:
    """The inboxes of every server that knows `user` through a relationship: its followers
    and follow requesters, the accounts it follows or asked to, one per shared inbox."""
    rows = User.objects.filter(domain__isnull=False, is_active=True).filter(
        Q(following_rel__followed=user) | Q(followers_rel__follower=user)).values_list("shared_inbox", "inbox")
    return list(dict.fromkeys(shared or inbox for shared, inbox in rows if shared or inbox))


def account_deleted(user: User) -> None:
    """accounts.registry.account_deleted: Delete of the actor (§3.11), to every server that
    knows it; sent before the relationships are removed, signed with its key (kept)."""
    if not user.is_local or not federating():
        return
    payload = {"@context": documents.litepub_context(), "id": activity_url("delete", user.pk, "actor"),
               "type": "Delete", "actor": user.ap_id, "object": user.ap_id,
               "to": [PUBLIC, followers_url(user)], "published": format_datetime(timezone.now())}
    send(user, payload, known_by_inboxes(user))


def register() -> None:
    """Listen to what the other apps announce (FederationConfig.ready)."""
    from accounts import registry as account_hooks
    from federation import quotes
    from relationships import registry as relationship_hooks
    from statuses import registry as status_hooks

    hooks = [
        (status_hooks.after_create, status_created),
        (status_hooks.after_update, status_updated),
        (status_hooks.before_delete, status_deleting),
        (status_hooks.after_favourite, favourited),
        (status_hooks.after_unfavourite, unfavourited),
        (status_hooks.after_reblog, reblogged),
        (status_hooks.after_unreblog, reblog_removed),
        (relationship_hooks.after_follow, follow_created),
        (relationship_hooks.after_unfollow, follow_ended),
        (relationship_hooks.follower_removed, follower_removed),
        (relationship_hooks.after_block, block_created),
        (relationship_hooks.after_block, quotes.block_created),
        (relationship_hooks.after_unblock, block_lifted),
        (account_hooks.profile_updated, profile_updated),
        (account_hooks.account_deleted, account_deleted),
    ]
    for hook_list, function in hooks:
        if function not in hook_list:
            hook_list.append(function)
