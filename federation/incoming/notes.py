"""Notes received (reference/federation.md §3.6, §3.9, §4.1-4.6, §4.10): Create{Note} (and
Article/Page, kept as notes) becomes a remote Status with its mentions, hashtags, custom
emoji, hotlinked media, reply thread and quote (linked by the rule of
federation.quotes.links: FEP-044f quotes need their consent).

Everything fetched (an object given by id, missing reply parents up to
PLEROMA_FEDERATION_MAX_REPLY_DEPTH of them, their authors) is fetched first, outside the
transaction; then the whole thread is stored at once, oldest first, or nothing is.
"""

from __future__ import annotations

import datetime
import html
import re
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accounts.models import User
from core import markup
from federation import actors
from federation.client import FetchError, fetch_object
from federation.documents import PUBLIC
from federation.incoming.common import (
    Ignored,
    Rejected,
    as_list,
    cancelled_first,
    is_local_uri,
    object_id,
    same_host,
    status_by_uri,
)
from mrf import policies
from notifications.services import notify
from statuses import registry as status_hooks
from statuses.models import Hashtag, MediaAttachment, Mention, Status, StatusContext, StatusTag
from statuses.services import remote_media
from statuses.services.posting import counts_as_public

NOTE_TYPES = ("Note", "Article", "Page", "Question", "Event")
PUBLIC_ADDRESSES = (PUBLIC, "as:Public", "Public")
MAX_CONTENT = 100_000  # Pleroma's [:instance, :remote_limit]
MAX_SUMMARY = 10_000
MAX_ATTACHMENTS = 20
MAX_TAGS = 100
MAX_ID = 2000  # the longest ActivityPub id a row keeps
MAX_MENTIONS = 100
MAX_POLL_OPTIONS = 20
EMOJI_NAME_RE = re.compile(r"^:?([A-Za-z0-9_-]{1,64}):?$")
HASHTAG_NAME_RE = re.compile(r"^#?(\w{1,256})$", re.UNICODE)
QUOTE_FIELDS = ("quote", "quoteUrl", "quoteUri", "quoteURL", "_misskey_quote")
AS_PROFILE = "https://www.w3.org/ns/activitystreams"


@dataclass
class Incoming:
    """A note to store and its author (a remote account already fetched)."""

    note: dict
    author: User
    activity: dict | None = None
    stamp: dict | None = None  # its verified quoteAuthorization (federation.quotes.check_stamp)


def with_stamp(note: dict, author: User, activity: dict | None = None) -> Incoming:
    """An Incoming with its quote's stamp checked (a fetch: outside any transaction)."""
    from federation import quotes

    return Incoming(note, author, activity, quotes.check_stamp(note, quote_uri(note)))


def _http_url(value) -> str:
    return value if isinstance(value, str) and value.startswith(("http://", "https://")) else ""


def check_note(note, author: User) -> dict:
    """`note` if it is a note `author` may publish (§3.3): Rejected when it breaks
    containment or authorship, Ignored when it is not a kind of object kept here."""
    if not isinstance(note, dict):
        raise Rejected("The object is not embedded or fetchable")
    if note.get("type") not in NOTE_TYPES:
        raise Ignored(f"{note.get('type')} objects are not kept")
    note_id = _http_url(note.get("id"))
    if not note_id or len(note_id) > MAX_ID:
        raise Rejected("The object has no usable id")
    if not same_host(note_id, author.remote_ap_id or ""):
        raise Rejected("Object id and actor are on different hosts")
    if object_id(note.get("attributedTo") or note.get("actor")) != author.remote_ap_id:
        raise Rejected("The object is not attributed to the activity's actor")
    if note.get("type") == "Event":
        from federation.incoming import events

        events.event_fields(note)  # an Event without a start is refused before anything is stored
    return note


def _fetch_note(uri: str) -> Incoming | None:
    """The note `uri` names, fetched with its author; None when it cannot be had."""
    if not policies.accepts_id(uri):
        return None  # a rejected server is not asked (Pleroma's id_filter)
    try:
        document = policies.filter_object(fetch_object(uri))
    except FetchError:
        return None
    if document is None or document.get("id") != uri:
        return None  # an alias (Mastodon's rule, §5.8): the id it names is not what was asked
    author_id = object_id(document.get("attributedTo") or document.get("actor"))
    if not author_id or not same_host(author_id, document.get("id", "")):
        return None
    try:
        author = actors.get_or_fetch_by_ap_id(author_id)
    except actors.ActorError:
        return None
    try:
        return with_stamp(check_note(document, author), author)
    except (Rejected, Ignored):
        return None


