"""Quote consent across servers (FEP-044f, reference/federation.md §4.5): QuoteRequests for
our posts answered with a stamp or refused, our quotes of remote posts asking for one,
Accept/Reject/Delete of stamps, and received quotes linked only with their consent when
their note takes part in the flow."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.conf import settings

from core import ids
from federation.models import QuoteApproval, QuoteAuthorization
from statuses.models import Status
from statuses.services import create_status
from tests.factories import StatusFactory, UserFactory
from tests.federation.incoming import PUBLIC, REMOTE, create, deliver, note, remote_account, send
from tests.federation.test_publish_audience import inboxes, outbox

AP = "application/activity+json"
REMOTE_BASE = "https://remote.example"


@pytest.fixture
def bob(db):
    return remote_account("bob", REMOTE)


@pytest.fixture
def alice(db):
    return UserFactory(nickname="alice")


def quote_request(quoted_uri: str, *, n: int | str = 1, instrument: str | dict | None = None,
                  actor: str = REMOTE) -> dict:
    base = actor.rsplit("/users/", 1)[0]
    return {"@context": "https://www.w3.org/ns/activitystreams", "id": f"{base}/quote_requests/{n}",
            "type": "QuoteRequest", "actor": actor, "object": quoted_uri,
            "instrument": instrument if instrument is not None else f"{base}/objects/q{n}"}


def path_of(url: str) -> str:
    return urlsplit(url).path


def shown(anon, status: Status) -> dict:
    response = anon.get(f"/api/v1/statuses/{ids.encode(status.pk)}")
    assert response.status_code == 200, response.content
    return response.json()


def quotes_of(anon, status: Status) -> list[str]:
    response = anon.get(f"/api/v1/pleroma/statuses/{ids.encode(status.pk)}/quotes")
    assert response.status_code == 200, response.content
    return [s["uri"] for s in response.json()]


class TestQuoteRequestReceived:
    """POST /inbox: QuoteRequest for one of our posts"""

    def test_a_public_post_is_accepted_with_a_stamp_served_at_its_url(self, anon, alice, bob):
        quoted = create_status(alice, text="quote me")
        request = quote_request(quoted.uri)
        assert deliver(anon, bob, request).state == "done"
        (accept,) = outbox("Accept")
        payload = accept.payload
        assert payload["actor"] == alice.ap_id
        assert payload["object"] == {"id": request["id"], "type": "QuoteRequest", "actor": REMOTE,
                                     "object": quoted.uri, "instrument": f"{REMOTE_BASE}/objects/q1"}
        assert inboxes(accept) == {f"{REMOTE}/inbox"}
        stamp = anon.get(path_of(payload["result"]), HTTP_ACCEPT=AP)
        assert stamp.status_code == 200
        assert stamp["Content-Type"].startswith(AP)
        body = stamp.json()
        assert {k: body[k] for k in ("id", "type", "attributedTo", "interactingObject", "interactionTarget")} == {
            "id": payload["result"], "type": "QuoteAuthorization", "attributedTo": alice.ap_id,
            "interactingObject": f"{REMOTE_BASE}/objects/q1", "interactionTarget": quoted.uri}

    def test_an_embedded_quoting_note_is_named_by_its_id(self, anon, alice, bob):
        quoted = create_status(alice, text="quote me")
        quoting = note("q5", quote=quoted.uri)
        deliver(anon, bob, quote_request(quoted.uri, n=5, instrument=quoting))
        (accept,) = outbox("Accept")
        assert accept.payload["object"]["instrument"] == quoting["id"]
        assert QuoteAuthorization.objects.get().quoting_uri == quoting["id"]

    def test_the_stamp_goes_when_the_quoting_note_is_deleted(self, anon, alice, bob):
        quoted = create_status(alice, text="quote me")
        quoting = note("q1", quote=quoted.uri)
        deliver(anon, bob, create(quoting))
        deliver(anon, bob, quote_request(quoted.uri, n=1))
        path = path_of(outbox("Accept")[0].payload["result"])
        assert anon.get(path, HTTP_ACCEPT=AP).status_code == 200
        deleted = {"id": f"{REMOTE_BASE}/deletes/q1", "type": "Delete", "actor": REMOTE,
                   "object": {"id": quoting["id"], "type": "Tombstone"}, "to": [PUBLIC]}
        assert deliver(anon, bob, deleted).state == "done"
        assert anon.get(path, HTTP_ACCEPT=AP).status_code == 404
        assert shown(anon, quoted)["pleroma"]["quotes_count"] == 0

    def test_a_browser_asking_for_the_stamp_is_sent_to_the_quoted_post(self, anon, alice, bob):
        quoted = create_status(alice, text="quote me")
        deliver(anon, bob, quote_request(quoted.uri))
        stamp = QuoteAuthorization.objects.get()
        response = anon.get(f"/quote_authorizations/{ids.encode(stamp.pk)}", HTTP_ACCEPT="text/html")
        assert response.status_code == 302
        assert response["Location"] == quoted.url

    def test_an_unknown_stamp_is_not_found(self, anon):
        assert anon.get("/quote_authorizations/nothing", HTTP_ACCEPT=AP).status_code == 404

    def test_the_same_request_twice_gives_one_stamp(self, anon, alice, bob):
        quoted = create_status(alice, text="quote me")
        request = quote_request(quoted.uri)
        deliver(anon, bob, request)
        assert send(anon, bob, request).status_code == 202  # the same activity again
        deliver(anon, bob, {**request, "id": f"{REMOTE_BASE}/quote_requests/again"})  # asked anew
        assert QuoteAuthorization.objects.count() == 1
        accepts = outbox("Accept")
        assert len(accepts) == 2
        assert accepts[0].payload["result"] == accepts[1].payload["result"]
        assert accepts[1].payload["object"]["id"] == f"{REMOTE_BASE}/quote_requests/again"

    @pytest.mark.parametrize("visibility", ["private", "direct"])
    def test_a_followers_only_or_direct_post_is_refused(self, anon, alice, bob, visibility):
        quoted = create_status(alice, text="just for you", visibility=visibility)
        request = quote_request(quoted.uri)
        assert deliver(anon, bob, request).state == "done"
        (reject,) = outbox("Reject")
        assert reject.payload["actor"] == alice.ap_id
        assert reject.payload["object"]["id"] == request["id"]
        assert "result" not in reject.payload
        assert outbox("Accept") == []
        assert not QuoteAuthorization.objects.exists()

    def test_an_author_who_blocks_the_requester_refuses(self, api, anon, alice, bob):
        quoted = create_status(alice, text="quote me")
        client = api(scopes=["follow"], user=alice)
        assert client.post(f"/api/v1/accounts/{ids.encode(bob.pk)}/block").status_code == 200
        deliver(anon, bob, quote_request(quoted.uri))
        assert len(outbox("Reject")) == 1
        assert not QuoteAuthorization.objects.exists()

    def test_a_request_for_a_post_of_another_server_is_ignored(self, anon, bob):
        theirs = StatusFactory(account=remote_account("erin", "https://three.example/users/erin"), local=False,
                               ap_id="https://three.example/objects/1")
        assert deliver(anon, bob, quote_request(theirs.uri)).state == "ignored"
        assert outbox("Accept") == outbox("Reject") == []

    def test_a_quoting_object_on_another_server_is_refused(self, anon, alice, bob):
        quoted = create_status(alice, text="quote me")
        row = deliver(anon, bob, quote_request(quoted.uri, instrument="https://three.example/objects/9"))
        assert row.state == "failed"
        assert not QuoteAuthorization.objects.exists()
        assert outbox("Accept") == []

    def test_a_pending_quote_stored_before_is_linked_once_accepted(self, anon, alice, bob):
        quoted = create_status(alice, text="quote me")
        # Mastodon 4.5 while the request is pending: `quote` (and its other fields), no stamp
        quoting = note("q1", content="<p>so true</p>", to=[PUBLIC],
                       quote=quoted.uri, _misskey_quote=quoted.uri, quoteUri=quoted.uri)
        deliver(anon, bob, create(quoting))
        status = Status.objects.get(ap_id=quoting["id"])
        assert shown(anon, status)["pleroma"]["quote"] is None
        assert quotes_of(anon, quoted) == []
        assert QuoteApproval.objects.get(status=status).state == "pending"
        deliver(anon, bob, quote_request(quoted.uri, n=1))
        entity = shown(anon, status)
        assert entity["pleroma"]["quote"]["id"] == ids.encode(quoted.pk)
        assert quotes_of(anon, quoted) == [quoting["id"]]
        assert shown(anon, quoted)["pleroma"]["quotes_count"] == 1
        assert QuoteApproval.objects.get(status=status).state == "accepted"

    def test_a_note_arriving_after_its_accepted_request_is_linked(self, anon, alice, bob):
        quoted = create_status(alice, text="quote me")
        deliver(anon, bob, quote_request(quoted.uri, n=1))
        quoting = note("q1", to=[PUBLIC], quote=quoted.uri)
        deliver(anon, bob, create(quoting))
        assert quotes_of(anon, quoted) == [quoting["id"]]


class TestQuoteRequestBeforeItsNote:
    """POST /inbox: QuoteRequest whose quoting note this server has not received"""

    def test_the_quoting_note_is_fetched_and_listed_with_our_post(self, anon, alice, peer):
        dave = remote_account("dave", f"{peer.base}/users/dave")
        quoted = create_status(alice, text="quote me")
        quoting = peer.serve(note("d7", actor=dave.remote_ap_id, quote=quoted.uri, content="<p>agreed</p>"))
        request = quote_request(quoted.uri, n=7, actor=dave.remote_ap_id, instrument=quoting["id"])
        assert deliver(anon, dave, request).state == "done"
        assert peer.fetched("/objects/d7")
        assert quotes_of(anon, quoted) == [quoting["id"]]
        assert len(outbox("Accept")) == 1

    def test_a_fetched_note_that_quotes_something_else_is_not_stored(self, anon, alice, peer):
        dave = remote_account("dave", f"{peer.base}/users/dave")
        quoted = create_status(alice, text="quote me")
        quoting = peer.serve(note("d8", actor=dave.remote_ap_id, content="<p>no quote here</p>"))
        deliver(anon, dave, quote_request(quoted.uri, n=8, actor=dave.remote_ap_id, instrument=quoting["id"]))
        assert not Status.objects.filter(ap_id=quoting["id"]).exists()
        assert quotes_of(anon, quoted) == []

    def test_a_refused_request_fetches_nothing(self, anon, alice, peer):
        dave = remote_account("dave", f"{peer.base}/users/dave")
        quoted = create_status(alice, text="mine", visibility="private")
        quoting = peer.serve(note("d9", actor=dave.remote_ap_id, quote=quoted.uri))
        deliver(anon, dave, quote_request(quoted.uri, n=9, actor=dave.remote_ap_id, instrument=quoting["id"]))
        assert not peer.fetched("/objects/d9")
        assert len(outbox("Reject")) == 1


class TestOurNotes:
    """GET /objects/:id of local posts and quotes"""

    @pytest.mark.parametrize(("visibility", "public"), [("public", True), ("unlisted", True),
                                                        ("private", False), ("direct", False)])
    def test_the_quote_policy_says_who_may_quote_without_asking(self, anon, alice, visibility, public):
        status = create_status(alice, text="hello", visibility=visibility)
        response = anon.get(f"/objects/{ids.encode(status.pk)}", HTTP_ACCEPT=AP)
        if response.status_code == 404:  # followers-only and direct objects are not served anonymously
            from federation import documents

            body = documents.note_object(status)
        else:
            body = response.json()
        expected = [PUBLIC] if public else [alice.ap_id]
        assert body["interactionPolicy"] == {"canQuote": {"automaticApproval": expected}}

    def test_a_quote_of_a_local_post_carries_our_stamp(self, api, anon, alice, bob):
        from relationships.models import Follow

        client = api(scopes=["read", "write"])
        Follow.objects.create(follower=bob, followed=client.user)
        quoted = create_status(alice, text="quote me")
        posted = client.post("/api/v1/statuses", {"status": "look", "quote_id": ids.encode(quoted.pk)}).json()
        (created,) = outbox("Create")[-1:]  # the quote (the quoted post was sent before it)
        obj = created.payload["object"]
        assert obj["quote"] == obj["quoteUrl"] == obj["quoteUri"] == obj["_misskey_quote"] == quoted.uri
        stamp = QuoteAuthorization.objects.get()
        assert obj["quoteAuthorization"] == f"{settings.PLEROMA_URL}/quote_authorizations/{ids.encode(stamp.pk)}"
        assert stamp.quoting_uri == posted["uri"]
        assert outbox("QuoteRequest") == []


@pytest.fixture
def quoting_a_remote_post(api, bob):
    """A local quote of bob's remote post, as posted through the API: (client, posted, quoted)."""
    from relationships.models import Follow

    client = api(scopes=["read", "write"])
    Follow.objects.create(follower=remote_account("fan", "https://one.example/users/fan"), followed=client.user)
    quoted = StatusFactory(account=bob, local=False, visibility="public", ap_id=f"{REMOTE_BASE}/objects/7")
    response = client.post("/api/v1/statuses", {"status": "look", "quote_id": ids.encode(quoted.pk)})
    assert response.status_code == 200, response.content
    return client, response.json(), quoted


