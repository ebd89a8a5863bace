"""Polls across servers (reference/federation.md §4.7): a local poll sent as a Question,
votes sent to a remote poll's author, votes received on a local poll counted and the new
counts sent as Update{Question}."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from core import ids
from federation.models import OutgoingActivity
from relationships.models import Follow
from statuses.models import Poll, PollVote, Status
from tests.factories import StatusFactory
from tests.federation.incoming import REMOTE, create, deliver, remote_account
from tests.federation.test_publish_audience import inboxes, outbox, remote


@pytest.fixture
def alice(api):
    client = api(scopes=["read", "write"])
    Follow.objects.create(follower=remote("carol", "one.example"), followed=client.user)
    return client


def post_poll(client, **poll) -> dict:
    response = client.post("/api/v1/statuses", {"status": "Tea or coffee?", "poll": {
        "options": ["Tea", "Coffee"], "expires_in": 3600, **poll}}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def vote(status_uri: str, option: str, n: int, actor: str = REMOTE) -> dict:
    host = actor.rsplit("/users/", 1)[0]
    return create({"id": f"{host}/objects/vote-{n}", "type": "Note", "attributedTo": actor, "name": option,
                   "inReplyTo": status_uri, "to": [], "cc": []}, actor=actor, n=f"vote-{n}")


class TestLocalPollSent:
    """POST /api/v1/statuses with a poll"""

    @pytest.mark.parametrize(("multiple", "key"), [(False, "oneOf"), (True, "anyOf")])
    def test_the_create_carries_a_question(self, alice, multiple, key):
        posted = post_poll(alice, multiple=multiple)
        (created,) = outbox("Create")
        question = created.payload["object"]
        assert question["type"] == "Question"
        assert question["id"] == posted["uri"]
        assert question[key] == [
            {"type": "Note", "name": "Tea", "replies": {"type": "Collection", "totalItems": 0}},
            {"type": "Note", "name": "Coffee", "replies": {"type": "Collection", "totalItems": 0}}]
        assert ("anyOf" if key == "oneOf" else "oneOf") not in question
        assert question["endTime"][:16] == posted["poll"]["expires_at"][:16]
        assert "closed" not in question
        assert question["votersCount"] == 0
        assert inboxes(created) == {"https://one.example/inbox"}

    def test_the_status_document_of_an_ended_poll_says_closed(self, alice, anon):
        posted = post_poll(alice)
        Poll.objects.filter(status_id=ids.decode(posted["id"])).update(
            expires_at=timezone.now() - timedelta(minutes=1))
        document = anon.get(posted["uri"], HTTP_ACCEPT="application/activity+json").json()
        assert document["type"] == "Question"
        assert document["closed"] == document["endTime"]


class TestVotesReceived:
    """POST /inbox: Create{Note} with `name` in reply to a local Question"""

    def test_a_vote_is_counted_and_the_new_counts_go_to_the_followers(self, alice, anon):
        bob = remote_account("bob", REMOTE)
        posted = post_poll(alice)
        OutgoingActivity.objects.all().delete()
        assert deliver(anon, bob, vote(posted["uri"], "Coffee", 1)).state == "done"
        poll = alice.get(f"/api/v1/polls/{posted['poll']['id']}").json()
        assert [(o["title"], o["votes_count"]) for o in poll["options"]] == [("Tea", 0), ("Coffee", 1)]
        assert poll["voters_count"] == 1
        assert not Status.objects.filter(account=bob).exists()  # a vote, not a reply
        (update,) = outbox("Update")
        assert update.payload["object"]["type"] == "Question"
        assert [o["replies"]["totalItems"] for o in update.payload["object"]["oneOf"]] == [0, 1]
        assert update.payload["object"]["votersCount"] == 1
        assert "updated" not in update.payload["object"]
        assert inboxes(update) == {"https://one.example/inbox"}

    def test_repeats_second_choices_and_unknown_options_are_not_counted(self, alice, anon):
        bob = remote_account("bob", REMOTE)
        posted = post_poll(alice)
        assert deliver(anon, bob, vote(posted["uri"], "Coffee", 1)).state == "done"
        assert deliver(anon, bob, vote(posted["uri"], "Coffee", 2)).state == "ignored"
        assert deliver(anon, bob, vote(posted["uri"], "Tea", 3)).state == "ignored"
        assert deliver(anon, bob, vote(posted["uri"], "Milk", 4)).state == "ignored"
        poll = Poll.objects.get(status_id=ids.decode(posted["id"]))
        assert (poll.votes, poll.voters_count) == ([0, 1], 1)

    def test_a_multiple_choice_poll_counts_each_option_and_the_voter_once(self, alice, anon):
        bob = remote_account("bob", REMOTE)
        posted = post_poll(alice, multiple=True)
        assert deliver(anon, bob, vote(posted["uri"], "Tea", 1)).state == "done"
        assert deliver(anon, bob, vote(posted["uri"], "Coffee", 2)).state == "done"
        poll = Poll.objects.get(status_id=ids.decode(posted["id"]))
        assert (poll.votes, poll.voters_count) == ([1, 1], 1)

    def test_a_vote_on_a_closed_poll_is_not_counted(self, alice, anon):
        bob = remote_account("bob", REMOTE)
        posted = post_poll(alice)
        Poll.objects.filter(status_id=ids.decode(posted["id"])).update(
            expires_at=timezone.now() - timedelta(minutes=1))
        assert deliver(anon, bob, vote(posted["uri"], "Tea", 1)).state == "ignored"
        assert not PollVote.objects.exists()


class TestVoteOnARemotePoll:
    """POST /api/v1/polls/:id/votes on a remote poll"""

    def test_each_choice_is_a_create_note_with_its_name_to_the_author(self, api):
        erin = remote("erin", "three.example")
        status = StatusFactory(account=erin, local=False, ap_id="https://three.example/objects/q")
        poll = Poll.objects.create(status=status, options=["Tea", "Coffee", "Milk"], votes=[1, 0, 0],
                                   multiple=True, expires_at=timezone.now() + timedelta(hours=1))
        client = api(scopes=["read", "write"])
        response = client.post(f"/api/v1/polls/{ids.encode(poll.pk)}/votes", {"choices": [0, 2]}, format="json")
        assert response.status_code == 200, response.content
        created = outbox("Create")
        assert [c.payload["object"]["name"] for c in created] == ["Tea", "Milk"]
        for activity in created:
            note = activity.payload["object"]
            assert note["inReplyTo"] == "https://three.example/objects/q"
            assert (note["to"], note["attributedTo"]) == ([erin.ap_id], client.user.ap_id)
            assert inboxes(activity) == {erin.inbox}
        assert not outbox("Update")  # the author's server sends the counts, not us
