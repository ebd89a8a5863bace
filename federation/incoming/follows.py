"""Follows received (reference/federation.md §3.7, §3.8): Follow (a request when the account
is locked; Accept sent back, Reject when it blocks the follower), Undo of a Follow,
Accept/Reject of our follows (and of our QuoteRequests, federation.quotes)."""

from __future__ import annotations

from django.conf import settings

from accounts.models import User
from core.exceptions import ApiError
from federation import delivery, documents
from federation.incoming.common import Ignored
from federation.incoming.common import local_account as _local_account
from federation.incoming.common import object_id as _object_id
from federation.models import IncomingActivity
from relationships import follows
from relationships.models import Follow


def answer_follow(local: User, remote: User, follow_activity: dict, accepted: bool) -> None:
    """Send Accept (or Reject) of a remote Follow to the follower's inbox (§3.7)."""
    kind = "Accept" if accepted else "Reject"
    answer = {
        "@context": documents.litepub_context(),
        "id": f"{settings.PLEROMA_URL}/activities/{kind.lower()}/{_token(follow_activity['id'], local)}",
        "type": kind,
        "actor": local.ap_id,
        "to": [remote.ap_id],
        "object": {key: follow_activity[key] for key in ("id", "type", "actor", "object")
                   if key in follow_activity},
    }
    delivery.enqueue(local, answer, [remote.inbox])


def _token(follow_id: str, local: User) -> str:
    import hashlib

    return hashlib.sha256(f"{local.pk}:{follow_id}".encode()).hexdigest()[:32]


def handle_follow(activity: dict, remote: User, prepared=None) -> None:
    local = _local_account(_object_id(activity.get("object")))
    if local is None:
        raise Ignored("Follow of an account that is not ours")
    try:
        row = follows.follow(remote, local)
    except ApiError:  # blocked either way: tell the follower no
        answer_follow(local, remote, activity, accepted=False)
        return
    if row.state == Follow.State.ACCEPTED:
        answer_follow(local, remote, activity, accepted=True)
    # a pending request is answered when the account authorises or rejects it


def undo_follow(inner: dict, remote: User) -> None:
    """Undo{Follow}: `inner` is the Follow (embedded, or the stored one), by `remote`."""
    local = _local_account(_object_id(inner.get("object")))
    if local is None:
        raise Ignored("Undo of a Follow of an account that is not ours")
    follows.unfollow(remote, local)


def handle_accept_or_reject(activity: dict, remote: User, prepared=None) -> None:
    from federation import quotes

    if quotes.handle_answer(activity, remote):
        return  # the answer to one of our QuoteRequests (FEP-044f)
    inner = activity.get("object")
    follower_id = _object_id(inner.get("actor")) if isinstance(inner, dict) else ""
    local = _local_account(follower_id)
    if local is None:
        raise Ignored("not an answer to a follow of ours")
    row = Follow.objects.filter(follower=local, followed=remote).first()
    if row is None:
        raise Ignored("no such follow")
    if activity["type"] == "Accept":
        if row.state == Follow.State.PENDING:
            follows.authorize_follow_request(remote, local)
    else:
        follows.unfollow(local, remote)


def follow_request_answered(user: User, requester: User, accepted: bool) -> None:
    """relationships hook: a local account answered a remote account's follow request."""
    if requester.is_local:
        return
    follow_activity = (IncomingActivity.objects.filter(type="Follow", actor=requester.remote_ap_id)
                       .order_by("-id").values_list("payload", flat=True).first())
    if follow_activity is None or _object_id(follow_activity.get("object")) != user.ap_id:
        follow_activity = {"id": f"{requester.remote_ap_id}#follows/{user.pk}", "type": "Follow",
                           "actor": requester.remote_ap_id, "object": user.ap_id}
    answer_follow(user, requester, follow_activity, accepted=accepted)
