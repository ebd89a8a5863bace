"""Quotes between two running servers over real HTTP (reference/federation.md §4.5, §8.1
scenario 14): a quote of a post of the other server asks its author's consent with a
QuoteRequest, is accepted with a QuoteAuthorization stamp (and then carries it), and is
listed by the quoted post's /api/v1/pleroma/statuses/:id/quotes there; a QuoteRequest for
a followers-only post is rejected and the quote unlinked. `first` is the running server
on the test database (its worker is `federating_worker`), `second` has its own database."""

from __future__ import annotations

import pytest
import requests
from django.db import transaction

from tests.federation.test_two_servers_scenarios import TIMEOUT, Side, eventually, follow, in_home

AP = "application/activity+json"


@pytest.fixture
def first(running_server, federating_worker) -> Side:
    return Side(running_server, {})


@pytest.fixture
def second(second_server) -> Side:
    return Side(second_server, {})


@pytest.fixture(params=["first-to-second", "second-to-first"])
def sides(request, first, second) -> tuple[Side, Side]:
    """(quoter's server, quoted author's server), both ways."""
    return (first, second) if request.param == "first-to-second" else (second, first)


def fetch_document(url: str) -> dict:
    response = requests.get(url, headers={"Accept": AP}, timeout=30)
    assert response.status_code == 200, f"GET {url}: {response.status_code} {response.text[:300]}"
    assert response.headers["Content-Type"].startswith(AP)
    return response.json()


class TestQuoteConsent:
    def test_a_quote_of_a_post_there_is_authorised_and_listed_there(self, sides):
        here, there = sides
        here.user("alice")
        there.user("bob")
        follow(here, "alice", there, "bob")
        original = there.post("bob", "/api/v1/statuses", data={"status": "quote me if you like"})
        copy = eventually(lambda: in_home(here, "alice", original["uri"]), "bob's post in alice's home",
                          TIMEOUT, here, there)
        quote = here.post("alice", "/api/v1/statuses", data={"status": "so true", "quote_id": copy["id"]})
        assert quote["pleroma"]["quote"]["id"] == copy["id"]

        # there: the QuoteRequest was answered with a stamp, the quote is listed and embedded
        listed = eventually(
            lambda: [s for s in there.get("bob", f"/api/v1/pleroma/statuses/{original['id']}/quotes")
                     if s["uri"] == quote["uri"]],
            "alice's quote listed with bob's post", TIMEOUT, here, there)
        assert listed[0]["pleroma"]["quote"]["id"] == original["id"]
        assert there.get("bob", f"/api/v1/statuses/{original['id']}")["pleroma"]["quotes_count"] == 1

        # here: the Accept's stamp is kept and the quoting note carries it (sent in an Update)
        def authorised_note():
            document = fetch_document(quote["uri"])
            return document if document.get("quoteAuthorization") else None

        note = eventually(authorised_note, "quoteAuthorization on alice's note", TIMEOUT, here, there)
        assert note["quote"] == note["quoteUrl"] == original["uri"]
        assert note["quoteAuthorization"].startswith(there.server.url + "/quote_authorizations/")
        stamp = fetch_document(note["quoteAuthorization"])
        assert stamp["type"] == "QuoteAuthorization"
        assert stamp["interactingObject"] == quote["uri"]
        assert stamp["interactionTarget"] == original["uri"]
        assert stamp["attributedTo"] == f"{there.server.url}/users/bob"
        # the quoted note there says who may quote it
        quoted_note = fetch_document(original["uri"])
        assert quoted_note["interactionPolicy"]["canQuote"]["automaticApproval"] == [
            "https://www.w3.org/ns/activitystreams#Public"]
        assert here.get("alice", f"/api/v1/statuses/{quote['id']}")["pleroma"]["quote"]["id"] == copy["id"]

    def test_a_quote_request_for_a_followers_only_post_is_rejected(self, first, second, settings):
        """The API here refuses to quote someone's followers-only post (422); software that
        asks anyway is refused there: the quote is unlinked here once the Reject arrives."""
        from core import ids
        from federation import quotes
        from federation.models import QuoteApproval
        from statuses.models import Status

        here, there = first, second
        here.user("alice")
        there.user("bob")
        follow(here, "alice", there, "bob")
        secret = there.post("bob", "/api/v1/statuses", data={"status": "followers only", "visibility": "private"})
        copy = eventually(lambda: in_home(here, "alice", secret["uri"]), "bob's private post in alice's home",
                          TIMEOUT, here, there)
        refused = here.call("POST", "alice", "/api/v1/statuses", expect=422,
                            data={"status": "look", "quote_id": copy["id"]})
        assert refused == {"error": "Cannot quote private message"}

        post = here.post("alice", "/api/v1/statuses", data={"status": "look anyway"})
        settings.PLEROMA_URL = here.server.url  # the ids the request names are the first server's
        with transaction.atomic():  # as software without that rule would post it
            status = Status.objects.select_related("account").get(pk=ids.decode(post["id"]))
            quoted = Status.objects.select_related("account").get(ap_id=secret["uri"])
            Status.objects.filter(pk=status.pk).update(quote=quoted)
            status.quote = quoted
            quotes.quote_posted(status)
        eventually(lambda: QuoteApproval.objects.filter(status_id=status.pk, state="rejected").exists(),
                   "the Reject of the QuoteRequest", TIMEOUT, here, there)
        entity = here.get("alice", f"/api/v1/statuses/{post['id']}")
        assert entity["pleroma"]["quote"] is None and entity["pleroma"]["quote_id"] is None
        assert there.get("bob", f"/api/v1/pleroma/statuses/{secret['id']}/quotes") == []
