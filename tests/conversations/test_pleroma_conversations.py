"""Pleroma's conversation routes: /api/v1/pleroma/conversations/..."""

from __future__ import annotations

import pytest

from conversations.models import Participation
from core import ids
from statuses.models import Mention, Status
from tests.conversations.test_conversations import dm, participation_of, recipient_ids
from tests.factories import UserFactory

PLEROMA = "/api/v1/pleroma/conversations"


@pytest.fixture
def alice(api):
    return api(scopes=["read", "write"])


@pytest.fixture
def bob(api):
    return api(scopes=["read", "write"])


class TestShowConversation:
    """GET /api/v1/pleroma/conversations/:id"""

    def test_shows_the_callers_conversation(self, alice, bob):
        status = dm(alice, f"@{bob.user.nickname} hello")
        participation = participation_of(bob.user, status)
        response = bob.get(f"{PLEROMA}/{participation.pk}")
        assert response.status_code == 200
        body = response.json()
        assert body["id"] == str(participation.pk)
        assert body["unread"] is True
        assert body["last_status"]["id"] == status["id"]
        assert [a["id"] for a in body["accounts"]] == [ids.encode(alice.user.pk)]

    @pytest.mark.parametrize("other", [True, False])
    def test_another_users_or_a_missing_conversation_is_unknown(self, alice, bob, other):
        status = dm(alice, f"@{bob.user.nickname} hello")
        conversation_id = participation_of(bob.user, status).pk if other else 987654321
        response = alice.get(f"{PLEROMA}/{conversation_id}")
        assert response.status_code == 404
        assert response.json() == {"error": "Unknown conversation id"}

    def test_answers_junk_ids_with_not_found(self, alice):
        response = alice.get(f"{PLEROMA}/not-a-number")
        assert response.status_code == 404
        assert response.json() == {"error": "Unknown conversation id"}

    def test_refuses_a_token_without_read_statuses(self, alice, api):
        status = dm(alice, "self")
        response = api(scopes=["write"], user=alice.user).get(
            f"{PLEROMA}/{participation_of(alice.user, status).pk}")
        assert response.status_code == 403
        assert response.json() == {"error": "Insufficient permissions: read:statuses."}


class TestConversationStatuses:
    """GET /api/v1/pleroma/conversations/:id/statuses"""

    @pytest.fixture
    def thread(self, alice, bob):
        first = dm(alice, f"@{bob.user.nickname} hello")
        conversation = participation_of(alice.user, first)
        reply = dm(alice, "a reply", in_reply_to_conversation_id=str(conversation.pk))
        dm(alice, f"@{UserFactory().nickname} unrelated")  # another thread, not included
        return conversation, first, reply

    def test_lists_the_thread_oldest_first(self, alice, thread):
        conversation, first, reply = thread
        response = alice.get(f"{PLEROMA}/{conversation.pk}/statuses")
        assert response.status_code == 200
        assert [s["id"] for s in response.json()] == [first["id"], reply["id"]]
        assert "rel=\"next\"" in response["Link"]

    def test_pages_like_a_timeline(self, alice, thread):
        conversation, first, reply = thread
        third = dm(alice, "third", in_reply_to_conversation_id=str(conversation.pk))
        url = f"{PLEROMA}/{conversation.pk}/statuses"
        assert [s["id"] for s in alice.get(url, {"limit": 2}).json()] == [reply["id"], third["id"]]
        assert [s["id"] for s in alice.get(url, {"min_id": reply["id"]}).json()] == [third["id"]]
        assert [s["id"] for s in alice.get(url, {"max_id": reply["id"]}).json()] == [first["id"]]
        assert [s["id"] for s in alice.get(url, {"since_id": first["id"]}).json()] == [
            reply["id"], third["id"]]

    def test_shows_the_recipient_the_same_thread(self, bob, thread):
        conversation, first, reply = thread
        own = Participation.objects.get(user=bob.user, conversation=conversation.conversation)
        response = bob.get(f"{PLEROMA}/{own.pk}/statuses")
        assert [s["id"] for s in response.json()] == [first["id"], reply["id"]]

    def test_another_users_conversation_is_unknown(self, api, thread):
        conversation, *_ = thread
        response = api(scopes=["read"]).get(f"{PLEROMA}/{conversation.pk}/statuses")
        assert response.status_code == 404
        assert response.json() == {"error": "Unknown conversation id"}

    def test_refuses_a_token_without_read_statuses(self, alice, api, thread):
        conversation, *_ = thread
        response = api(scopes=["read:accounts"], user=alice.user).get(f"{PLEROMA}/{conversation.pk}/statuses")
        assert response.status_code == 403
        assert response.json() == {"error": "Insufficient permissions: read:statuses."}

    @pytest.mark.parametrize("size", [1, 21])
    def test_renders_a_page_in_constant_queries(self, alice, bob, size, django_assert_max_num_queries):
        first = dm(alice, f"@{bob.user.nickname} hello")
        conversation = participation_of(alice.user, first)
        for i in range(size - 1):
            dm(alice, f"more {i}", in_reply_to_conversation_id=str(conversation.pk))
        # The same bound for 1 and 21 rows; it has room for the Status loaders of other apps.
        with django_assert_max_num_queries(22):
            response = alice.get(f"{PLEROMA}/{conversation.pk}/statuses", {"limit": 40})
        assert len(response.json()) == size