def answer(kind: str, request_id: str, *, actor: str = REMOTE, result: str | None = None) -> dict:
    base = actor.rsplit("/users/", 1)[0]
    activity = {"@context": "https://www.w3.org/ns/activitystreams", "id": f"{base}/answers/{kind}/1",
                "type": kind, "actor": actor, "object": {"id": request_id, "type": "QuoteRequest"}}
    if result is not None:
        activity["result"] = result
    return activity


class TestQuotingARemotePost:
    """POST /api/v1/statuses with the quote_id of a remote post, and the quoted author's answer"""

    def test_the_quoted_author_gets_a_quote_request(self, quoting_a_remote_post):
        _, posted, quoted = quoting_a_remote_post
        (request,) = outbox("QuoteRequest")
        payload = request.payload
        assert payload["actor"].endswith("/users/" + posted["account"]["username"])
        assert payload["object"] == quoted.uri
        assert payload["instrument"]["id"] == posted["uri"]
        assert payload["instrument"]["quote"] == quoted.uri
        assert inboxes(request) == {f"{REMOTE}/inbox"}
        (created,) = outbox("Create")
        obj = created.payload["object"]
        assert obj["quote"] == quoted.uri and "quoteAuthorization" not in obj
        assert "quote-inline" in obj["content"] and quoted.uri in obj["content"]  # the RT: link stays
        approval = QuoteApproval.objects.get()
        assert (approval.state, approval.request_uri) == ("pending", payload["id"])

    def test_their_accept_stores_the_stamp_and_updates_the_note(self, anon, quoting_a_remote_post, bob):
        client, posted, quoted = quoting_a_remote_post
        (request,) = outbox("QuoteRequest")
        stamp = f"{REMOTE_BASE}/users/bob/quote_authorizations/1"
        assert deliver(anon, bob, answer("Accept", request.payload["id"], result=stamp)).state == "done"
        (update,) = outbox("Update")
        assert update.payload["object"]["quoteAuthorization"] == stamp
        assert update.payload["object"]["quote"] == quoted.uri
        assert inboxes(update) & {f"{REMOTE}/inbox", f"{REMOTE_BASE}/inbox"}
        served = anon.get(f"/objects/{posted['id']}", HTTP_ACCEPT=AP).json()
        assert served["quoteAuthorization"] == stamp
        assert client.get(f"/api/v1/statuses/{posted['id']}").json()["pleroma"]["quote"]["id"] == ids.encode(quoted.pk)
        # the same answer again changes nothing
        deliver(anon, bob, {**answer("Accept", request.payload["id"], result=stamp), "id": f"{REMOTE_BASE}/a/2"})
        assert len(outbox("Update")) == 1

    def test_an_accept_by_someone_else_is_refused(self, anon, quoting_a_remote_post):
        _, posted, _ = quoting_a_remote_post
        (request,) = outbox("QuoteRequest")
        mallory = remote_account("mallory", f"{REMOTE_BASE}/users/mallory")
        row = deliver(anon, mallory, answer("Accept", request.payload["id"], actor=mallory.remote_ap_id,
                                            result=f"{REMOTE_BASE}/quote_authorizations/x"))
        assert row.state == "failed"
        assert outbox("Update") == []
        assert QuoteApproval.objects.get().state == "pending"

    def test_an_accept_whose_stamp_is_on_another_server_is_refused(self, anon, quoting_a_remote_post, bob):
        (request,) = outbox("QuoteRequest")
        row = deliver(anon, bob, answer("Accept", request.payload["id"], result="https://evil.example/stamp"))
        assert row.state == "failed"
        assert QuoteApproval.objects.get().state == "pending"

    def test_their_reject_unlinks_the_quote(self, anon, quoting_a_remote_post, bob):
        client, posted, quoted = quoting_a_remote_post
        (request,) = outbox("QuoteRequest")
        assert deliver(anon, bob, answer("Reject", request.payload["id"])).state == "done"
        entity = client.get(f"/api/v1/statuses/{posted['id']}").json()
        assert entity["pleroma"]["quote"] is None
        assert entity["pleroma"]["quote_id"] is None
        assert quoted.uri in entity["content"]  # shown as a link
        (update,) = outbox("Update")
        assert "quote" not in update.payload["object"] and "quoteUrl" not in update.payload["object"]
        assert shown(anon, quoted)["pleroma"]["quotes_count"] == 0

    def test_a_delete_of_the_stamp_unlinks_the_quote(self, anon, quoting_a_remote_post, bob):
        client, posted, _ = quoting_a_remote_post
        (request,) = outbox("QuoteRequest")
        stamp = f"{REMOTE_BASE}/users/bob/quote_authorizations/1"
        deliver(anon, bob, answer("Accept", request.payload["id"], result=stamp))
        revoke = {"id": f"{stamp}#delete", "type": "Delete", "actor": REMOTE, "object": stamp, "to": [PUBLIC]}
        assert deliver(anon, bob, revoke).state == "done"
        assert client.get(f"/api/v1/statuses/{posted['id']}").json()["pleroma"]["quote"] is None
        assert QuoteApproval.objects.get().state == "revoked"
        assert "quoteAuthorization" not in outbox("Update")[-1].payload["object"]


