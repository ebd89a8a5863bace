"""FEP-044f quotes with the Fedify peer (reference/federation.md §4.5, §8.1 scenario 14):
Fedify's own vocabulary parses what we send (QuoteRequest, the Accept and its
QuoteAuthorization stamp, the Update carrying `quoteAuthorization`) and its inbox verifies
our signatures; ours verify the peer's."""

from __future__ import annotations

import json

from core import ids
from federation.models import QuoteApproval
from tests.factories import UserFactory
from tests.interop.conftest import OUR_HOST
from tests.interop.test_fedify import _create, _following, _local_id_of, _note, _post

AS = "https://www.w3.org/ns/activitystreams"
FEP = "https://w3id.org/fep/044f"
CONTEXT = [AS, {"QuoteRequest": f"{FEP}#QuoteRequest",
                "quote": {"@id": f"{FEP}#quote", "@type": "@id"},
                "quoteAuthorization": {"@id": f"{FEP}#quoteAuthorization", "@type": "@id"}}]


def _id(value) -> str:
    return value.get("id") if isinstance(value, dict) else value


class TestQuoteRequestFromFedify:
    """QuoteRequest from a Fedify actor for one of our posts"""

    def test_it_is_accepted_with_a_stamp_fedify_reads_as_a_quote_authorization(self, pleroma, fedify):
        alice = fedify.create_actor("alice")
        UserFactory(nickname="bob")
        ours = _post(pleroma, pleroma.token("bob"), "quote me")
        request = {"@context": CONTEXT, "id": f"{alice['id']}/quote_requests/1", "type": "QuoteRequest",
                   "actor": alice["id"], "object": ours["uri"], "instrument": f"{alice['id']}/notes/9"}
        fedify.send("alice", [f"https://{OUR_HOST}/users/bob"], request)
        accept = fedify.wait_received("Accept", server=pleroma)
        assert accept["actor"] == f"https://{OUR_HOST}/users/bob"
        assert _id(accept["activity"]["object"]) == request["id"]
        stamp_url = _id(accept["activity"]["result"])
        assert stamp_url.startswith(f"https://{OUR_HOST}/quote_authorizations/")
        found = fedify.lookup(stamp_url)
        assert found["found"], fedify.log()[-3000:]
        assert found["type"] == "QuoteAuthorization"
        stamp = found["object"]
        assert _id(stamp["attributedTo"]) == f"https://{OUR_HOST}/users/bob"
        assert _id(stamp["interactingObject"]) == f"{alice['id']}/notes/9"
        assert _id(stamp["interactionTarget"]) == ours["uri"]

    def test_a_request_for_a_followers_only_post_is_rejected(self, pleroma, fedify):
        alice = fedify.create_actor("alice")
        UserFactory(nickname="bob")
        ours = _post(pleroma, pleroma.token("bob"), "for my followers", visibility="private")
        request = {"@context": CONTEXT, "id": f"{alice['id']}/quote_requests/2", "type": "QuoteRequest",
                   "actor": alice["id"], "object": ours["uri"], "instrument": f"{alice['id']}/notes/9"}
        fedify.send("alice", [f"https://{OUR_HOST}/users/bob"], request)
        reject = fedify.wait_received("Reject", server=pleroma)
        assert _id(reject["activity"]["object"]) == request["id"]
        assert fedify.received("Accept") == []


class TestOurQuoteOfAFedifyNote:
    """POST /api/v1/statuses with the quote_id of a Fedify note"""

    def test_we_ask_and_the_update_after_their_accept_carries_the_stamp(self, pleroma, fedify):
        alice, token = _following(pleroma, fedify)
        theirs = _note(alice, 1, "<p>quote this</p>")
        fedify.send("alice", [f"https://{OUR_HOST}/users/bob"], _create(alice, theirs))
        quoted_id = _local_id_of(pleroma, theirs["id"])
        ours = _post(pleroma, token, "so true", quote_id=quoted_id)
        request = fedify.wait_received("QuoteRequest", server=pleroma)
        assert request["actor"] == f"https://{OUR_HOST}/users/bob"
        assert _id(request["activity"]["object"]) == theirs["id"]
        assert _id(request["activity"]["instrument"]) == ours["uri"]
        stamp = f"{alice['id']}/quote_authorizations/1"
        accept = {"@context": CONTEXT, "id": f"{alice['id']}/accepts/quote/1", "type": "Accept",
                  "actor": alice["id"], "object": request["id"], "result": stamp}
        fedify.send("alice", [f"https://{OUR_HOST}/users/bob"], accept)
        update = fedify.wait_received("Update", server=pleroma)
        note = update["activity"]["object"]
        assert _id(note) == ours["uri"]
        assert stamp in json.dumps(note)  # quoteAuthorization, however Fedify compacts it
        approval = QuoteApproval.objects.get(status_id=ids.decode(ours["id"]))
        assert (approval.state, approval.authorization_uri) == ("accepted", stamp)
        shown = pleroma.get(f"/api/v1/statuses/{ours['id']}", token).json()
        assert shown["pleroma"]["quote"]["id"] == quoted_id
