"""Update received and processed (reference/federation.md §3.10, §4.9): edits of remote
notes and remote profiles."""

from __future__ import annotations

import pytest

from core import ids
from notifications.models import Notification
from statuses.models import Status
from tests.factories import UserFactory
from tests.federation.incoming import REMOTE, create, deliver, note, remote_account


@pytest.fixture
def bob(db):
    return remote_account("bob", REMOTE)


def update(obj: dict, n=1, actor=REMOTE) -> dict:
    return {"id": f"{actor}#updates/{n}", "type": "Update", "actor": actor, "object": obj}


class TestUpdateNote:
    """POST /inbox: Update{Note}"""

    def test_a_newer_edit_changes_content_cw_media_and_sets_edited_at(self, anon, api, bob):
        alice = UserFactory(nickname="alice")
        original = note(1, attachment=[{"type": "Document", "mediaType": "image/png",
                                        "url": "https://remote.example/m/1.png"}])
        deliver(anon, bob, create(original))
        edited = {**original, "content": "<p>edited</p>", "summary": "now with cw", "sensitive": True,
                  "updated": "2026-01-07T13:00:00Z",
                  "attachment": [{"type": "Document", "mediaType": "video/mp4", "url": "https://remote.example/m/2.mp4"}],
                  "tag": [{"type": "Mention", "href": alice.ap_id}]}
        assert deliver(anon, bob, update(edited)).state == "done"
        status = Status.objects.get()
        body = api(scopes=["read"]).get(f"/api/v1/statuses/{ids.encode(status.pk)}").json()
        assert (body["content"], body["spoiler_text"], body["sensitive"]) == ("<p>edited</p>", "now with cw", True)
        assert body["edited_at"].startswith("2026-01-07T13:00:00")
        assert [m["url"] for m in body["media_attachments"]] == ["https://remote.example/m/2.mp4"]
        assert Notification.objects.filter(user=alice, type="mention").count() == 1  # a new mention

    def test_an_edit_not_newer_than_the_stored_version_changes_nothing(self, anon, bob):
        deliver(anon, bob, create(note(1)))
        row = deliver(anon, bob, update({**note(1), "content": "<p>old</p>", "updated": "2026-01-07T12:00:00Z"}))
        assert row.state == "ignored"
        assert Status.objects.get().content == "<p>hello</p>"
        row = deliver(anon, bob, update({**note(1), "content": "<p>no date</p>"}, n=2))
        assert row.state == "ignored"
        assert Status.objects.get().content == "<p>hello</p>"

    def test_an_update_before_its_create_stores_the_note(self, anon, bob):
        row = deliver(anon, bob, update({**note(1), "content": "<p>early</p>", "updated": "2026-01-07T13:00:00Z"}))
        assert row.state == "done"
        assert Status.objects.get(ap_id=note(1)["id"]).content == "<p>early</p>"
        assert deliver(anon, bob, create(note(1))).state == "ignored"  # the late Create: known already
        assert Status.objects.count() == 1

    def test_an_edit_of_another_actors_note_is_refused(self, anon, bob):
        carol = remote_account("carol", "https://remote.example/users/carol")
        carols = note("c1", actor=carol.remote_ap_id)
        deliver(anon, carol, create(carols, actor=carol.remote_ap_id))
        forged = {**carols, "attributedTo": REMOTE, "content": "<p>pwned</p>", "updated": "2026-01-08T00:00:00Z"}
        row = deliver(anon, bob, update(forged))
        assert row.state == "failed"
        assert row.error == "rejected: Update of an object owned by another actor"
        assert Status.objects.get().content == "<p>hello</p>"

    def test_an_edit_of_an_object_on_another_host_is_refused(self, anon, bob):
        other = {**note(1, actor="https://other.example/users/eve"), "attributedTo": REMOTE,
                 "updated": "2026-01-08T00:00:00Z"}
        row = deliver(anon, bob, update(other))
        assert row.state == "failed"
        assert row.error == "rejected: Object id and actor are on different hosts"


