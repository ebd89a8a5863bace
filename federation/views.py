"""What other servers GET from this one (reference/federation.md §1.4-1.6, §2.5): actors,
the instance actor, their collections, statuses as objects and activities. ActivityPub
clients (Accept: application/activity+json or application/ld+json) get JSON; browsers get
HTML. Server-to-server routes, like webfinger, are outside the client API's OpenAPI
document.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from core import ids
from federation import collections, documents, fetch_access, inbox

AP_TYPES = ("application/activity+json", "application/ld+json")


def wants_activitypub(request) -> bool:
    accept = request.headers.get("Accept", "")
    return any(kind in accept for kind in AP_TYPES)


def activity_json(document: dict, status: int = 200) -> JsonResponse:
    response = JsonResponse(document, status=status, content_type=documents.ACTIVITY_JSON)
    response["Vary"] = "Accept, Signature"
    return response


def not_found() -> JsonResponse:
    return JsonResponse({"error": "Not found"}, status=404)


def _local_user(nickname: str) -> User | None:
    return User.objects.filter(nickname__iexact=nickname, is_deleted=False).first()


def _signed_or_refused(request):
    """(fetcher, None), or (None, the 401 answer) when a signature is sent and fails, or
    when none is sent and authorized fetch is on (§2.5: PLEROMA_AUTHORIZED_FETCH)."""
    try:
        fetcher = fetch_access.fetcher_of(request)
    except fetch_access.SignatureRefused as exc:
        return None, JsonResponse({"error": exc.message}, status=exc.status)
    if fetcher is None and settings.AUTHORIZED_FETCH and wants_activitypub(request):
        return None, JsonResponse({"error": "Request not signed"}, status=401)
    return fetcher, None


# What an unsigned fetch of an actor gets under authorized fetch: enough to verify its
# signatures and deliver to it, nothing about the account (Mastodon's reduced actor), so
# that a server verifying our request never needs a signed fetch first (§8.2 #12).
REDUCED_ACTOR_FIELDS = ("@context", "id", "type", "preferredUsername", "url", "inbox", "outbox",
                        "followers", "following", "endpoints", "publicKey", "manuallyApprovesFollowers")


@require_GET
def actor(request, nickname: str):
    """GET /users/:nickname: the actor for ActivityPub clients, a profile page for browsers."""
    user = _local_user(nickname)
    if wants_activitypub(request):
        if user is None:
            return _gone_or_not_found(nickname)
        document = documents.actor_document(user)
        if settings.AUTHORIZED_FETCH:
            try:
                fetcher = fetch_access.fetcher_of(request)
            except fetch_access.SignatureRefused as exc:
                return JsonResponse({"error": exc.message}, status=exc.status)
            if fetcher is None:
                document = {key: document[key] for key in REDUCED_ACTOR_FIELDS if key in document}
        return activity_json(document)
    if user is None:
        return render(request, "instance/not_found.html", status=404)
    return render(request, "instance/profile.html", {"profile": user, "ap_id": user.ap_id})


def _gone_or_not_found(nickname: str) -> JsonResponse:
    """A deleted account is 410 Gone with a Tombstone (Mastodon's answer, §3.11); fetchers
    take it as they take 404, the answer for names that never were."""
    deleted = User.objects.filter(nickname__iexact=nickname, domain__isnull=True, is_deleted=True).first()
    if deleted is None:
        return not_found()
    return activity_json({"@context": documents.litepub_context(), "id": deleted.ap_id, "type": "Tombstone",
                          "formerType": "Person"}, status=410)


@require_GET
def instance_actor(request):
    """GET /internal/fetch: the instance actor; never behind a signature check (§1.6)."""
    return activity_json(documents.instance_actor_document())


def _collection_owner(request, nickname: str):
    user = _local_user(nickname)
    if user is None or not user.is_active:
        return None, None, not_found()
    fetcher, refusal = _signed_or_refused(request)
    return user, fetcher, refusal


@require_GET
def followers(request, nickname: str):
    """GET /users/:nickname/followers (?page=true, ?max_id=) (§1.5)."""
    user, fetcher, refusal = _collection_owner(request, nickname)
    if refusal is not None:
        return refusal
    return collections.follow_collection(request, user, fetcher, "followers")


@require_GET
def following(request, nickname: str):
    """GET /users/:nickname/following (§1.5)."""
    user, fetcher, refusal = _collection_owner(request, nickname)
    if refusal is not None:
        return refusal
    return collections.follow_collection(request, user, fetcher, "following")


@require_GET
def outbox(request, nickname: str):
    """GET /users/:nickname/outbox: Create and Announce activities the fetcher may see."""
    user, fetcher, refusal = _collection_owner(request, nickname)
    if refusal is not None:
        return refusal
    return collections.outbox(request, user, fetcher)


@require_GET
def featured(request, nickname: str):
    """GET /users/:nickname/collections/featured: pinned statuses as Notes, newest pin first."""
    user, fetcher, refusal = _collection_owner(request, nickname)
    if refusal is not None:
        return refusal
    return collections.featured(user, fetcher)


def _status_for(request, status_id: str):
    """(status, None) when the fetcher may see the local status, else (None, answer)."""
    fetcher, refusal = _signed_or_refused(request)
    if refusal is not None:
        return None, refusal
    pk = ids.decode(status_id)
    status = fetch_access.visible_status(pk, fetcher) if pk is not None else None
    if status is None:
        return None, not_found() if wants_activitypub(request) else render(
            request, "instance/not_found.html", status=404)
    return status, None


@require_GET
def status_object(request, status_id: str):
    """GET /objects/:id: the Note of a local status (browsers: its HTML page)."""
    status, answer = _status_for(request, status_id)
    if answer is not None:
        return answer
    if status.reblog_of_id:
        return not_found()  # a reblog has an activity (Announce), no object
    if not wants_activitypub(request):
        return render(request, "federation/status.html", {"status": status, "ap_id": status.uri})
    return activity_json(documents.note_document(status))


@require_GET
def status_activity(request, status_id: str):
    """GET /activities/:id: the Create (or, for a reblog, Announce) of a local status."""
    status, answer = _status_for(request, status_id)
    if answer is not None:
        return answer
    if not wants_activitypub(request):
        return render(request, "federation/status.html", {"status": status.reblog_of or status,
                                                          "ap_id": documents.activity_id(status)})
    if status.reblog_of_id:
        return activity_json(documents.announce_activity(status))
    return activity_json(documents.create_activity(status))


@require_GET
def quote_authorization(request, stamp_id: str):
    """GET /quote_authorizations/:id: a QuoteAuthorization stamp we issued (FEP-044f) for
    ActivityPub clients; browsers are sent to the quoted post."""
    from django.shortcuts import redirect

    from federation import quotes

    _, refusal = _signed_or_refused(request)
    if refusal is not None:
        return refusal
    stamp = quotes.stamp_by_url(f"{settings.PLEROMA_URL}/quote_authorizations/{stamp_id}")
    if stamp is None:
        return not_found()
    if not wants_activitypub(request):
        return redirect(stamp.quoted.url)
    return activity_json(quotes.stamp_document(stamp))


LITEPUB_CONTEXT = {
    "@context": [
        "https://www.w3.org/ns/activitystreams",
        "https://w3id.org/security/v1",
        {
            "litepub": "http://litepub.social/ns#",
            "toot": "http://joinmastodon.org/ns#",
            "schema": "http://schema.org#",
            "vcard": "http://www.w3.org/2006/vcard/ns#",
            "PropertyValue": "schema:PropertyValue",
            "value": "schema:value",
            "manuallyApprovesFollowers": "as:manuallyApprovesFollowers",
            "sensitive": "as:sensitive",
            "movedTo": {"@id": "as:movedTo", "@type": "@id"},
            "alsoKnownAs": {"@id": "as:alsoKnownAs", "@type": "@id"},
            "discoverable": "toot:discoverable",
            "featured": {"@id": "toot:featured", "@type": "@id"},
            "Emoji": "toot:Emoji",
            "blurhash": "toot:blurhash",
            "focalPoint": {"@container": "@list", "@id": "toot:focalPoint"},
            "capabilities": "litepub:capabilities",
            "acceptsChatMessages": "litepub:acceptsChatMessages",
            "invisible": "litepub:invisible",
            "directMessage": "litepub:directMessage",
            "listMessage": {"@id": "litepub:listMessage", "@type": "@id"},
            "quoteUrl": "as:quoteUrl",
            "quoteUri": "http://fedibird.com/ns#quoteUri",
            **documents.FEP_044F_CONTEXT,
            "EmojiReact": "litepub:EmojiReact",
            "ChatMessage": "litepub:ChatMessage",
            "webfinger": "litepub:webfinger",
            "conversation": "http://ostatus.org#conversation",
            "contentMap": {"@id": "as:content", "@container": "@language"},
            # Events (Mobilizon's terms, §4.8); `location` stays as:location (a Place)
            "mz": "https://joinmobilizon.org/ns#",
            "joinMode": "mz:joinMode",
            "participationMessage": "mz:participationMessage",
            "participation_count": "mz:participantCount",
            "PostalAddress": "schema:PostalAddress",
            "address": "schema:address",
            "streetAddress": "schema:streetAddress",
            "postalCode": "schema:postalCode",
            "addressLocality": "schema:addressLocality",
            "addressRegion": "schema:addressRegion",
            "addressCountry": "schema:addressCountry",
        },
    ],
}


@require_GET
def litepub_schema(request):
    """GET /schemas/litepub-0.1.jsonld: the JSON-LD context the documents reference."""
    import json

    return HttpResponse(json.dumps(LITEPUB_CONTEXT), content_type="application/ld+json")


def _receive(request) -> HttpResponse:
    if not settings.FEDERATING:
        return JsonResponse({"error": "Not federating"}, status=403)  # Pleroma's answer (§0.2)
    try:
        row = inbox.receive(request)
    except inbox.Refused as exc:
        return JsonResponse({"error": exc.message}, status=exc.status)
    if row is not None:  # None: answered without storing (a Delete of an unknown actor)
        _sender_is_back(row.actor)
    return HttpResponse(status=202)


def _sender_is_back(actor_id: str) -> None:
    """A verified activity from a server marked unreachable: it is up, so what waits for it
    is resumed (Mastodon resets its failure tracker the same way, §5.5)."""
    from urllib.parse import urlsplit

    from federation import tasks
    from federation.models import Instance

    host = urlsplit(actor_id).netloc.lower()
    if host and Instance.objects.filter(host=host, unreachable_since__isnull=False).exists():
        tasks.resume_instance.delay(host)


@csrf_exempt
@require_POST
def shared_inbox(request):
    """POST /inbox: a signed activity for any account here (§0.2: 202 once stored)."""
    return _receive(request)


@csrf_exempt
@require_POST
def personal_inbox(request, nickname: str):
    """POST /users/:nickname/inbox: as the shared inbox, for an account that exists."""
    if _local_user(nickname) is None:
        return not_found()
    return _receive(request)


# --- the relay actor (federation.relay) ---------------------------------------------------

@require_GET
def relay_actor(request):
    """GET /relay: the relay actor's document; never behind a signature check (§1.6)."""
    from federation import relay

    return activity_json(documents.actor_document(relay.relay_actor()))


@csrf_exempt
@require_POST
def relay_inbox(request):
    """POST /relay/inbox: the relay actor's inbox (Accepts of its follows, relayed posts)."""
    from federation import relay

    relay.relay_actor()
    return _receive(request)


def relay_followers(request):
    """GET /relay/followers"""
    from federation import relay

    return followers(request, relay.relay_actor().nickname)


def relay_following(request):
    """GET /relay/following"""
    from federation import relay

    return following(request, relay.relay_actor().nickname)
