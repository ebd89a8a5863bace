"""Quote consent across servers (FEP-044f; reference/federation.md §4.5, with its
recommendation).

Sending: a local quote names the quoted post in `quote` besides `quoteUrl`, `quoteUri` and
`_misskey_quote`, and keeps the inline `RT:` link in its content for servers without
quotes. A quote of a local post gets our own stamp at once (when the post's policy allows
it), so that FEP-044f readers embed it; a quote of a remote post sends the quoted author a
`QuoteRequest`. Their `Accept` (with the stamp as `result`) is stored and an `Update{Note}`
carrying `quoteAuthorization` follows; a `Reject` unlinks the quote (the post stays, the
link in its content too, the API's `quote` becomes null) and the Update then names no quote.

Answering: a `QuoteRequest` for one of our posts is accepted when anyone may quote it
(public and unlisted posts, Pleroma's rule), with a `QuoteAuthorization` stamp served at
/quote_authorizations/<id>; followers-only and direct posts, deactivated authors and
authors who block the requester get a `Reject`. The same request twice gives the same stamp.
Deleting the quoted post, or its author blocking the quoter, revokes the stamp: a `Delete`
of its URL goes to the quoter's server and the author's followers.

Receiving: see `links()` for when a received quote is embedded.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone

from accounts.models import User
from core import ids
from federation import documents, publish
from federation.client import FetchError, fetch_object
from federation.incoming.common import Ignored, Rejected, is_local_uri, object_id, same_host, status_by_uri
from federation.models import QuoteApproval, QuoteAuthorization
from mrf import policies
from relationships.models import Block
from statuses.models import Status
from statuses.services.posting import counts_as_public

QUOTABLE_VISIBILITIES = documents.QUOTABLE_VISIBILITIES
MAX_URI = 2000


def _http_url(value) -> str:
    return value if isinstance(value, str) and value.startswith(("http://", "https://")) else ""


def _token(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:16]


# -- stamps we issue ----------------------------------------------------------------------------

def stamp_url(stamp: QuoteAuthorization) -> str:
    return f"{settings.PLEROMA_URL}/quote_authorizations/{ids.encode(stamp.pk)}"


def stamp_by_url(url: str) -> QuoteAuthorization | None:
    prefix = f"{settings.PLEROMA_URL}/quote_authorizations/"
    if not url.startswith(prefix):
        return None
    pk = ids.decode(url[len(prefix):])
    if pk is None:
        return None
    return QuoteAuthorization.objects.select_related("quoted__account").filter(pk=pk).first()


def stamp_document(stamp: QuoteAuthorization) -> dict:
    """The QuoteAuthorization as other servers fetch it."""
    return {
        "@context": ["https://www.w3.org/ns/activitystreams", documents.FEP_044F_CONTEXT],
        "id": stamp_url(stamp),
        "type": "QuoteAuthorization",
        "attributedTo": stamp.quoted.account.ap_id,
        "interactingObject": stamp.quoting_uri,
        "interactionTarget": stamp.quoted.uri,
    }


def may_quote(quoted: Status, quoter_ap_id: str) -> bool:
    """Whether `quoted` (a local post) may be quoted by that actor without asking its author:
    anyone for public and unlisted posts; only the author for the others (§4.5)."""
    if not quoted.account.is_active:
        return False
    if quoted.account.ap_id == quoter_ap_id:
        return True
    if quoted.visibility not in QUOTABLE_VISIBILITIES:
        return False
    return not Block.objects.filter(blocker=quoted.account, blocked__remote_ap_id=quoter_ap_id).exists()


def _issue(quoted: Status, quoting_uri: str, quoter_uri: str, request_uri: str = "") -> QuoteAuthorization:
    stamp, created = QuoteAuthorization.objects.get_or_create(
        quoted=quoted, quoting_uri=quoting_uri,
        defaults={"quoter_uri": quoter_uri, "request_uri": request_uri})
    if not created and request_uri and stamp.request_uri != request_uri:
        QuoteAuthorization.objects.filter(pk=stamp.pk).update(request_uri=request_uri)
    return stamp


# -- linking ------------------------------------------------------------------------------------

def link(status: Status, quoted: Status) -> None:
    """`status` quotes `quoted` in the API (its `quote` embedded, counted, listed)."""
    if status.quote_id == quoted.pk:
        return
    if status.quote_id is not None:
        unlink(status)
    Status.objects.filter(pk=status.pk).update(quote=quoted)
    status.quote_id = quoted.pk
    if counts_as_public(status.visibility):
        Status.objects.filter(pk=quoted.pk).update(quotes_count=F("quotes_count") + 1)


def unlink(status: Status) -> None:
    """`status` no longer quotes anything in the API (`quote` null); its content keeps the link."""
    if status.quote_id is None:
        return
    quoted_pk = status.quote_id
    Status.objects.filter(pk=status.pk).update(quote=None)
    status.quote_id = None
    if counts_as_public(status.visibility):
        Status.objects.filter(pk=quoted_pk).update(quotes_count=Greatest(F("quotes_count") - 1, 0))


def _approve(status: Status, quoted_uri: str, state: str, *, authorization_uri: str = "",
             request_uri: str | None = None) -> QuoteApproval:
    defaults = {"quoted_uri": quoted_uri[:MAX_URI], "state": state, "authorization_uri": authorization_uri[:MAX_URI],
                "updated_at": timezone.now()}
    if request_uri is not None:
        defaults["request_uri"] = request_uri
    approval, _ = QuoteApproval.objects.update_or_create(status=status, defaults=defaults)
    return approval


# -- sending ------------------------------------------------------------------------------------

def quote_posted(status: Status) -> None:
    """A local quote was posted (federation.publish.status_created, before its Create is
    built, in the posting transaction): our own stamp for a local quoted post, or a
    QuoteRequest to the remote quoted author."""
    quoted = status.quote
    if quoted is None or not status.local:
        return
    if quoted.local:
        if may_quote(quoted, status.account.ap_id):
            stamp = _issue(quoted, status.uri, status.account.ap_id)
            _approve(status, quoted.uri, QuoteApproval.State.ACCEPTED, authorization_uri=stamp_url(stamp))
        return
    request_id = publish.activity_url("quote-request", status.pk)
    _approve(status, quoted.uri, QuoteApproval.State.PENDING, request_uri=request_id)
    # The quoting note rides along for public posts (Mastodon stores it from there); others
    # are named by id only, so nothing reaches an account the post does not address.
    instrument = documents.note_object(status) if status.visibility in QUOTABLE_VISIBILITIES else status.uri
    payload = {
        "@context": documents.litepub_context(),
        "id": request_id,
        "type": "QuoteRequest",
        "actor": status.account.ap_id,
        "object": quoted.uri,
        "instrument": instrument,
        "to": [quoted.account.ap_id],
    }
    publish.send(status.account, payload, publish.audience([quoted.account], shared=False))


def send_note_update(status: Status) -> None:
    """Update{Note} of a local quote whose consent changed: the note as it is now (with
    `quoteAuthorization`, or without its quote once refused), `updated` untouched since
    the text did not change."""
    if not status.local or status.visibility == "local":
        return
    status = documents.statuses_for_documents(Status.objects.filter(pk=status.pk)).first()
    create = documents.create_activity(status)
    suffix = f"quote-{int(timezone.now().timestamp() * 1_000_000)}"
    payload = {**create, "id": publish.activity_url("update", status.pk, suffix), "type": "Update"}
    payload.pop("directMessage", None)
    approval = QuoteApproval.objects.filter(status=status).first()
    quoted = status_by_uri(approval.quoted_uri) if approval is not None else None
    extra = [quoted.account] if quoted is not None and not quoted.local else []
    inboxes = list(dict.fromkeys(publish.status_audience(status) + publish.audience(extra, shared=True)))
    publish.send(status.account, payload, inboxes)


def revoke(stamp: QuoteAuthorization) -> None:
    """Withdraw a stamp we issued: `Delete` of its URL to the quoter's server and the quoted
    author's followers; a local quote it covered is unlinked. The stamp's URL then answers 404."""
    quoted = stamp.quoted
    author = quoted.account
    url = stamp_url(stamp)
    quoter = User.objects.filter(remote_ap_id=stamp.quoter_uri).first()
    payload = {
        "@context": documents.litepub_context(),
        "id": f"{url}#delete",
        "type": "Delete",
        "actor": author.ap_id,
        "object": url,
        "to": [documents.PUBLIC],
    }
    publish.send(author, payload, publish.audience([quoter], followers_of=author))
    local_quote = status_by_uri(stamp.quoting_uri) if is_local_uri(stamp.quoting_uri) else None
    stamp.delete()
    if local_quote is not None:
        _approve(local_quote, quoted.uri, QuoteApproval.State.REVOKED)
        unlink(local_quote)


def quoted_post_deleting(status: Status) -> None:
    """statuses.registry.before_delete (through federation.publish): the stamps of a local
    post go with it, each revoked."""
    if not status.local or status.reblog_of_id:
        return
    for stamp in QuoteAuthorization.objects.select_related("quoted__account").filter(quoted=status):
        revoke(stamp)


def block_created(row, ended) -> None:
    """relationships.registry.after_block: what the blocker authorised the blocked account to
    quote is revoked."""
    blocker, blocked = row.blocker, row.blocked
    if not blocker.is_local or blocked.is_local:
        return
    for stamp in QuoteAuthorization.objects.select_related("quoted__account").filter(
            quoted__account=blocker, quoter_uri=blocked.remote_ap_id):
        revoke(stamp)


# -- QuoteRequest received ----------------------------------------------------------------------

def _answer(kind: str, quoted: Status, remote: User, activity: dict, quoting_uri: str,
            stamp: QuoteAuthorization | None) -> None:
    token = _token(activity["id"])
    payload = {
        "@context": documents.litepub_context(),
        "id": publish.activity_url(f"quote-{kind.lower()}", stamp.pk if stamp else quoted.pk, token),
        "type": kind,
        "actor": quoted.account.ap_id,
        "to": [remote.ap_id],
        "object": {"id": activity["id"], "type": "QuoteRequest", "actor": remote.ap_id,
                   "object": quoted.uri, "instrument": quoting_uri},
    }
    if stamp is not None:
        payload["result"] = stamp_url(stamp)
    publish.send(quoted.account, payload, publish.audience([remote], shared=False))


def prepare_quote_request(activity: dict, remote: User) -> list:
    """Before the transaction: the quoting note when it is not stored yet and the request
    will be accepted, fetched from its id (never taken from the body), so that the quote
    is listed with our post even when its Create never comes here (Mastodon addresses
    quotes to the quoter's followers)."""
    from federation.incoming import notes

    uri = _http_url(object_id(activity.get("instrument")))
    if not uri or len(uri) > MAX_URI or not same_host(uri, remote.remote_ap_id or ""):
        return []
    if Status.objects.filter(ap_id=uri).exists():
        return []
    quoted = status_by_uri(object_id(activity.get("object")))
    if quoted is None or not quoted.local or not may_quote(quoted, remote.remote_ap_id):
        return []
    try:
        thread = notes.fetch_thread(uri)
    except Rejected:
        return []
    if not thread or thread[0].author.pk != remote.pk or status_by_uri(notes.quote_uri(thread[0].note)) != quoted:
        return []  # not the requester's note, or not a quote of this post
    return thread


def handle_quote_request(activity: dict, remote: User, prepared=None) -> None:
    """QuoteRequest{object: our post, instrument: their quoting post}: Accept with a stamp,
    or Reject (see may_quote); the quoting status is linked (stored first when it was
    fetched by prepare_quote_request) or, refused, unlinked."""
    quoted = status_by_uri(object_id(activity.get("object")))
    if quoted is None or not quoted.local:
        raise Ignored("QuoteRequest of a post that is not ours")
    quoting_uri = _http_url(object_id(activity.get("instrument")))
    if not quoting_uri or len(quoting_uri) > MAX_URI:
        raise Rejected("QuoteRequest without a quoting object")
    if not same_host(quoting_uri, remote.remote_ap_id or ""):
        raise Rejected("The quoting object is not on the requester's server")
    quoting = Status.objects.filter(ap_id=quoting_uri).first()
    if quoting is not None and quoting.account_id != remote.pk:
        raise Rejected("The quoting object is another actor's")
    if not may_quote(quoted, remote.remote_ap_id):
        _answer("Reject", quoted, remote, activity, quoting_uri, None)
        if quoting is not None:
            _approve(quoting, quoted.uri, QuoteApproval.State.REJECTED)
            unlink(quoting)
        return
    stamp = _issue(quoted, quoting_uri, remote.remote_ap_id, activity["id"][:MAX_URI])
    _answer("Accept", quoted, remote, activity, quoting_uri, stamp)
    if quoting is None and prepared and prepared[0].note.get("id") == quoting_uri:
        from federation.incoming import notes

        quoting = notes.store_thread(prepared)  # linked as it is stored: our stamp exists now
    if quoting is not None:
        approval = QuoteApproval.objects.filter(status=quoting).first()
        named = approval.quoted_uri if approval is not None else ""
        if quoting.quote_id == quoted.pk or named == quoted.uri or (named and status_by_uri(named) == quoted):
            _approve(quoting, quoted.uri, QuoteApproval.State.ACCEPTED, authorization_uri=stamp_url(stamp))
            link(quoting, quoted)


# -- answers to our QuoteRequests, revocations --------------------------------------------------

def handle_answer(activity: dict, remote: User) -> bool:
    """Accept/Reject of one of our QuoteRequests; False when the activity answers something
    else (a Follow). Only the quoted author answers; an Accept names its stamp (`result`)
    on the author's server."""
    inner = activity.get("object")
    request_id = object_id(inner)
    approval = (QuoteApproval.objects.select_for_update().select_related("status__account")
                .filter(request_uri=request_id).first() if request_id else None)
    if approval is None:
        if isinstance(inner, dict) and inner.get("type") == "QuoteRequest":
            raise Ignored("an answer to no QuoteRequest of ours")
        return False
    status = approval.status
    quoted = status_by_uri(approval.quoted_uri)
    if quoted is None:
        raise Ignored("the quoted post is gone")
    if quoted.account_id != remote.pk:
        raise Rejected("Only the quoted post's author answers a QuoteRequest")
    if activity["type"] == "Accept":
        result = _http_url(object_id(activity.get("result")))
        if not result or len(result) > MAX_URI or not same_host(result, remote.remote_ap_id or ""):
            raise Rejected("The Accept names no stamp on the quoted author's server")
        if approval.state == QuoteApproval.State.ACCEPTED and approval.authorization_uri == result:
            return True  # the same answer again
        _approve(status, approval.quoted_uri, QuoteApproval.State.ACCEPTED, authorization_uri=result)
        link(status, quoted)
    else:
        if approval.state == QuoteApproval.State.REJECTED:
            return True
        _approve(status, approval.quoted_uri, QuoteApproval.State.REJECTED)
        unlink(status)
    send_note_update(status)
    return True


def handle_revocation(target: str, remote: User) -> bool:
    """Delete of a stamp a quote here relies on: the quote is unlinked (local quotes tell
    their readers with an Update); False when no quote here names that stamp."""
    approvals = list(QuoteApproval.objects.select_for_update().select_related("status")
                     .filter(authorization_uri=target))
    if not approvals:
        return False
    if not same_host(target, remote.remote_ap_id or ""):
        raise Rejected("Delete of a stamp of another server")
    for approval in approvals:
        quoted = status_by_uri(approval.quoted_uri)
        if quoted is not None and quoted.account_id != remote.pk:
            raise Rejected("Only the quoted post's author revokes its stamp")
        _approve(approval.status, approval.quoted_uri, QuoteApproval.State.REVOKED)
        unlink(approval.status)
        send_note_update(approval.status)
    return True


# -- quotes received ----------------------------------------------------------------------------

def uses_consent(note: dict) -> bool:
    """Whether the note takes part in the FEP-044f flow: it names `quote` or a stamp."""
    return bool(note.get("quote")) or bool(note.get("quoteAuthorization"))


def check_stamp(note: dict, quoted_uri: str) -> dict | None:
    """The note's `quoteAuthorization` when it stands: {id, attributedTo} of a stamp whose
    interactingObject is the note and interactionTarget the quoted post, issued on its
    author's own server. Fetched, so called outside any transaction; ours are read here."""
    url = _http_url(object_id(note.get("quoteAuthorization")))
    if not url or not quoted_uri or len(url) > MAX_URI:
        return None
    if is_local_uri(url):
        stamp = stamp_by_url(url)
        if stamp is None or stamp.quoting_uri != note.get("id") or status_by_uri(quoted_uri) != stamp.quoted:
            return None
        return {"id": url, "attributedTo": stamp.quoted.account.ap_id}
    if not policies.accepts_id(url):
        return None
    try:
        document = fetch_object(url)
    except FetchError:
        return None
    kind = document.get("type")
    kinds = kind if isinstance(kind, list) else [kind]
    attributed = object_id(document.get("attributedTo"))
    if (document.get("id") != url or "QuoteAuthorization" not in kinds or not same_host(attributed, url)
            or object_id(document.get("interactingObject")) != note.get("id")
            or object_id(document.get("interactionTarget")) != quoted_uri):
        return None
    return {"id": url, "attributedTo": attributed}


def links(note: dict, author: User, quoted: Status | None, stamp: dict | None) -> bool:
    """Whether a received note's quote of `quoted` is linked (embedded in the API, counted,
    listed by /api/v1/pleroma/statuses/:id/quotes), the rule of the recommendation of §4.5:

    - a note that names neither `quote` nor `quoteAuthorization` comes from software
      without the consent flow (Pleroma, Akkoma, Misskey: `quoteUrl`, `quoteUri`,
      `_misskey_quote`, a Link tag): those never send stamps, so their quote is linked;
    - a note in the FEP-044f flow (Mastodon 4.5 and GoToSocial send `quote` while the
      request is pending, and `quoteAuthorization` once approved) is linked when it quotes
      its own author, when its stamp verifies (fetched: interactingObject is the note,
      interactionTarget the quoted post, attributedTo the quoted post's author, on that
      author's server), or when the quoted post is ours and we issued a stamp for this note;
    - otherwise it is not linked: the API's `quote` is null and the note's content shows
      the link. An approval arriving later (our Accept, an Update with the stamp) links it.
    """
    if quoted is None:
        return False
    if not uses_consent(note) or quoted.account_id == author.pk:
        return True
    if stamp is not None and stamp["attributedTo"] == quoted.account.ap_id:
        return True
    return quoted.local and QuoteAuthorization.objects.filter(quoted=quoted, quoting_uri=note.get("id")).exists()


def record_received(status: Status, note: dict, quoted_uri: str, stamp: dict | None, linked: bool) -> None:
    """The consent state of a received FEP-044f quote (nothing for other notes)."""
    if not quoted_uri or not uses_consent(note):
        return
    state = QuoteApproval.State.ACCEPTED if linked else QuoteApproval.State.PENDING
    _approve(status, quoted_uri, state, authorization_uri=stamp["id"] if stamp and linked else "")


def refresh_received(status: Status, note: dict, quoted_uri: str, stamp: dict | None) -> bool:
    """An Update of a remote quote: linked or unlinked as its note now says (a stamp added
    once approved, the quote removed), whatever its `updated`; whether anything changed."""
    quoted = status_by_uri(quoted_uri) if quoted_uri else None
    if quoted is not None and quoted.reblog_of_id:
        quoted = None
    linked = links(note, status.account, quoted, stamp)
    before = status.quote_id
    if quoted is not None:
        record_received(status, note, quoted_uri, stamp, linked)
    if linked:
        link(status, quoted)
    else:
        unlink(status)
    return status.quote_id != before