class TestUpdateConversationRecipients:
    """PATCH /api/v1/pleroma/conversations/:id"""

    def test_replaces_the_recipients_and_keeps_the_owner(self, alice, bob):
        status = dm(alice, "note to self")
        conversation = participation_of(alice.user, status)
        assert recipient_ids(conversation) == {ids.encode(alice.user.pk)}
        response = alice.patch(f"{PLEROMA}/{conversation.pk}?recipients[]={ids.encode(bob.user.pk)}")
        assert response.status_code == 200
        assert [a["id"] for a in response.json()["accounts"]] == [ids.encode(bob.user.pk)]
        assert recipient_ids(conversation) == {ids.encode(alice.user.pk), ids.encode(bob.user.pk)}
        # Nobody new has a participation until a message is sent to them...
        assert not Participation.objects.filter(user=bob.user).exists()
        reply = dm(alice, "now you are in", in_reply_to_conversation_id=str(conversation.pk))
        status = Status.objects.get(pk=ids.decode(reply["id"]))
        assert list(Mention.objects.filter(status=status).values_list("account_id", flat=True)) == [bob.user.pk]
        assert participation_of(bob.user, reply).read is False

    def test_removing_a_recipient_stops_addressing_them(self, alice, bob):
        status = dm(alice, f"@{bob.user.nickname} hello")
        conversation = participation_of(alice.user, status)
        response = alice.patch(f"{PLEROMA}/{conversation.pk}", {"recipients": []}, format="json")
        assert response.status_code == 200
        assert recipient_ids(conversation) == {ids.encode(alice.user.pk)}
        theirs = participation_of(bob.user, status)
        alice_reply = dm(alice, "only me now", in_reply_to_conversation_id=str(conversation.pk))
        assert not Mention.objects.filter(status_id=ids.decode(alice_reply["id"])).exists()
        # bob's own participation is untouched, and not bumped by a message not sent to him
        assert recipient_ids(theirs) == {ids.encode(alice.user.pk), ids.encode(bob.user.pk)}
        theirs_before = theirs.last_status_id
        theirs.refresh_from_db()
        assert theirs.last_status_id == theirs_before

    def test_ignores_unknown_account_ids(self, alice):
        conversation = participation_of(alice.user, dm(alice, "self"))
        response = alice.patch(f"{PLEROMA}/{conversation.pk}?recipients[]=nope&recipients[]=AAAAAAAAAAAAAAAAAA")
        assert response.status_code == 200
        assert recipient_ids(conversation) == {ids.encode(alice.user.pk)}

    def test_needs_recipients(self, alice):
        conversation = participation_of(alice.user, dm(alice, "self"))
        response = alice.patch(f"{PLEROMA}/{conversation.pk}")
        assert response.status_code == 400
        assert response.json()["error"] == "Missing field: recipients."

    def test_another_users_conversation_is_unknown(self, alice, bob):
        status = dm(alice, f"@{bob.user.nickname} hello")
        theirs = participation_of(bob.user, status)
        response = alice.patch(f"{PLEROMA}/{theirs.pk}?recipients[]={ids.encode(alice.user.pk)}")
        assert response.status_code == 404
        assert response.json() == {"error": "Unknown conversation id"}

    def test_refuses_a_token_without_write_conversations(self, alice, api):
        conversation = participation_of(alice.user, dm(alice, "self"))
        response = api(scopes=["read", "write:statuses"], user=alice.user).patch(
            f"{PLEROMA}/{conversation.pk}?recipients[]=x")
        assert response.status_code == 403
        assert response.json() == {"error": "Insufficient permissions: write:conversations."}


class TestReadAllConversations:
    """POST /api/v1/pleroma/conversations/read"""

    def test_marks_every_conversation_read_and_returns_the_changed_ones(self, alice, bob):
        dm(alice, f"@{bob.user.nickname} one")
        dm(alice, f"@{bob.user.nickname} two")
        response = bob.post(f"{PLEROMA}/read")
        assert response.status_code == 200
        assert [c["unread"] for c in response.json()] == [False, False]
        assert not Participation.objects.filter(user=bob.user, read=False).exists()
        account = bob.get("/api/v1/accounts/verify_credentials").json()
        assert account["pleroma"]["unread_conversation_count"] == 0
        assert bob.post(f"{PLEROMA}/read").json() == []

    def test_refuses_a_token_without_write_conversations(self, api):
        response = api(scopes=["read", "write:statuses"]).post(f"{PLEROMA}/read")
        assert response.status_code == 403
        assert response.json() == {"error": "Insufficient permissions: write:conversations."}
