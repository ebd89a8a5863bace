"""ActivityPub documents of this server (reference/federation.md §1.4-1.6, §4.1, §4.6): actors
with their keys, the instance actor, collections, and statuses as Note objects inside
their Create activities."""

from __future__ import annotations

from django.conf import settings

from accounts.models import User
from accounts.serializers import image_url
from core import ids
from core.renderers import format_datetime
from federation import keys

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
ACTIVITY_JSON = "application/activity+json"
COLLECTION_PAGE_SIZE = 10  # Pleroma's followers/following page size (§1.5)
INSTANCE_ACTOR_NICKNAME = "internal.fetch"
# Who may quote a post without asking (FEP-044f `interactionPolicy.canQuote`, §4.5):
# anyone for these, only the author for the others.
QUOTABLE_VISIBILITIES = ("public", "unlisted")
# The FEP-044f and GoToSocial terms the quote documents use.
FEP_044F_CONTEXT = {
    "gts": "https://gotosocial.org/ns#",
    "quote": {"@id": "https://w3id.org/fep/044f#quote", "@type": "@id"},
    "quoteAuthorization": {"@id": "https://w3id.org/fep/044f#quoteAuthorization", "@type": "@id"},
    "QuoteRequest": "https://w3id.org/fep/044f#QuoteRequest",
    "QuoteAuthorization": "https://w3id.org/fep/044f#QuoteAuthorization",
    "interactingObject": {"@id": "gts:interactingObject", "@type": "@id"},
    "interactionTarget": {"@id": "gts:interactionTarget", "@type": "@id"},
    "interactionPolicy": {"@id": "gts:interactionPolicy", "@type": "@id"},
    "canQuote": {"@id": "gts:canQuote", "@type": "@id"},
    "automaticApproval": {"@id": "gts:automaticApproval", "@type": "@id"},
    "manualApproval": {"@id": "gts:manualApproval", "@type": "@id"},
}


def litepub_context(language: str | None = None) -> list:
    return ["https://www.w3.org/ns/activitystreams", f"{settings.PLEROMA_URL}/schemas/litepub-0.1.jsonld",
            {"@language": language or "und"}]


def instance_actor_id() -> str:
    return f"{settings.PLEROMA_URL}/internal/fetch"


def key_id_of(actor_id: str) -> str:
    return f"{actor_id}#main-key"


def _public_key(actor_id: str, pem: str) -> dict:
    return {"id": key_id_of(actor_id), "owner": actor_id, "publicKeyPem": pem}


def actor_document(user: User) -> dict:
    """A local account as its Person (or Service, Group...) actor."""
    ap_id = user.ap_id
    document = {
        "@context": litepub_context(user.language or None),
        "id": ap_id,
        "type": user.actor_type,
        "preferredUsername": user.nickname,
        "name": user.display_name or user.nickname,
        "summary": user.note_html,
        "url": ap_id,
        "inbox": f"{ap_id}/inbox",
        "outbox": f"{ap_id}/outbox",
        "followers": f"{ap_id}/followers",
        "following": f"{ap_id}/following",
        "featured": f"{ap_id}/collections/featured",
        "endpoints": {
            "sharedInbox": f"{settings.PLEROMA_URL}/inbox",
            "oauthAuthorizationEndpoint": f"{settings.PLEROMA_URL}/oauth/authorize",
            "oauthRegistrationEndpoint": f"{settings.PLEROMA_URL}/api/v1/apps",
            "oauthTokenEndpoint": f"{settings.PLEROMA_URL}/oauth/token",
        },
        "publicKey": _public_key(ap_id, keys.key_for_user(user).public_key_pem),
        "manuallyApprovesFollowers": user.locked,
        "discoverable": user.discoverable,
        "alsoKnownAs": list(user.also_known_as),
        "capabilities": {"acceptsChatMessages": user.accepts_chat_messages},
        "attachment": [{"type": "PropertyValue", "name": f.get("name", ""),
                        "value": f.get("value_html", f.get("value", ""))} for f in user.fields],
        "tag": [],
        "webfinger": f"acct:{user.nickname}@{settings.INSTANCE_DOMAIN}",
    }
    # No default images in the document: receivers show their own (§1.4).
    if user.avatar:
        document["icon"] = {"type": "Image", "url": image_url(user.avatar, None)}
        if user.avatar_description:
            document["icon"]["name"] = user.avatar_description
    if user.header:
        document["image"] = {"type": "Image", "url": image_url(user.header, None)}
    if user.moved_to:
        document["movedTo"] = user.moved_to
    if user.birthday and user.show_birthday:
        document["vcard:bday"] = user.birthday.isoformat()
    if user.location:
        document["vcard:Address"] = user.location
    return document


