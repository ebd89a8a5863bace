"""Receiving activities (reference/federation.md §0.2, §2.2, §3.1, §3.4): the signature is
checked in the request (401 unsigned or bad, 503 when the key cannot be fetched, nothing
stored either way), the signer must be the activity's actor, and the activity is stored
once by its id and processed by a task on the `inbox` queue; the answer is 202."""

from __future__ import annotations

from urllib.parse import urlsplit

import orjson
from django.conf import settings
from django.db import IntegrityError, transaction

from federation import actors, signatures
from federation.fetch_access import request_headers
from federation.models import IncomingActivity

MAX_BODY = 1_000_000


class Refused(Exception):
    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.message = message
        self.status = status


def _parse(body: bytes) -> dict:
    if len(body) > MAX_BODY:
        raise Refused("Activity too large", 413)
    try:
        activity = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise Refused("Invalid JSON", 400) from exc
    if not isinstance(activity, dict):
        raise Refused("Invalid activity", 400)
    actor = activity.get("actor")
    if isinstance(actor, dict):
        actor = actor.get("id")
    if not isinstance(activity.get("type"), str) or not isinstance(actor, str) or not actor:
        raise Refused("Invalid activity", 400)
    if not isinstance(activity.get("id"), str) or not activity["id"] or len(activity["id"]) > 2000:
        raise Refused("Invalid activity", 400)
    if len(actor) > 2000:
        raise Refused("Invalid activity", 400)
    # Containment: an actor speaks for ids on its own host only, so that nobody can store
    # (and so block, by idempotency) an activity id of another server.
    if urlsplit(activity["id"]).netloc.lower() != urlsplit(actor).netloc.lower():
        raise Refused("Activity id and actor are on different hosts", 400)
    activity["actor"] = actor
    return activity


def _read_body(request) -> bytes:
    """The request body, refused (413) before it is read when it says it is too large, or
    once more than MAX_BODY bytes have come without a length."""
    declared = request.META.get("CONTENT_LENGTH") or ""
    if declared:
        try:
            length = int(declared)
        except ValueError as exc:
            raise Refused("Invalid Content-Length", 400) from exc
        if length > MAX_BODY:
            raise Refused("Activity too large", 413)
    body = request.read(MAX_BODY + 1)
    if len(body) > MAX_BODY:
        raise Refused("Activity too large", 413)
    return body


def _delete_of_a_stranger(activity: dict) -> bool:
    """A Delete of an actor this server never stored, by itself (§0.2, §8.2 #19): nothing
    to delete, and its key is gone with it; answered 202 without any work."""
    from accounts.models import User

    target = activity.get("object")
    target = target.get("id") if isinstance(target, dict) else target
    return (activity["type"] == "Delete" and target == activity["actor"]
            and not User.objects.filter(remote_ap_id=activity["actor"]).exists())


def receive(request) -> IncomingActivity | None:
    """Verify, check the signer and store the activity of an inbox POST (idempotently)."""
    from federation import tasks

    body = _read_body(request)
    if "signature" not in request_headers(request) and "signature-input" not in request_headers(request):
        raise Refused("Request not signed", 401)
    activity = _parse(body)
    if _delete_of_a_stranger(activity):
        return None
    url = f"{settings.PLEROMA_URL}{request.get_full_path()}"
    try:
        verified = signatures.verify_request("POST", url, request_headers(request), body, actors.public_key_for)
    except signatures.SignatureError as exc:
        raise Refused(exc.message, exc.status) from exc
    owner = actors.remote_owner_of_key(verified.key_id)
    if owner is None or owner.remote_ap_id != activity["actor"]:
        raise Refused("The signature's key does not belong to the activity's actor", 401)
    existing = IncomingActivity.objects.filter(ap_id=activity["id"]).first()
    if existing is not None:
        return existing  # a retry or a copy from another inbox: nothing more to do
    try:
        with transaction.atomic():
            row = IncomingActivity.objects.create(ap_id=activity["id"], actor=activity["actor"],
                                                  type=activity["type"][:64], payload=activity)
            transaction.on_commit(lambda: tasks.process_activity.delay(str(row.pk)))
    except IntegrityError:
        return IncomingActivity.objects.get(ap_id=activity["id"])
    return row
