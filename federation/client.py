"""The signed client on top of core.http (reference/federation.md §2.4, §5.8): GETs signed by
the instance actor, POSTs signed by the activity's actor, Date set when each request is
sent, every address checked by core.http's SSRF guard."""

from __future__ import annotations

from urllib.parse import urlsplit

import orjson

from core import http
from federation import documents, keys, signatures

AP_ACCEPT = 'application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
AP_CONTENT_TYPES = ("application/activity+json", "application/ld+json", "application/json")
MAX_OBJECT_BYTES = 2_000_000
TIMEOUT = 10.0


class FetchError(Exception):
    """A remote object could not be fetched, or what came back is not acceptable."""


def _signer(key_id: str, private_key_pem: str) -> http.Signer:
    def sign(method: str, url: str, body: bytes | None) -> dict:
        return signatures.sign_headers(method, url, key_id=key_id, private_key_pem=private_key_pem, body=body)
    return sign


def instance_signer() -> http.Signer:
    key = keys.instance_actor_key()
    return _signer(documents.key_id_of(documents.instance_actor_id()), key.private_key_pem)


def user_signer(user) -> http.Signer:
    return _signer(documents.key_id_of(user.ap_id), keys.key_for_user(user).private_key_pem)


def signed_get(url: str, *, accept: str = AP_ACCEPT, max_bytes: int = MAX_OBJECT_BYTES) -> http.Fetched:
    """GET signed by the instance actor (every hop of a redirect signed afresh)."""
    return http.get(url, headers={"Accept": accept}, max_bytes=max_bytes, timeout=TIMEOUT,
                    sign=instance_signer())


def fetch_object(url: str) -> dict:
    """An ActivityPub document: JSON of an AP type, whose `id` is on the host it came from."""
    try:
        fetched = signed_get(url)
    except http.OutboundError as exc:
        raise FetchError(exc.message if hasattr(exc, "message") else str(exc)) from exc
    if fetched.status >= 400:
        raise FetchError(f"Remote server answered {fetched.status}")
    content_type = str({k.lower(): v for k, v in fetched.headers.items()}.get("content-type", "")).lower()
    if not any(kind in content_type for kind in AP_CONTENT_TYPES):
        raise FetchError("Remote answer is not an ActivityPub document")
    try:
        document = orjson.loads(fetched.content)
    except orjson.JSONDecodeError as exc:
        raise FetchError("Remote answer is not JSON") from exc
    if not isinstance(document, dict) or not isinstance(document.get("id"), str):
        raise FetchError("Remote document has no id")
    if urlsplit(document["id"]).netloc.lower() != urlsplit(fetched.url).netloc.lower():
        raise FetchError("Remote document names an id on another host")
    return document


def signed_post(url: str, payload: dict, user) -> http.Fetched:
    """POST an activity to an inbox, signed by `user` (the activity's actor), or by the
    instance actor for the activities it sends (a forwarded report's Flag)."""
    body = orjson.dumps(payload)
    signer = instance_signer() if payload.get("actor") == documents.instance_actor_id() else user_signer(user)
    return http.post(url, body, headers={"Content-Type": documents.ACTIVITY_JSON, "Accept": AP_ACCEPT},
                     timeout=TIMEOUT, sign=signer)
