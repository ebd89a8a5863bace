"""Conversations: /api/v1/conversations and /api/v1/pleroma/conversations."""

from __future__ import annotations

import pytest

from conversations.models import Participation
from core import ids
from statuses.models import Mention, Status
from tests.factories import UserFactory

STATUSES = "/api/v1/statuses"
CONVERSATIONS = "/api/v1/conversations"
PLEROMA = "/api/v1/pleroma/conversations"


def dm(client, text: str, **extra) -> dict:
    response = client.post(STATUSES, {"status": text, "visibility": "direct", **extra}, format="json")
    assert response.status_code == 200, response.json()
    return response.json()


def participation_of(user, status_json) -> Participation:
    status = Status.objects.get(pk=ids.decode(status_json["id"]))
    return Participation.objects.get(user=user, conversation__context_id=status.context_id)


def recipient_ids(participation) -> set:
    return {ids.encode(u) for u in participation.recipients.values_list("pk", flat=True)}


@pytest.fixture
def alice(api):
    return api(scopes=["read", "write"])


@pytest.fixture
def bob(api):
    return api(scopes=["read", "write"])


class TestDirectStatusesFileConversations:
    """POST /api/v1/statuses (visibility=direct, in_reply_to_conversation_id)"""

    def test_a_dm_creates_a_participation_per_recipient(self, alice, bob):
        status = dm(alice, f"@{bob.user.nickname} hello")
        mine, theirs = participation_of(alice.user, status), participation_of(bob.user, status)
        assert (mine.read, theirs.read) == (True, False)
        everyone = {ids.encode(alice.user.pk), ids.encode(bob.user.pk)}
        assert recipient_ids(mine) == recipient_ids(theirs) == everyone
        assert status["pleroma"]["direct_conversation_id"] == mine.pk

    def test_replying_through_a_conversation_addresses_exactly_its_recipients(self, alice, bob):
        carol = UserFactory()
        first = dm(alice, f"@{bob.user.nickname} hello")
        conversation = participation_of(bob.user, first)
        reply = dm(bob, f"hi, and @{carol.nickname} should not be addressed",
                   in_reply_to_conversation_id=str(conversation.pk), visibility="public")
        assert reply["visibility"] == "direct"
        status = Status.objects.get(pk=ids.decode(reply["id"]))
        assert set(Mention.objects.filter(status=status).values_list("account_id", flat=True)) == {
            alice.user.pk}
        assert status.context_id == Status.objects.get(pk=ids.decode(first["id"])).context_id
        assert status.in_reply_to_id is None
        assert reply["pleroma"]["direct_conversation_id"] == conversation.pk
        assert not Participation.objects.filter(user__nickname=carol.nickname).exists()
        # The recipients never change by themselves: the mention did not add carol.
        assert recipient_ids(participation_of(alice.user, first)) == {
            ids.encode(alice.user.pk), ids.encode(bob.user.pk)}

    def test_a_new_message_marks_it_unread_for_everyone_but_the_author(self, alice, bob):
        first = dm(alice, f"@{bob.user.nickname} hello")
        bob.post(f"{PLEROMA}/read")
        mine = participation_of(alice.user, first)
        dm(bob, "answer", in_reply_to_conversation_id=str(participation_of(bob.user, first).pk))
        mine.refresh_from_db()
        assert mine.read is False
        assert participation_of(bob.user, first).read is True

    def test_a_reply_with_in_reply_to_id_joins_the_conversation(self, alice, bob):
        first = dm(alice, f"@{bob.user.nickname} hello")
        reply = dm(bob, f"@{alice.user.nickname} hi", in_reply_to_id=first["id"])
        assert reply["pleroma"]["direct_conversation_id"] == participation_of(bob.user, first).pk
        assert Participation.objects.filter(user=bob.user).count() == 1

    def test_someone_elses_conversation_cannot_be_replied_to(self, alice, bob, api):
        first = dm(alice, f"@{bob.user.nickname} hello")
        stranger = api(scopes=["write:statuses"])
        for conversation_id in (str(participation_of(bob.user, first).pk), "999999999", "junk"):
            response = stranger.post(STATUSES, {"status": "let me in", "visibility": "public",
                                                "in_reply_to_conversation_id": conversation_id})
            assert response.status_code == 404
            assert response.json() == {"error": "Unknown conversation id"}
        assert not Status.objects.filter(account=stranger.user).exists()

    def test_a_public_status_files_nothing(self, alice):
        alice.post(STATUSES, {"status": "hello world"})
        assert not Participation.objects.exists()

    def test_the_account_shows_the_unread_count(self, alice, bob):
        dm(alice, f"@{bob.user.nickname} one")
        dm(alice, f"@{bob.user.nickname} two")
        account = bob.get("/api/v1/accounts/verify_credentials").json()
        assert account["pleroma"]["unread_conversation_count"] == 2


