"""Which activity a local action writes to the outbox, and for which inboxes
(reference/federation.md §4.6, §5.1-5.2): read from the OutgoingActivity and Delivery rows
the API call leaves behind. Delivery itself over HTTP is in test_publish_servers.py."""

from __future__ import annotations

import pytest

from accounts.models import User
from federation.models import Delivery, OutgoingActivity
from relationships.models import Block, Follow
from statuses.models import Status
from tests.factories import StatusFactory, UserFactory

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


def remote(nick: str, host: str, *, shared: bool = True) -> User:
    ap_id = f"https://{host}/users/{nick}"
    return UserFactory(nickname=f"{nick}@{host}", domain=host, remote_ap_id=ap_id, inbox=f"{ap_id}/inbox",
                       shared_inbox=f"https://{host}/inbox" if shared else "", email=None)


@pytest.fixture
def alice_with_followers(api):
    client = api(scopes=["read", "write", "follow"])
    alice = client.user
    followers = [remote("bob", "one.example"), remote("carol", "one.example"),
                 remote("dave", "two.example", shared=False), UserFactory(nickname="localfan")]
    for follower in followers:
        Follow.objects.create(follower=follower, followed=alice)
    return client, followers


def outbox(kind: str) -> list[OutgoingActivity]:
    return [a for a in OutgoingActivity.objects.order_by("created_at") if a.payload["type"] == kind]


def inboxes(activity: OutgoingActivity) -> set[str]:
    return set(Delivery.objects.filter(activity=activity).values_list("inbox", flat=True))


class TestPosting:
    """POST /api/v1/statuses"""

    def test_a_public_post_goes_once_to_each_followers_server(self, alice_with_followers):
        client, _ = alice_with_followers
        response = client.post("/api/v1/statuses", {"status": "hello world"})
        assert response.status_code == 200
        (create,) = outbox("Create")
        assert inboxes(create) == {"https://one.example/inbox", "https://two.example/users/dave/inbox"}
        note = create.payload["object"]
        assert note["type"] == "Note"
        assert note["content"] == response.json()["content"]
        assert create.payload["to"] == [PUBLIC]
        assert create.payload["cc"] == [f"{client.user.ap_id}/followers"]
        assert create.payload["directMessage"] is False

    @pytest.mark.parametrize("visibility", ["unlisted", "private"])
    def test_unlisted_and_followers_only_posts_reach_followers(self, alice_with_followers, visibility):
        client, _ = alice_with_followers
        assert client.post("/api/v1/statuses", {"status": "hi", "visibility": visibility}).status_code == 200
        (create,) = outbox("Create")
        assert inboxes(create) == {"https://one.example/inbox", "https://two.example/users/dave/inbox"}
        followers = f"{client.user.ap_id}/followers"
        assert followers in create.payload["to"]
        assert (PUBLIC in create.payload["cc"]) is (visibility == "unlisted")

    def test_a_direct_message_goes_only_to_the_addressed_account_inbox(self, alice_with_followers):
        client, _ = alice_with_followers
        erin = remote("erin", "three.example")
        response = client.post("/api/v1/statuses", {"status": "@erin@three.example psst", "visibility": "direct"})
        assert response.status_code == 200
        (create,) = outbox("Create")
        assert inboxes(create) == {erin.inbox}
        assert create.payload["to"] == [erin.ap_id]
        assert create.payload["cc"] == []
        assert create.payload["directMessage"] is True

    def test_a_local_only_post_is_never_sent(self, alice_with_followers):
        client, _ = alice_with_followers
        response = client.post("/api/v1/statuses", {"status": "just us", "visibility": "local"})
        assert response.status_code == 200
        assert not OutgoingActivity.objects.exists()

    def test_a_reply_to_a_remote_post_reaches_its_author_with_in_reply_to(self, api):
        client = api(scopes=["write"])
        erin = remote("erin", "three.example")
        parent = StatusFactory(account=erin, local=False, ap_id="https://three.example/objects/1")
        response = client.post("/api/v1/statuses", {"status": "agreed", "in_reply_to_id": response_id(parent)})
        assert response.status_code == 200
        (create,) = outbox("Create")
        assert create.payload["object"]["inReplyTo"] == "https://three.example/objects/1"
        assert erin.ap_id in create.payload["to"]
        assert inboxes(create) == {"https://three.example/inbox"}  # public: the shared inbox (§5.2)

    def test_mentioned_remote_accounts_are_delivered_to(self, api):
        client = api(scopes=["write"])
        erin, fred = remote("erin", "three.example"), remote("fred", "four.example")
        client.post("/api/v1/statuses", {"status": "@erin@three.example @fred@four.example hi"})
        (create,) = outbox("Create")
        assert inboxes(create) == {"https://three.example/inbox", "https://four.example/inbox"}
        mentions = {t["href"] for t in create.payload["object"]["tag"] if t["type"] == "Mention"}
        assert mentions == {erin.ap_id, fred.ap_id}

    def test_a_post_with_no_one_elsewhere_writes_no_outbox_row(self, api):
        client = api(scopes=["write"])
        Follow.objects.create(follower=UserFactory(), followed=client.user)
        assert client.post("/api/v1/statuses", {"status": "hi"}).status_code == 200
        assert not OutgoingActivity.objects.exists()

    def test_nothing_is_recorded_when_the_instance_does_not_federate(self, alice_with_followers, settings):
        settings.FEDERATING = False
        client, _ = alice_with_followers
        assert client.post("/api/v1/statuses", {"status": "hi"}).status_code == 200
        assert not OutgoingActivity.objects.exists()