def instance_actor_document() -> dict:
    """The instance actor that signs this server's fetches (§1.6); never a client account."""
    actor_id = instance_actor_id()
    return {
        "@context": litepub_context(),
        "id": actor_id,
        "type": "Application",
        "name": settings.INSTANCE_NAME,
        "summary": "An internal service actor for this instance: it signs the fetches this server makes.",
        "preferredUsername": INSTANCE_ACTOR_NICKNAME,
        "url": actor_id,
        "inbox": f"{actor_id}/inbox",
        "outbox": f"{actor_id}/outbox",
        "followers": f"{actor_id}/followers",
        "following": f"{actor_id}/following",
        "manuallyApprovesFollowers": False,
        "endpoints": {"sharedInbox": f"{settings.PLEROMA_URL}/inbox"},
        "publicKey": _public_key(actor_id, keys.instance_actor_key().public_key_pem),
        "invisible": True,
        "webfinger": f"acct:{INSTANCE_ACTOR_NICKNAME}@{settings.INSTANCE_DOMAIN}",
    }


# --- collections ------------------------------------------------------------------------------

def ordered_collection(collection_id: str, *, total: int | None, first: dict | str | None = None,
                       items: list | None = None) -> dict:
    document: dict = {"@context": litepub_context(), "id": collection_id, "type": "OrderedCollection"}
    if total is not None:
        document["totalItems"] = total
    if first is not None:
        document["first"] = first
    if items is not None:
        document["orderedItems"] = items
    return document


def collection_page(collection_id: str, page: int, *, items: list, total: int | None,
                    has_next: bool, context: bool = True) -> dict:
    document: dict = {"id": f"{collection_id}?page={page}", "type": "OrderedCollectionPage",
                      "partOf": collection_id, "orderedItems": items}
    if context:
        document = {"@context": litepub_context(), **document}
    if total is not None:
        document["totalItems"] = total
    if has_next:
        document["next"] = f"{collection_id}?page={page + 1}"
    return document


# --- statuses ---------------------------------------------------------------------------------

def activity_id(status) -> str:
    """The Create activity of a status (the object is at status.uri, /objects/<id>)."""
    return f"{settings.PLEROMA_URL}/activities/{ids.encode(status.pk)}"


def context_id(status) -> str:
    return f"{settings.PLEROMA_URL}/contexts/{ids.encode(status.context_id or status.pk)}"


def addressing(status, mentioned: list[str]) -> tuple[list[str], list[str]]:
    """(to, cc) of a status by its visibility (§4.6)."""
    followers = f"{status.account.ap_id}/followers"
    visibility = status.visibility
    if visibility == "public":
        return [PUBLIC, *mentioned], [followers]
    if visibility == "unlisted":
        return [followers, *mentioned], [PUBLIC]
    if visibility == "local":
        return [f"{settings.PLEROMA_URL}/#Public", *mentioned], [followers]
    if visibility == "private":
        return [followers, *mentioned], []
    return list(mentioned), []


def statuses_for_documents(queryset):
    """What note_object reads, loaded for a whole page in a fixed number of queries."""
    return queryset.select_related("account", "in_reply_to", "quote", "reblog_of__account", "poll",
                                   "quote_approval", "event").prefetch_related(
        "mentions__account", "media_attachments", "status_tags__hashtag")


def note_object(status) -> dict:
    """A local status as its Note (reblogs are Announces, rendered elsewhere)."""
    author = status.account.ap_id
    mentions = list(status.mentions.all())
    mentioned = [m.account.ap_id for m in mentions]
    to, cc = addressing(status, mentioned)
    tags = [{"type": "Mention", "href": m.account.ap_id, "name": f"@{m.account.acct}"} for m in mentions]
    for name in sorted(t.hashtag.name for t in status.status_tags.all()):
        tags.append({"type": "Hashtag", "name": f"#{name}", "href": f"{settings.PLEROMA_URL}/tags/{name}"})
    attachments = []
    for media in status.media_attachments.all():
        item = {"type": "Document", "mediaType": media.mime_type, "url": image_url(media.file, None),
                "name": media.description or None}
        if media.blurhash:
            item["blurhash"] = media.blurhash
        attachments.append(item)
    thread = context_id(status)
    note = {
        "id": status.uri,
        "type": "Note",
        "url": status.url,  # the HTML page, which remote servers link to (Mastodon reads it)
        "actor": author,
        "attributedTo": author,
        "to": to,
        "cc": cc,
        "content": status.content,
        "source": {"content": status.content_source, "mediaType": status.content_type},
        "summary": status.spoiler_text or "",
        "sensitive": status.sensitive,
        "context": thread,
        "conversation": thread,
        "published": format_datetime(status.created_at),
        "inReplyTo": status.in_reply_to.uri if status.in_reply_to_id else None,
        "tag": tags,
        "attachment": attachments,
    }
    if status.language:
        note["contentMap"] = {status.language: status.content}
    if status.quote_id:
        # Pleroma's field, Fedibird's, Misskey's and FEP-044f's (§4.5): each reader knows one
        note["quoteUrl"] = note["quoteUri"] = note["_misskey_quote"] = note["quote"] = status.quote.uri
        authorization = _quote_authorization(status)
        if authorization:
            note["quoteAuthorization"] = authorization
    note["interactionPolicy"] = interaction_policy(status)
    if status.edited_at:
        note["updated"] = format_datetime(status.edited_at)
    poll = _poll_of(status)
    if poll is not None:
        note.update(question_fields(poll))
    event = event_of(status)
    if event is not None:
        note.update(event_fields(event))
    return note