def _known(uri: str) -> bool:
    return is_local_uri(uri) or status_by_uri(uri) is not None


def fetch_ancestors(note: dict) -> list[Incoming]:
    """The reply parents of `note` not stored yet, nearest first, fetched up to the depth
    limit (§3.6); a chain that needs more is Rejected. A parent that cannot be fetched
    ends the chain there: the reply keeps no parent."""
    chain: list[Incoming] = []
    seen = {note.get("id")}
    current = note
    while True:
        parent_id = _http_url(object_id(current.get("inReplyTo")))
        if not parent_id or parent_id in seen or _known(parent_id):
            return chain
        if len(chain) >= settings.FEDERATION_MAX_REPLY_DEPTH:
            raise Rejected(f"The reply chain is deeper than {settings.FEDERATION_MAX_REPLY_DEPTH}")
        parent = _fetch_note(parent_id)
        if parent is None:
            return chain
        seen.add(parent_id)
        chain.append(parent)
        current = parent.note


def fetch_thread(uri: str) -> list[Incoming]:
    """A note named by id (an Announce's object) and its missing ancestors, oldest last;
    empty when it cannot be fetched."""
    found = _fetch_note(uri)
    if found is None:
        return []
    return [found, *fetch_ancestors(found.note)]


# -- reading a note -------------------------------------------------------------------------------

def language_of(note: dict, activity: dict | None, content: str) -> str | None:
    for document in (note, activity or {}):
        contexts = document.get("@context")
        for item in contexts if isinstance(contexts, list) else [contexts]:
            if isinstance(item, dict) and isinstance(item.get("@language"), str):
                language = item["@language"]
                if language and language != "und":
                    return language[:16]
    content_map = note.get("contentMap")
    if isinstance(content_map, dict):
        for language, value in content_map.items():
            if value == content and isinstance(language, str) and language != "und":
                return language[:16]
        if len(content_map) == 1:
            language = next(iter(content_map))
            return language[:16] if isinstance(language, str) and language != "und" else None
    return None


def content_of(note: dict) -> str:
    content = note.get("content")
    if not isinstance(content, str) or not content:
        content_map = note.get("contentMap")
        values = [v for v in content_map.values() if isinstance(v, str)] if isinstance(content_map, dict) else []
        content = values[0] if values else ""
    # An Article or Page with a title only (an Event's title is its own field, §4.8)
    if not content and isinstance(note.get("name"), str) and note.get("type") != "Event":
        url = _url(note) or note["id"]
        content = f'<p>{html.escape(note["name"])}</p><p><a href="{html.escape(url)}">{html.escape(url)}</a></p>'
    if len(content) > MAX_CONTENT:
        raise Rejected(f"The content is over {MAX_CONTENT} characters")
    return markup.sanitize(content)


def _url(note: dict) -> str:
    value = note.get("url")
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("href")
    return _http_url(value)[:2000]


def _datetime(value) -> datetime.datetime | None:
    """An ISO 8601 time of a document, None when missing or not a real date."""
    try:
        parsed = parse_datetime(value) if isinstance(value, str) else None
    except ValueError:  # well formed but impossible (month 13)
        return None
    if parsed is not None and timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, datetime.UTC)
    return parsed


def published_at(note: dict) -> datetime.datetime:
    parsed = _datetime(note.get("published"))
    now = timezone.now()
    return now if parsed is None else min(parsed, now)


def updated_at(note: dict) -> datetime.datetime | None:
    return _datetime(note.get("updated"))


def addressing(note: dict, activity: dict | None) -> tuple[list[str], list[str]]:
    """The note's `to` and `cc` (the activity's when the object names none)."""
    to, cc = as_list(note.get("to")), as_list(note.get("cc"))
    if not to and not cc and activity is not None:
        to, cc = as_list(activity.get("to")), as_list(activity.get("cc"))
    return to, cc


def visibility_of(note: dict, activity: dict | None, author: User) -> str:
    """§4.6, as recommended: Public in `to` public, in `cc` unlisted; the author's own
    followers collection addressed, private; anything else direct (never public by default)."""
    to, cc = addressing(note, activity)
    if any(a in PUBLIC_ADDRESSES for a in to):
        return "public"
    if any(a in PUBLIC_ADDRESSES for a in cc):
        return "unlisted"
    followers = author.followers_address
    addressed = to + cc
    if followers and followers in addressed:
        return "private"
    if not followers and any(a.endswith("/followers") and same_host(a, author.remote_ap_id or "")
                             for a in addressed):
        return "private"
    return "direct"