class TestListConversations:
    """GET /api/v1/conversations"""

    def test_lists_the_callers_conversations_most_recent_first(self, alice, bob):
        older = dm(alice, f"@{bob.user.nickname} older")
        newer = dm(alice, f"@{bob.user.nickname} newer")
        response = bob.get(CONVERSATIONS)
        assert response.status_code == 200
        body = response.json()
        assert [c["last_status"]["id"] for c in body] == [newer["id"], older["id"]]
        first = body[0]
        participation = participation_of(bob.user, newer)
        assert first["id"] == str(participation.pk)
        assert first["unread"] is True
        assert [a["id"] for a in first["accounts"]] == [ids.encode(alice.user.pk)]
        assert {a["id"] for a in first["pleroma"]["recipients"]} == {
            ids.encode(alice.user.pk), ids.encode(bob.user.pk)}
        assert first["last_status"]["pleroma"]["direct_conversation_id"] == participation.pk
        assert f"max_id={ids.encode(participation_of(bob.user, older).last_activity_id)}" in response["Link"]

    def test_pages_with_max_id(self, alice, bob):
        older = dm(alice, f"@{bob.user.nickname} older")
        dm(alice, f"@{bob.user.nickname} newer")
        page = bob.get(CONVERSATIONS, {"limit": 1})
        assert len(page.json()) == 1
        next_url = page["Link"].split(">")[0].lstrip("<").split("/api/v1/conversations")[1]
        rest = bob.get(CONVERSATIONS + next_url)
        assert [c["last_status"]["id"] for c in rest.json()] == [older["id"]]

    def test_a_self_only_conversation_lists_the_caller(self, alice):
        dm(alice, "note to self")
        body = alice.get(CONVERSATIONS).json()
        assert [a["id"] for a in body[0]["accounts"]] == [ids.encode(alice.user.pk)]

    def test_filters_on_the_exact_recipients(self, alice, bob):
        carol = UserFactory()
        two = dm(alice, f"@{bob.user.nickname} two of us")
        dm(alice, f"@{bob.user.nickname} @{carol.nickname} three of us")
        response = alice.get(CONVERSATIONS, {"recipients[]": [ids.encode(bob.user.pk)]})
        assert [c["last_status"]["id"] for c in response.json()] == [two["id"]]

    def test_refuses_a_token_without_read_statuses(self, api):
        response = api(scopes=["read:accounts"]).get(CONVERSATIONS)
        assert response.status_code == 403
        assert response.json() == {"error": "Insufficient permissions: read:statuses."}

    @pytest.mark.parametrize("size", [1, 21])
    def test_renders_a_page_in_constant_queries(self, api, size, django_assert_max_num_queries):
        from statuses.services import create_status

        viewer = api(scopes=["read"])
        for _ in range(size):
            create_status(UserFactory(), text=f"@{viewer.user.nickname} hi", visibility="direct")
        # The same bound for 1 and 21 rows; it has room for the Status loaders of other apps.
        with django_assert_max_num_queries(22):
            response = viewer.get(CONVERSATIONS, {"limit": 40})
        assert len(response.json()) == size


class TestMarkConversationRead:
    """POST /api/v1/conversations/:id/read"""

    def test_marks_one_conversation_read(self, alice, bob):
        status = dm(alice, f"@{bob.user.nickname} hello")
        participation = participation_of(bob.user, status)
        response = bob.post(f"{CONVERSATIONS}/{participation.pk}/read")
        assert response.status_code == 200
        assert response.json()["unread"] is False
        participation.refresh_from_db()
        assert participation.read is True

    def test_someone_elses_conversation_is_not_found(self, alice, bob):
        status = dm(alice, f"@{bob.user.nickname} hello")
        theirs = participation_of(bob.user, status)
        for conversation_id in (theirs.pk, "nope"):
            response = alice.post(f"{CONVERSATIONS}/{conversation_id}/read")
            assert response.status_code == 404
            assert response.json() == {"error": "Record not found"}
        theirs.refresh_from_db()
        assert theirs.read is False

    def test_refuses_a_token_without_write_conversations(self, alice, api):
        status = dm(alice, "self")
        reader = api(scopes=["read", "write:statuses"], user=alice.user)
        response = reader.post(f"{CONVERSATIONS}/{participation_of(alice.user, status).pk}/read")
        assert response.status_code == 403
        assert response.json() == {"error": "Insufficient permissions: write:conversations."}


class TestDeleteConversation:
    """DELETE /api/v1/conversations/:id"""

    def test_removes_the_conversation_from_the_callers_list(self, alice, bob):
        status = dm(alice, f"@{bob.user.nickname} hello")
        participation = participation_of(bob.user, status)
        response = bob.delete(f"{CONVERSATIONS}/{participation.pk}")
        assert response.status_code == 200
        assert response.json() == {}
        assert bob.get(CONVERSATIONS).json() == []
        assert Participation.objects.filter(user=alice.user).exists()

    def test_someone_elses_conversation_is_not_found(self, alice, bob):
        status = dm(alice, f"@{bob.user.nickname} hello")
        response = alice.delete(f"{CONVERSATIONS}/{participation_of(bob.user, status).pk}")
        assert response.status_code == 404
        assert response.json() == {"error": "Record not found"}
        assert Participation.objects.filter(user=bob.user).exists()


class TestStatusEntityConversationId:
    """GET /api/v1/statuses/:id (pleroma.direct_conversation_id)"""

    def test_is_the_viewers_own_conversation_id(self, alice, bob):
        status = dm(alice, f"@{bob.user.nickname} hello")
        url = f"{STATUSES}/{status['id']}"
        assert alice.get(url).json()["pleroma"]["direct_conversation_id"] == participation_of(
            alice.user, status).pk
        assert bob.get(url).json()["pleroma"]["direct_conversation_id"] == participation_of(
            bob.user, status).pk

    def test_is_null_outside_conversations(self, alice, anon):
        public = alice.post(STATUSES, {"status": "hello world"}).json()
        assert alice.get(f"{STATUSES}/{public['id']}").json()["pleroma"]["direct_conversation_id"] is None
        assert anon.get(f"{STATUSES}/{public['id']}").json()["pleroma"]["direct_conversation_id"] is None