@pytest.fixture
def carol_post(peer):
    """A post of carol's, on the peer server, stored here; and dave, who quotes it from there."""
    quoted = StatusFactory(account=peer.carol, local=False, visibility="public", ap_id=f"{peer.base}/objects/c1")
    dave = remote_account("dave", f"{peer.base}/users/dave")
    return quoted, dave


def stamp_document(peer, *, quoting: str, quoted: str, attributed_to: str | None = None, n: int = 1) -> dict:
    return peer.serve({"@context": "https://www.w3.org/ns/activitystreams",
                       "id": f"{peer.base}/quote_authorizations/{n}", "type": "QuoteAuthorization",
                       "attributedTo": attributed_to or peer.carol.remote_ap_id,
                       "interactingObject": quoting, "interactionTarget": quoted})


class TestQuotesReceived:
    """POST /inbox: Create{Note} / Update{Note} quoting with FEP-044f `quote`"""

    def test_a_quote_with_a_stamp_that_verifies_is_linked(self, anon, peer, carol_post):
        quoted, dave = carol_post
        quoting_id = f"{peer.base}/objects/d1"
        stamp = stamp_document(peer, quoting=quoting_id, quoted=quoted.uri)
        quoting = note("d1", actor=dave.remote_ap_id, quote=quoted.uri, quoteAuthorization=stamp["id"])
        assert deliver(anon, dave, create(quoting, actor=dave.remote_ap_id)).state == "done"
        status = Status.objects.get(ap_id=quoting_id)
        assert shown(anon, status)["pleroma"]["quote"]["uri"] == quoted.uri
        assert peer.fetched("/quote_authorizations/1")
        approval = QuoteApproval.objects.get(status=status)
        assert (approval.state, approval.authorization_uri) == ("accepted", stamp["id"])

    @pytest.mark.parametrize("wrong", ["interactingObject", "interactionTarget", "attributedTo"])
    def test_a_stamp_that_does_not_match_is_not_linked(self, anon, peer, carol_post, wrong):
        quoted, dave = carol_post
        quoting_id = f"{peer.base}/objects/d1"
        fields = {"quoting": quoting_id, "quoted": quoted.uri, "attributed_to": None}
        fields[{"interactingObject": "quoting", "interactionTarget": "quoted",
                "attributedTo": "attributed_to"}[wrong]] = f"{peer.base}/objects/other"
        stamp = stamp_document(peer, **fields)
        quoting = note("d1", actor=dave.remote_ap_id, quote=quoted.uri, quoteAuthorization=stamp["id"])
        deliver(anon, dave, create(quoting, actor=dave.remote_ap_id))
        status = Status.objects.get(ap_id=quoting_id)
        assert shown(anon, status)["pleroma"]["quote"] is None
        assert quotes_of(anon, quoted) == []

    def test_a_stamp_that_cannot_be_fetched_is_not_linked(self, anon, peer, carol_post):
        quoted, dave = carol_post
        quoting = note("d1", actor=dave.remote_ap_id, quote=quoted.uri,
                       quoteAuthorization=f"{peer.base}/quote_authorizations/missing")
        deliver(anon, dave, create(quoting, actor=dave.remote_ap_id))
        assert Status.objects.get(ap_id=quoting["id"]).quote_id is None

    def test_a_pending_quote_is_linked_by_the_update_that_brings_its_stamp(self, anon, peer, carol_post):
        quoted, dave = carol_post
        quoting = note("d1", actor=dave.remote_ap_id, quote=quoted.uri)
        deliver(anon, dave, create(quoting, actor=dave.remote_ap_id))
        status = Status.objects.get(ap_id=quoting["id"])
        assert shown(anon, status)["pleroma"]["quote"] is None
        stamp = stamp_document(peer, quoting=quoting["id"], quoted=quoted.uri)
        update = {"id": f"{peer.base}/activities/update/1", "type": "Update", "actor": dave.remote_ap_id,
                  "to": [PUBLIC], "object": {**quoting, "quoteAuthorization": stamp["id"]}}
        assert deliver(anon, dave, update).state == "done"  # same `published`, no `updated`: consent only
        assert shown(anon, status)["pleroma"]["quote"]["uri"] == quoted.uri
        assert quotes_of(anon, quoted) == [quoting["id"]]

    def test_a_self_quote_needs_no_stamp(self, anon, bob):
        own = StatusFactory(account=bob, local=False, visibility="public", ap_id=f"{REMOTE_BASE}/objects/own")
        quoting = note("q1", quote=own.uri)
        deliver(anon, bob, create(quoting))
        assert Status.objects.get(ap_id=quoting["id"]).quote_id == own.pk

    def test_a_quote_without_the_consent_flow_is_linked_as_before(self, anon, bob, alice):
        quoted = create_status(alice, text="quote me")
        quoting = note("q1", quoteUrl=quoted.uri)
        deliver(anon, bob, create(quoting))
        assert quotes_of(anon, quoted) == [quoting["id"]]
        assert not QuoteApproval.objects.exists()

    def test_a_delete_of_the_stamp_unlinks_a_remote_quote(self, anon, peer, carol_post):
        quoted, dave = carol_post
        quoting_id = f"{peer.base}/objects/d1"
        stamp = stamp_document(peer, quoting=quoting_id, quoted=quoted.uri)
        quoting = note("d1", actor=dave.remote_ap_id, quote=quoted.uri, quoteAuthorization=stamp["id"])
        deliver(anon, dave, create(quoting, actor=dave.remote_ap_id))
        revoke = {"id": f"{stamp['id']}#delete", "type": "Delete", "actor": peer.carol.remote_ap_id,
                  "object": stamp["id"], "to": [PUBLIC]}
        assert deliver(anon, peer.carol, revoke).state == "done"
        status = Status.objects.get(ap_id=quoting_id)
        assert shown(anon, status)["pleroma"]["quote"] is None
        assert shown(anon, quoted)["pleroma"]["quotes_count"] == 0

    def test_only_the_quoted_author_revokes_a_stamp(self, anon, peer, carol_post):
        quoted, dave = carol_post
        quoting_id = f"{peer.base}/objects/d1"
        stamp = stamp_document(peer, quoting=quoting_id, quoted=quoted.uri)
        quoting = note("d1", actor=dave.remote_ap_id, quote=quoted.uri, quoteAuthorization=stamp["id"])
        deliver(anon, dave, create(quoting, actor=dave.remote_ap_id))
        revoke = {"id": f"{peer.base}/deletes/1", "type": "Delete", "actor": dave.remote_ap_id,
                  "object": stamp["id"], "to": [PUBLIC]}
        assert deliver(anon, dave, revoke).state == "failed"
        assert Status.objects.get(ap_id=quoting_id).quote_id == quoted.pk