def _tags(note: dict) -> list[dict]:
    tags = note.get("tag")
    if isinstance(tags, dict):
        tags = [tags]
    return [t for t in tags if isinstance(t, dict)][:MAX_TAGS] if isinstance(tags, list) else []


def hashtags_of(note: dict) -> list[str]:
    names: list[str] = []
    for tag in _tags(note):
        if tag.get("type") != "Hashtag" or not isinstance(tag.get("name"), str):
            continue
        match = HASHTAG_NAME_RE.match(tag["name"].strip())
        if match and match.group(1).lower() not in names:
            names.append(match.group(1).lower())
    return names


def emojis_of(note: dict) -> dict[str, str]:
    """{shortcode: image url} from the note's Emoji tags (§4.3)."""
    found: dict[str, str] = {}
    for tag in _tags(note):
        if tag.get("type") != "Emoji" or not isinstance(tag.get("name"), str):
            continue
        match = EMOJI_NAME_RE.match(tag["name"].strip())
        icon = tag.get("icon")
        url = _http_url(icon.get("url")) if isinstance(icon, dict) else ""
        if match and url and len(found) < 50:
            found[match.group(1)] = url[:2000]
    return found


def mentioned_accounts(note: dict, activity: dict | None) -> list[User]:
    """Local accounts the note mentions (Mention tags) or addresses (`to`/`cc`): those see a
    private or direct note, and are notified; and the remote accounts known here that its
    Mention tags name (listed in its `mentions`)."""
    to, cc = addressing(note, activity)
    tagged = [_http_url(t.get("href")) for t in _tags(note) if t.get("type") == "Mention"]
    prefix = f"{settings.PLEROMA_URL}/users/"
    nicknames = list(dict.fromkeys(u[len(prefix):].lower() for u in tagged + to + cc
                                   if u.startswith(prefix)))[:MAX_MENTIONS]
    remote = list(dict.fromkeys(u for u in tagged if u and not is_local_uri(u)))[:MAX_MENTIONS]
    found: list[User] = []
    if nicknames:
        found += User.objects.annotate(lower_nickname=Lower("nickname")).filter(
            lower_nickname__in=nicknames, domain__isnull=True, is_active=True, is_deleted=False)
    if remote:
        found += User.objects.filter(remote_ap_id__in=remote, is_active=True)
    return found


def _media_type(kind, mime: str) -> str:
    major = mime.split("/", 1)[0]
    if major in ("image", "video", "audio"):
        return major
    return {"Image": "image", "Video": "video", "Audio": "audio"}.get(kind, "unknown")


def attachments_of(note: dict) -> list[dict]:
    """The note's attachments normalised (§4.4): url, mime type, media type, alt text,
    blurhash, size; items without an http(s) url dropped."""
    items = note.get("attachment")
    if isinstance(items, dict):
        items = [items]
    found = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        link = item.get("url") or item.get("href")
        if isinstance(link, list):
            link = link[0] if link else None
        details = link if isinstance(link, dict) else {}
        url = _http_url(details.get("href") if details else link)
        if not url:
            continue
        mime = details.get("mediaType") or item.get("mediaType") or item.get("mimeType") or ""
        mime = mime if isinstance(mime, str) and re.match(r"^[\w.+-]+/[\w.+-]+$", mime) else ""
        description = item.get("name") or item.get("summary") or ""
        blurhash = item.get("blurhash")
        meta = {}
        width, height = details.get("width", item.get("width")), details.get("height", item.get("height"))
        if isinstance(width, int) and isinstance(height, int) and width > 0 and height > 0:
            meta = {"original": {"width": width, "height": height, "size": f"{width}x{height}",
                                 "aspect": width / height}}
        found.append({
            "remote_url": url[:2000],
            "mime_type": (mime or "application/octet-stream")[:100],
            "type": _media_type(item.get("type"), mime),
            "description": str(description)[:5000] if isinstance(description, str) else "",
            "blurhash": blurhash[:100] if isinstance(blurhash, str) and blurhash else None,
            "meta": meta,
        })
        if len(found) >= MAX_ATTACHMENTS:
            break
    return found


def quote_uri(note: dict) -> str:
    for field in QUOTE_FIELDS:
        uri = _http_url(object_id(note.get(field)))
        if uri:
            return uri
    for tag in _tags(note):
        if tag.get("type") == "Link" and AS_PROFILE in str(tag.get("mediaType", "")):
            uri = _http_url(tag.get("href"))
            if uri:
                return uri
    return ""


