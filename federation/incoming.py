"""Processing a received activity (reference/federation.md §3.7, §3.8): Follow (a request
when the account is locked; Accept sent back, Reject when it blocks the follower), Undo of a
Follow, Accept/Reject of our follows. Other types are kept and marked ignored.

Each handler runs in one transaction with the rows it writes and the activities it sends
(an outbox row per inbox), and is safe to run twice: the activity's state says it is done.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.exceptions import ApiError
from federation import actors, delivery, documents
from federation.models import IncomingActivity
from mrf import policies
from relationships import follows
from relationships.models import Follow


class Ignored(Exception):
    """Nothing to do with this activity (unknown type, object not ours...)."""


def _object_id(value) -> str:
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) else ""


def _local_account(ap_id: str) -> User | None:
    prefix = f"{settings.PLEROMA_URL}/users/"
    if not ap_id.startswith(prefix):
        return None
    return User.objects.filter(nickname__iexact=ap_id[len(prefix):], domain__isnull=True,
                               is_active=True, is_deleted=False).first()


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


def handle_follow(activity: dict, remote: User) -> None:
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


def handle_undo(activity: dict, remote: User) -> None:
    inner = activity.get("object")
    if isinstance(inner, str):
        stored = IncomingActivity.objects.filter(ap_id=inner, actor=remote.remote_ap_id).first()
        inner = stored.payload if stored is not None else None
    if not isinstance(inner, dict) or inner.get("type") != "Follow":
        raise Ignored("Undo of something this server does not act on")
    if _object_id(inner.get("actor")) != remote.remote_ap_id:
        raise Ignored("Undo of another actor's activity")
    local = _local_account(_object_id(inner.get("object")))
    if local is None:
        raise Ignored("Undo of a Follow of an account that is not ours")
    follows.unfollow(remote, local)


def handle_accept_or_reject(activity: dict, remote: User) -> None:
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


HANDLERS = {"Follow": handle_follow, "Undo": handle_undo, "Accept": handle_accept_or_reject,
            "Reject": handle_accept_or_reject}


def process(row: IncomingActivity) -> None:
    """Act on one stored activity once; its state records the outcome."""
    if row.state != IncomingActivity.State.PENDING:
        return
    handler = HANDLERS.get(row.type)
    state, error = IncomingActivity.State.DONE, ""
    try:
        row.payload = policies.filter_activity(row.payload)  # instance policies (§6.1) first
        if handler is None:
            raise Ignored(f"{row.type} is not handled")
        remote = actors.get_or_fetch_by_ap_id(row.actor)
        with transaction.atomic():
            locked = IncomingActivity.objects.select_for_update().get(pk=row.pk)
            if locked.state != IncomingActivity.State.PENDING:
                return  # processed meanwhile by another delivery of the task
            handler(row.payload, remote)
            IncomingActivity.objects.filter(pk=row.pk).update(state=state, processed_at=timezone.now())
        return
    except (Ignored, policies.Rejected) as exc:
        state, error = IncomingActivity.State.IGNORED, str(exc)
    except actors.ActorError as exc:
        state, error = IncomingActivity.State.FAILED, f"actor: {exc}"
    IncomingActivity.objects.filter(pk=row.pk, state=IncomingActivity.State.PENDING).update(
        state=state, error=error[:500], processed_at=timezone.now())


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