def interaction_policy(status) -> dict:
    """Who may quote the post without asking (FEP-044f, as Mastodon 4.5 reads it): the
    public for public and unlisted posts; nobody but the author for the others."""
    approved = [PUBLIC] if status.visibility in QUOTABLE_VISIBILITIES else [status.account.ap_id]
    return {"canQuote": {"automaticApproval": approved}}


def _quote_authorization(status) -> str:
    """The stamp of an approved quote (federation.quotes), "" while pending or refused."""
    from federation.models import QuoteApproval

    cached = status._state.fields_cache
    approval = (cached["quote_approval"] if "quote_approval" in cached
                else QuoteApproval.objects.filter(status_id=status.pk).first())
    if approval is None or approval.state != QuoteApproval.State.ACCEPTED:
        return ""
    return approval.authorization_uri


def event_of(status):
    """The status's Event row (events), or None: a status that is an event is an `Event`."""
    from django.core.exceptions import ObjectDoesNotExist

    try:
        return status.event
    except ObjectDoesNotExist:
        return None


def place_object(place: dict | None) -> dict | None:
    """An event's place as a `Place` with its schema.org `PostalAddress` (§4.8)."""
    if not place:
        return None
    document: dict = {"type": "Place", "name": place.get("name") or ""}
    for key in ("longitude", "latitude"):
        if isinstance(place.get(key), int | float):
            document[key] = place[key]
    if place.get("url"):
        document["url"] = place["url"]
    address = {schema: place[key] for key, schema in ADDRESS_FIELDS.items() if place.get(key)}
    if address:
        document["address"] = {"type": "PostalAddress", **address}
    return document


# Our place snapshot's keys (events.Event.location) and the schema.org address fields.
ADDRESS_FIELDS = {"street": "streetAddress", "postal_code": "postalCode", "locality": "addressLocality",
                  "region": "addressRegion", "country": "addressCountry"}


def event_fields(event) -> dict:
    """What makes a status that is an event an `Event` (§4.8, Mobilizon-compatible): the
    title, times, join mode, place and the number of accepted participants."""
    from events.models import Participation

    fields = {
        "type": "Event",
        "name": event.name,
        "startTime": format_datetime(event.start_time),
        "endTime": format_datetime(event.end_time) if event.end_time else None,
        "joinMode": event.join_mode,
        "participation_count": Participation.objects.filter(
            event=event, state=Participation.State.ACCEPT).count(),
    }
    place = place_object(event.location)
    if place is not None:
        fields["location"] = place
    return fields


def _poll_of(status):
    from statuses.models import Poll

    try:
        return status.poll
    except Poll.DoesNotExist:
        return None


def question_fields(poll) -> dict:
    """What makes a status with a poll a Question (§4.7): its options with their counts
    under `oneOf` (single choice) or `anyOf` (multiple), `endTime`, `closed` once ended,
    and `votersCount`."""
    options = [{"type": "Note", "name": name, "replies": {"type": "Collection", "totalItems": count}}
               for name, count in zip(poll.options, poll.votes, strict=False)]
    fields = {"type": "Question", "anyOf" if poll.multiple else "oneOf": options,
              "votersCount": poll.voters_count}
    if poll.expires_at is not None:
        fields["endTime"] = format_datetime(poll.expires_at)
    if poll.closed_at is not None or poll.is_expired():
        fields["closed"] = format_datetime(poll.closed_at or poll.expires_at)
    return fields


def create_activity(status) -> dict:
    """The Create activity wrapping a status's Note."""
    note = note_object(status)
    return {
        "@context": litepub_context(status.language),
        "id": activity_id(status),
        "type": "Create",
        "actor": note["actor"],
        "to": note["to"],
        "cc": note["cc"],
        "context": note["context"],
        "directMessage": status.visibility == "direct",
        "published": note["published"],
        "object": note,
    }


def note_document(status) -> dict:
    return {"@context": litepub_context(status.language), **note_object(status)}


def announce_activity(status) -> dict:
    """A reblog as its Announce of the original's object."""
    followers = f"{status.account.ap_id}/followers"
    return {
        "@context": litepub_context(),
        "id": activity_id(status),
        "type": "Announce",
        "actor": status.account.ap_id,
        "object": status.reblog_of.uri,
        "to": [PUBLIC, status.reblog_of.account.ap_id],
        "cc": [followers],
        "published": format_datetime(status.created_at),
    }