def poll_of(note: dict) -> dict | None:
    """A Question's poll (§4.7): options with their counts (`replies.totalItems`), single
    (`oneOf`) or multiple (`anyOf`) choice, voters, end and closing times."""
    if note.get("type") != "Question":
        return None
    multiple = isinstance(note.get("anyOf"), list)
    items = note.get("anyOf") if multiple else note.get("oneOf")
    options: list[str] = []
    votes: list[int] = []
    for item in items[:MAX_POLL_OPTIONS] if isinstance(items, list) else []:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) or item["name"] in options:
            continue
        replies = item.get("replies")
        total = replies.get("totalItems") if isinstance(replies, dict) else 0
        options.append(item["name"][:500])
        votes.append(total if isinstance(total, int) and 0 <= total < 2**31 else 0)
    if len(options) < 2:
        return None
    voters = note.get("votersCount")
    if not isinstance(voters, int) or not 0 <= voters < 2**31:
        voters = 0 if multiple else sum(votes)
    return {"options": options, "votes": votes, "voters_count": voters, "multiple": multiple,
            "expires_at": _datetime(note.get("endTime")) or _datetime(note.get("closed")),
            "closed_at": _datetime(note.get("closed"))}


def refresh_poll(status: Status, note: dict) -> bool:
    """Update{Question}: new counts when the options are the same; whether anything changed."""
    from statuses.models import Poll

    fresh = poll_of(note)
    poll = Poll.objects.select_for_update().filter(status=status).first()
    if fresh is None or poll is None or fresh["options"] != poll.options:
        return False
    names = ["votes", "voters_count"] + (["closed_at"] if fresh["closed_at"] is not None else [])
    changed = [name for name in names if getattr(poll, name) != fresh[name]]
    for name in changed:
        setattr(poll, name, fresh[name])
    if changed:
        poll.save(update_fields=changed)  # drops the status's rendered entry
    return bool(changed)


# -- storing ------------------------------------------------------------------------------------

def _context_for(note: dict, parent: Status | None) -> StatusContext:
    if parent is not None:
        if parent.context_id is None:
            parent.context = StatusContext.objects.create()
            Status.objects.filter(pk=parent.pk).update(context=parent.context)
        return parent.context
    thread = _http_url(note.get("context")) or _http_url(note.get("conversation"))
    if not thread:
        thread = note.get("conversation") if isinstance(note.get("conversation"), str) else ""
    if not thread:
        return StatusContext.objects.create()
    context, _ = StatusContext.objects.get_or_create(ap_id=thread[:2000])
    return context


def store_tags(status: Status, names: list[str], *, replace: bool = True) -> None:
    """The status's hashtags; `replace` drops the ones it no longer has (an edit)."""
    if replace:
        StatusTag.objects.filter(status=status).exclude(hashtag__name__in=names).delete()
    if not names:
        return
    Hashtag.objects.bulk_create([Hashtag(name=n) for n in names], ignore_conflicts=True)
    StatusTag.objects.bulk_create([StatusTag(status=status, hashtag=t)
                                   for t in Hashtag.objects.filter(name__in=names)], ignore_conflicts=True)


def store_media(status: Status, attachments: list[dict], *, replace: bool = True) -> None:
    """The status's remote media, replacing what it had (`replace`, an edit); each is
    hotlinked until the task copying it here has run (statuses.services.remote_media)."""
    if replace:
        MediaAttachment.objects.filter(status=status).delete()
    if not attachments:
        return
    created = MediaAttachment.objects.bulk_create([
        MediaAttachment(account_id=status.account_id, status=status, file="", position=position,
                        cache_state=remote_media.initial_state(), **fields)
        for position, fields in enumerate(attachments)])
    remote_media.schedule_caching(m.pk for m in created)


def mention_and_notify(status: Status, accounts: list[User], *, new_status: bool = False) -> None:
    """Mention rows for the accounts a remote status names; new local ones are notified."""
    if not accounts:
        return
    known = set() if new_status else set(Mention.objects.filter(status=status).values_list("account_id", flat=True))
    new = [account for account in accounts if account.pk not in known and account.pk != status.account_id]
    Mention.objects.bulk_create([Mention(status=status, account=a) for a in new], ignore_conflicts=True)
    for account in new:
        if account.is_local:
            notify(account, status.account, "mention", status=status)