class TestUpdatePerson:
    """POST /inbox: Update{Person}"""

    def person(self, **fields) -> dict:
        return {"id": REMOTE, "type": "Person", "preferredUsername": "bob", "inbox": f"{REMOTE}/inbox",
                "name": "Bob B.", "summary": "<p>new bio<script>x</script></p>", "manuallyApprovesFollowers": True,
                "icon": {"type": "Image", "url": "https://remote.example/a.png"},
                "image": {"type": "Image", "url": "https://remote.example/h.png"},
                "attachment": [{"type": "PropertyValue", "name": "site", "value": "https://bob.example"}],
                **fields}

    def test_the_profile_is_refreshed_from_the_embedded_actor(self, anon, api, bob):
        key_before = bob.public_key_pem
        row = deliver(anon, bob, update(self.person(type="Service", movedTo="https://new.example/users/bob")))
        assert row.state == "done"
        body = api(scopes=["read"]).get(f"/api/v1/accounts/{ids.encode(bob.pk)}").json()
        assert (body["display_name"], body["locked"], body["bot"]) == ("Bob B.", True, True)
        assert "new bio" in body["note"] and "script" not in body["note"]
        assert body["avatar"] == "https://remote.example/a.png"
        assert body["header"] == "https://remote.example/h.png"
        assert body["fields"][0]["name"] == "site"
        bob.refresh_from_db()
        assert bob.public_key_pem == key_before  # a document without a key keeps the known one
        assert bob.moved_to == "https://new.example/users/bob"

    def test_an_actor_cannot_update_another_actor(self, anon, bob):
        carol = remote_account("carol", "https://remote.example/users/carol")
        row = deliver(anon, bob, update(self.person(id=carol.remote_ap_id, preferredUsername="carol")))
        assert row.state == "failed"
        carol.refresh_from_db()
        assert carol.display_name != "Bob B."


class TestQuestion:
    """Create{Question} and Update{Question}: remote polls and their counts (§4.7)"""

    def question(self, tea: int, coffee: int, **fields) -> dict:
        return {**note("q1"), "type": "Question", "content": "<p>Tea or coffee?</p>", "endTime": "2099-01-08T12:00:00Z",
                "oneOf": [{"type": "Note", "name": "Tea", "replies": {"type": "Collection", "totalItems": tea}},
                          {"type": "Note", "name": "Coffee", "replies": {"type": "Collection", "totalItems": coffee}}],
                "votersCount": tea + coffee, **fields}

    def test_a_remote_poll_is_shown_and_its_counts_refresh_without_an_edit(self, anon, api, bob):
        deliver(anon, bob, create(self.question(3, 5)))
        status = Status.objects.get()
        path = f"/api/v1/statuses/{ids.encode(status.pk)}"
        poll = api(scopes=["read"]).get(path).json()["poll"]
        assert [(o["title"], o["votes_count"]) for o in poll["options"]] == [("Tea", 3), ("Coffee", 5)]
        assert (poll["voters_count"], poll["multiple"], poll["expires_at"][:10]) == (8, False, "2099-01-08")
        assert deliver(anon, bob, update(self.question(4, 7))).state == "done"
        poll = api(scopes=["read"]).get(path).json()["poll"]
        assert [o["votes_count"] for o in poll["options"]] == [4, 7]
        assert poll["voters_count"] == 11
        assert Status.objects.get().edited_at is None

    def test_changed_options_do_not_take_the_counts(self, anon, api, bob):
        deliver(anon, bob, create(self.question(3, 5)))
        renamed = self.question(9, 9)
        renamed["oneOf"][0]["name"] = "Milk"
        assert deliver(anon, bob, update(renamed)).state == "ignored"
        status = Status.objects.get()
        assert status.poll.votes == [3, 5]


class TestEditHistory:
    """GET /api/v1/statuses/:id/history of a remotely edited status"""

    def test_the_replaced_version_is_kept(self, anon, api, bob):
        deliver(anon, bob, create(note(1)))
        deliver(anon, bob, update({**note(1), "content": "<p>v2</p>", "updated": "2026-01-07T13:00:00Z"}))
        status = Status.objects.get()
        history = api(scopes=["read"]).get(f"/api/v1/statuses/{ids.encode(status.pk)}/history").json()
        assert [version["content"] for version in history] == ["<p>hello</p>", "<p>v2</p>"]