class TestRevocation:
    """DELETE /api/v1/statuses/:id of a quoted post; POST /api/v1/accounts/:id/block of the quoter"""

    def test_deleting_a_quoted_post_revokes_its_stamps(self, api, anon, bob):
        client = api(scopes=["read", "write", "follow"])
        quoted = create_status(client.user, text="quote me")
        deliver(anon, bob, quote_request(quoted.uri))
        stamp_url = outbox("Accept")[0].payload["result"]
        path = path_of(stamp_url)
        assert anon.get(path, HTTP_ACCEPT=AP).status_code == 200
        assert client.delete(f"/api/v1/statuses/{ids.encode(quoted.pk)}").status_code == 200
        revocations = [a for a in outbox("Delete") if a.payload["object"] == stamp_url]
        assert len(revocations) == 1
        assert revocations[0].payload["actor"] == client.user.ap_id
        assert inboxes(revocations[0]) & {f"{REMOTE}/inbox", f"{REMOTE_BASE}/inbox"}
        assert anon.get(path, HTTP_ACCEPT=AP).status_code == 404

    def test_blocking_the_quoter_revokes_what_they_were_allowed(self, api, anon, bob):
        client = api(scopes=["read", "write", "follow"])
        quoted = create_status(client.user, text="quote me")
        deliver(anon, bob, quote_request(quoted.uri))
        stamp_url = outbox("Accept")[0].payload["result"]
        assert client.post(f"/api/v1/accounts/{ids.encode(bob.pk)}/block").status_code == 200
        assert [a.payload["object"] for a in outbox("Delete")] == [stamp_url]
        assert not QuoteAuthorization.objects.exists()


class TestRevokingFromTheAdmin:
    """POST /admin/federation/quoteauthorization/ action=revoke_stamps"""

    def test_a_moderator_revokes_a_stamp_and_its_delete_is_sent(self, anon, alice, bob):
        from django.test import Client

        quoted = create_status(alice, text="quote me")
        deliver(anon, bob, quote_request(quoted.uri))
        stamp = QuoteAuthorization.objects.get()
        stamp_url = outbox("Accept")[0].payload["result"]
        admin = Client()
        admin.force_login(UserFactory(is_admin=True))
        response = admin.post("/admin/federation/quoteauthorization/",
                              {"action": "revoke_stamps", "_selected_action": [str(stamp.pk)]})
        assert response.status_code == 302
        assert [a.payload["object"] for a in outbox("Delete")] == [stamp_url]
        assert anon.get(path_of(stamp_url), HTTP_ACCEPT=AP).status_code == 404