def store_note(incoming: Incoming) -> Status:
    """The remote Status of a checked note, created once (the same object id again gives
    the stored status). Runs inside the caller's transaction."""
    note, author, activity = incoming.note, incoming.author, incoming.activity
    existing = Status.objects.filter(ap_id=note["id"]).first()
    if existing is not None:
        return existing
    content = content_of(note)
    summary = note.get("summary") if isinstance(note.get("summary"), str) else ""
    if len(summary) > MAX_SUMMARY:
        raise Rejected(f"The summary is over {MAX_SUMMARY} characters")
    from federation import quotes

    parent = status_by_uri(_http_url(object_id(note.get("inReplyTo"))))
    quoted_uri = quote_uri(note)
    quoted = status_by_uri(quoted_uri)
    if quoted is not None and quoted.reblog_of_id:
        quoted = None
    linked = quotes.links(note, author, quoted, incoming.stamp)
    visibility = visibility_of(note, activity, author)
    published = published_at(note)
    try:
        with transaction.atomic():
            status = Status.objects.create(
                account=author, ap_id=note["id"], remote_url=_url(note), local=False,
                content=content, content_source=markup.strip_tags(content), content_type="text/html",
                spoiler_text=markup.strip_tags(summary), sensitive=note.get("sensitive") is True,
                language=language_of(note, activity, note.get("content")), visibility=visibility,
                in_reply_to=parent, in_reply_to_account_id=parent.account_id if parent else None,
                quote=quoted if linked else None,
                context=_context_for(note, parent), emojis=emojis_of(note), created_at=published,
                edited_at=updated_at(note) if updated_at(note) and updated_at(note) > published else None,
            )
    except IntegrityError:  # stored meanwhile by another delivery
        return Status.objects.get(ap_id=note["id"])
    quotes.record_received(status, note, quoted_uri, incoming.stamp, linked)
    store_tags(status, hashtags_of(note), replace=False)
    store_media(status, attachments_of(note), replace=False)
    poll = poll_of(note)
    if poll is not None:
        from statuses.models import Poll

        Poll.objects.create(status=status, **poll)
    if note.get("type") == "Event":
        from federation.incoming import events

        events.store_event(status, note)
    if counts_as_public(visibility):
        if parent is not None:
            Status.objects.filter(pk=parent.pk).update(replies_count=F("replies_count") + 1)
        if status.quote_id:
            Status.objects.filter(pk=status.quote_id).update(quotes_count=F("quotes_count") + 1)
    User.objects.filter(pk=author.pk).update(statuses_count=F("statuses_count") + 1,
                                             last_status_at=timezone.now())
    mention_and_notify(status, mentioned_accounts(note, activity), new_status=True)
    for received in status_hooks.after_receive:
        received(status)
    return status


def store_thread(thread: list[Incoming]) -> Status | None:
    """Store a note and the notes it needs (given after it, nearest first), the farthest
    first, so that each finds its parent and quote stored; returns the first one's status."""
    status = None
    for incoming in reversed(thread):
        status = store_note(incoming)
    return status


# -- Create ------------------------------------------------------------------------------------

def prepare_create(activity: dict, remote: User) -> list[Incoming]:
    """Check the Create's object and fetch what it needs before anything is stored."""
    note = activity.get("object")
    if isinstance(note, str):
        if not same_host(note, remote.remote_ap_id or ""):
            raise Rejected("Object id and actor are on different hosts")
        uri = note
        try:
            note = policies.filter_object(fetch_object(uri))
        except FetchError as exc:
            raise Ignored(f"the object could not be fetched: {exc}") from exc
        if note is None:
            raise Ignored("the fetched object is rejected by an instance policy")
        if note.get("id") != uri:
            raise Rejected("The fetched object names another id")
    note = check_note(note, remote)
    if cancelled_first(remote.remote_ap_id, note["id"], "Delete"):
        raise Ignored("deleted before it arrived")
    if Status.objects.filter(ap_id=note["id"]).exists():
        return []  # known already (another Create of it, or fetched as a parent)
    return [with_stamp(note, remote, activity), *fetch_ancestors(note), *_fetch_quoted(note)]


def _fetch_quoted(note: dict) -> list[Incoming]:
    """The quoted note when it is not stored yet (§4.5), with its missing parents; a
    quote that cannot be fetched, or whose thread is too deep, stays a link."""
    uri = quote_uri(note)
    if not uri or _known(uri) or uri == note.get("id"):
        return []
    try:
        return fetch_thread(uri)
    except Rejected:
        return []


def handle_create(activity: dict, remote: User, prepared: list[Incoming]) -> None:
    if not prepared:
        raise Ignored("the object is stored already")
    store_thread(prepared)  # the note is first: stored last, after its parents and quote