def response_id(status: Status) -> str:
    from core import ids

    return ids.encode(status.pk)


class TestDeleting:
    """DELETE /api/v1/statuses/:id"""

    def test_the_delete_goes_to_the_same_audience_as_the_post(self, alice_with_followers):
        client, _ = alice_with_followers
        posted = client.post("/api/v1/statuses", {"status": "oops"}).json()
        assert client.delete(f"/api/v1/statuses/{posted['id']}").status_code == 200
        (create,), (delete,) = outbox("Create"), outbox("Delete")
        assert inboxes(delete) == inboxes(create)
        assert delete.payload["object"] == {"id": posted["uri"], "type": "Tombstone", "formerType": "Note"}
        assert delete.payload["to"] == create.payload["to"]


class TestFavourites:
    """POST /api/v1/statuses/:id/favourite and /unfavourite"""

    def test_like_then_undo_reach_the_author_and_the_likers_followers(self, alice_with_followers):
        client, _ = alice_with_followers
        erin = remote("erin", "three.example")
        status = StatusFactory(account=erin, local=False, ap_id="https://three.example/objects/1")
        assert client.post(f"/api/v1/statuses/{response_id(status)}/favourite").status_code == 200
        (like,) = outbox("Like")
        assert like.payload["object"] == "https://three.example/objects/1"
        assert like.payload["to"] == [f"{client.user.ap_id}/followers", erin.ap_id]
        assert inboxes(like) == {"https://three.example/inbox", "https://one.example/inbox",
                                 "https://two.example/users/dave/inbox"}
        # a second favourite is a no-op: no second Like
        client.post(f"/api/v1/statuses/{response_id(status)}/favourite")
        assert len(outbox("Like")) == 1
        assert client.post(f"/api/v1/statuses/{response_id(status)}/unfavourite").status_code == 200
        (undo,) = outbox("Undo")
        assert undo.payload["object"]["id"] == like.payload["id"]
        assert undo.payload["object"]["type"] == "Like"
        assert inboxes(undo) == inboxes(like)


class TestReblogs:
    """POST /api/v1/statuses/:id/reblog and /unreblog"""

    def test_announce_then_undo(self, alice_with_followers):
        client, _ = alice_with_followers
        erin = remote("erin", "three.example")
        status = StatusFactory(account=erin, local=False, ap_id="https://three.example/objects/1")
        boost = client.post(f"/api/v1/statuses/{response_id(status)}/reblog")
        assert boost.status_code == 200
        (announce,) = outbox("Announce")
        assert announce.payload["object"] == "https://three.example/objects/1"
        assert inboxes(announce) == {"https://three.example/inbox", "https://one.example/inbox",
                                     "https://two.example/users/dave/inbox"}
        assert client.post(f"/api/v1/statuses/{response_id(status)}/unreblog").status_code == 200
        (undo,) = outbox("Undo")
        assert undo.payload["object"]["id"] == announce.payload["id"]
        assert undo.payload["object"]["type"] == "Announce"
        assert not Status.objects.filter(reblog_of=status).exists()

    def test_deleting_the_reblog_undoes_the_announce(self, api):
        client = api(scopes=["write"])
        erin = remote("erin", "three.example")
        status = StatusFactory(account=erin, local=False, ap_id="https://three.example/objects/1")
        boost = client.post(f"/api/v1/statuses/{response_id(status)}/reblog").json()
        assert client.delete(f"/api/v1/statuses/{boost['id']}").status_code == 200
        (undo,) = outbox("Undo")
        assert undo.payload["object"]["type"] == "Announce"
        assert not outbox("Delete")


