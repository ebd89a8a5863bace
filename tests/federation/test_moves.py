"""Account moves across servers (reference/federation.md §3.13): POST
/api/pleroma/move_account sends Move to the followers elsewhere; a received Move whose
target lists the origin in `alsoKnownAs` moves the local followers who allow it."""

from __future__ import annotations

from accounts.models import User
from federation.models import IncomingActivity
from notifications.models import Notification
from relationships.models import Follow
from tests.conftest import PASSWORD
from tests.factories import UserFactory
from tests.federation.incoming import REMOTE, deliver, remote_account
from tests.federation.test_publish_audience import inboxes, outbox, remote


class TestMoveSent:
    """POST /api/pleroma/move_account"""

    def test_move_goes_to_every_remote_followers_server(self, api):
        client = api(scopes=["write:accounts"])
        target = UserFactory(nickname="newhome")
        User.objects.filter(pk=target.pk).update(also_known_as=[client.user.ap_id])
        for follower in (remote("bob", "one.example"), remote("dave", "two.example", shared=False), UserFactory()):
            Follow.objects.create(follower=follower, followed=client.user)
        response = client.post("/api/pleroma/move_account", {"password": PASSWORD, "target_account": "newhome"})
        assert response.json() == {"status": "success"}
        (move,) = outbox("Move")
        assert (move.payload["actor"], move.payload["object"], move.payload["target"]) == (
            client.user.ap_id, client.user.ap_id, target.ap_id)
        assert move.payload["to"] == [f"{client.user.ap_id}/followers"]
        assert inboxes(move) == {"https://one.example/inbox", "https://two.example/users/dave/inbox"}

    def test_a_refused_move_sends_nothing(self, api):
        client = api(scopes=["write:accounts"])
        UserFactory(nickname="newhome")  # does not list the account among its aliases
        Follow.objects.create(follower=remote("bob", "one.example"), followed=client.user)
        response = client.post("/api/pleroma/move_account", {"password": PASSWORD, "target_account": "newhome"})
        assert "error" in response.json()
        assert not outbox("Move")


def person(peer, nick: str, **fields) -> dict:
    actor = f"{peer.base}/users/{nick}"
    return peer.serve({"id": actor, "type": "Person", "preferredUsername": nick, "inbox": f"{actor}/inbox",
                       "followers": f"{actor}/followers", **fields})


def move(target: str, n: int = 1) -> dict:
    return {"id": f"{REMOTE}#moves/{n}", "type": "Move", "actor": REMOTE, "object": REMOTE, "target": target}


class TestMoveReceived:
    """POST /inbox: Move"""

    def test_followers_who_allow_it_follow_the_target_instead(self, anon, peer, django_capture_on_commit_callbacks):
        bob = remote_account("bob", REMOTE)
        target = person(peer, "bob2", alsoKnownAs=[REMOTE])
        moves_along, stays = UserFactory(nickname="alice"), UserFactory(nickname="carl", allow_following_move=False)
        for follower in (moves_along, stays):
            Follow.objects.create(follower=follower, followed=bob)
        with django_capture_on_commit_callbacks(execute=True):
            assert deliver(anon, bob, move(target["id"])).state == "done"
        new = User.objects.get(remote_ap_id=target["id"])
        assert User.objects.get(pk=bob.pk).moved_to == target["id"]
        assert Follow.objects.filter(follower=moves_along, followed=new).exists()  # a request to its server
        assert not Follow.objects.filter(follower=moves_along, followed=bob).exists()
        assert Follow.objects.filter(follower=stays, followed=bob).exists()
        assert not Follow.objects.filter(follower=stays, followed=new).exists()
        notified = Notification.objects.filter(type="move", account=bob)
        assert {n.user_id for n in notified} == {moves_along.pk, stays.pk}

    def test_a_target_that_does_not_list_the_origin_is_refused(self, anon, peer):
        bob = remote_account("bob", REMOTE)
        target = person(peer, "impostor")
        alice = UserFactory(nickname="alice")
        Follow.objects.create(follower=alice, followed=bob)
        row = deliver(anon, bob, move(target["id"]))
        assert row.state == "failed" and "alsoKnownAs" in row.error
        assert User.objects.get(pk=bob.pk).moved_to in (None, "")
        assert Follow.objects.filter(follower=alice, followed=bob).exists()
        assert not Notification.objects.filter(type="move").exists()

    def test_a_move_of_someone_else_is_refused(self, anon, peer):
        bob = remote_account("bob", REMOTE)
        target = person(peer, "bob2", alsoKnownAs=[peer.carol.remote_ap_id])
        activity = {**move(target["id"]), "object": peer.carol.remote_ap_id}
        assert deliver(anon, bob, activity).state == "failed"
        assert IncomingActivity.objects.get(ap_id=activity["id"]).error == "rejected: Move of another actor"

    def test_a_move_to_an_account_of_this_server_moves_the_followers_here(
            self, anon, django_capture_on_commit_callbacks):
        bob = remote_account("bob", REMOTE)
        target = UserFactory(nickname="bobhere")
        User.objects.filter(pk=target.pk).update(also_known_as=[REMOTE])
        alice = UserFactory(nickname="alice")
        Follow.objects.create(follower=alice, followed=bob)
        with django_capture_on_commit_callbacks(execute=True):
            assert deliver(anon, bob, move(target.ap_id)).state == "done"
        assert User.objects.get(pk=bob.pk).moved_to == target.ap_id
        assert Follow.objects.filter(follower=alice, followed=target).exists()
        assert not Follow.objects.filter(follower=alice, followed=bob).exists()
        (notified,) = Notification.objects.filter(type="move", account=bob)
        assert (notified.user_id, notified.target_id) == (alice.pk, target.pk)
