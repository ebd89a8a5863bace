"""Quotes across servers (reference/federation.md §4.5): a local quote names the quoted post
in `quoteUrl`, `quoteUri` and `_misskey_quote`; a received note quoting with any of them is
a quote, listed by GET /api/v1/pleroma/statuses/:id/quotes."""

from __future__ import annotations

import pytest

from core import ids
from relationships.models import Follow
from statuses.services import create_status
from tests.factories import StatusFactory, UserFactory
from tests.federation.incoming import PUBLIC, REMOTE, create, deliver, note, remote_account
from tests.federation.test_publish_audience import outbox, remote


class TestQuoteSent:
    """POST /api/v1/statuses with quote_id"""

    def test_the_note_names_the_quoted_post_in_the_three_fields(self, api):
        client = api(scopes=["read", "write"])
        Follow.objects.create(follower=remote("bob", "one.example"), followed=client.user)
        quoted = StatusFactory(account=remote("erin", "three.example"), local=False, visibility="public",
                               ap_id="https://three.example/objects/1")
        response = client.post("/api/v1/statuses", {"status": "look", "quote_id": ids.encode(quoted.pk)})
        assert response.status_code == 200, response.content
        (created,) = outbox("Create")
        fields = {key: created.payload["object"].get(key) for key in ("quoteUrl", "quoteUri", "_misskey_quote")}
        assert fields == dict.fromkeys(fields, "https://three.example/objects/1")
        assert response.json()["pleroma"]["quote_url"] == "https://three.example/objects/1"


class TestQuoteReceived:
    """POST /inbox: Create{Note} quoting a local status, then GET /api/v1/pleroma/statuses/:id/quotes"""

    @pytest.mark.parametrize("field", ["quoteUrl", "quoteUri", "_misskey_quote"])
    def test_a_remote_quote_is_listed_with_the_quoted_post(self, anon, api, field):
        bob = remote_account("bob", REMOTE)
        alice = UserFactory(nickname="alice")
        quoted = create_status(alice, text="quote me")
        quoting = note(1, content="<p>so true</p>", to=[PUBLIC], **{field: quoted.uri})
        assert deliver(anon, bob, create(quoting)).state == "done"
        body = api(scopes=["read"]).get(f"/api/v1/pleroma/statuses/{ids.encode(quoted.pk)}/quotes").json()
        assert [s["uri"] for s in body] == [quoting["id"]]
        assert body[0]["pleroma"]["quote"]["id"] == ids.encode(quoted.pk)
        shown = anon.get(f"/api/v1/statuses/{ids.encode(quoted.pk)}").json()
        assert shown["pleroma"]["quotes_count"] == 1