class TestEdits:
    """statuses.registry.after_update (called by the edit service)"""

    def test_update_carries_the_new_version_with_a_newer_updated(self, alice_with_followers):
        from django.utils import timezone

        from statuses import registry

        client, _ = alice_with_followers
        posted = client.post("/api/v1/statuses", {"status": "first"}).json()
        status = Status.objects.get(content__contains="first")
        status.content, status.edited_at = "<p>second</p>", timezone.now()
        status.save(update_fields=["content", "edited_at"])
        for hook in registry.after_update:
            hook(status)
        (update,) = outbox("Update")
        assert update.payload["object"]["id"] == posted["uri"]
        assert update.payload["object"]["content"] == "<p>second</p>"
        assert update.payload["object"]["updated"] > update.payload["object"]["published"]
        assert inboxes(update) == inboxes(outbox("Create")[0])


class TestFollowing:
    """POST /api/v1/accounts/:id/follow, /unfollow, /block, /unblock of a remote account"""

    def test_follow_is_pending_and_sent_then_undone(self, api):
        client = api(scopes=["follow"])
        erin = remote("erin", "three.example")
        response = client.post(f"/api/v1/accounts/{response_id(erin)}/follow")
        assert response.status_code == 200
        assert response.json()["requested"] is True
        assert response.json()["following"] is False
        assert Follow.objects.get(follower=client.user, followed=erin).state == Follow.State.PENDING
        (follow,) = outbox("Follow")
        assert follow.payload["object"] == erin.ap_id
        assert follow.payload["actor"] == client.user.ap_id
        assert inboxes(follow) == {erin.inbox}
        assert client.post(f"/api/v1/accounts/{response_id(erin)}/unfollow").status_code == 200
        (undo,) = outbox("Undo")
        assert undo.payload["object"]["id"] == follow.payload["id"]
        assert undo.payload["object"]["type"] == "Follow"
        assert inboxes(undo) == {erin.inbox}

    def test_block_ends_the_follows_and_is_sent_then_undone(self, api):
        client = api(scopes=["follow"])
        erin = remote("erin", "three.example")
        client.post(f"/api/v1/accounts/{response_id(erin)}/follow")
        Follow.objects.create(follower=erin, followed=client.user)
        assert client.post(f"/api/v1/accounts/{response_id(erin)}/block").status_code == 200
        assert not Follow.objects.exists()
        (block,) = outbox("Block")
        assert block.payload["object"] == erin.ap_id
        assert inboxes(block) == {erin.inbox}
        kinds = [a.payload["type"] for a in OutgoingActivity.objects.order_by("created_at")]
        assert kinds == ["Follow", "Undo", "Reject", "Block"]
        assert client.post(f"/api/v1/accounts/{response_id(erin)}/unblock").status_code == 200
        assert not Block.objects.exists()
        undo = outbox("Undo")[-1]
        assert undo.payload["object"]["type"] == "Block"
        assert undo.payload["object"]["id"] == block.payload["id"]

    def test_authorizing_a_remote_follow_request_sends_accept(self, api):
        client = api(scopes=["follow"])
        client.user.locked = True
        client.user.save(update_fields=["locked"])
        erin = remote("erin", "three.example")
        Follow.objects.create(follower=erin, followed=client.user, state=Follow.State.PENDING)
        response = client.post(f"/api/v1/follow_requests/{response_id(erin)}/authorize")
        assert response.status_code == 200
        (accept,) = outbox("Accept")
        assert accept.payload["object"]["actor"] == erin.ap_id
        assert accept.payload["object"]["object"] == client.user.ap_id
        assert inboxes(accept) == {erin.inbox}


class TestProfileUpdates:
    """PATCH /api/v1/accounts/update_credentials"""

    def test_an_update_person_goes_to_the_followers(self, alice_with_followers):
        client, _ = alice_with_followers
        response = client.patch("/api/v1/accounts/update_credentials", {"display_name": "Alice A."})
        assert response.status_code == 200
        (update,) = outbox("Update")
        assert update.payload["object"]["type"] == "Person"
        assert update.payload["object"]["name"] == "Alice A."
        assert update.payload["object"]["id"] == client.user.ap_id
        assert inboxes(update) == {"https://one.example/inbox", "https://two.example/users/dave/inbox"}
