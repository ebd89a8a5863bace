"""GET/POST /ostatus_subscribe?acct=nick@host: following an account of another server from
the remote-follow page (reference/federation.md §7): the account is resolved, the form
logs in with nickname and password, the follow is a request and its Follow is sent."""

from __future__ import annotations

from federation.models import OutgoingActivity
from relationships.models import Follow
from tests.factories import PASSWORD, UserFactory
from tests.federation.test_inbox import remote_actor  # noqa: F401

ACCT = "bob@remote.example"


class TestRemoteFollowPage:
    """GET /ostatus_subscribe"""

    def test_a_known_remote_account_gets_the_follow_form(self, anon, remote_actor):  # noqa: F811
        response = anon.get("/ostatus_subscribe", {"acct": ACCT})
        assert response.status_code == 200
        html = response.content.decode()
        assert "Follow" in html and ACCT in html
        assert 'name="password"' in html and "csrfmiddlewaretoken" in html

    def test_an_unknown_account_is_a_404_page(self, anon):
        response = anon.get("/ostatus_subscribe", {"acct": "nobody@unknown.invalid"})
        assert response.status_code == 404

    def test_a_local_account_leads_to_its_profile(self, anon):
        alice = UserFactory(nickname="alice")
        response = anon.get("/ostatus_subscribe", {"acct": "alice"})
        assert response.status_code == 302
        assert response["Location"] == alice.ap_id


class TestRemoteFollow:
    """POST /ostatus_subscribe"""

    def test_the_right_password_follows_and_sends_the_follow(self, anon, remote_actor):  # noqa: F811
        alice = UserFactory(nickname="alice")
        response = anon.post("/ostatus_subscribe", {"acct": ACCT, "nickname": "alice", "password": PASSWORD})
        assert response.status_code == 200
        assert "Follow request sent" in response.content.decode()
        assert Follow.objects.get(follower=alice, followed=remote_actor).state == "pending"
        (follow,) = OutgoingActivity.objects.all()
        assert follow.payload["type"] == "Follow"
        assert follow.payload["object"] == remote_actor.remote_ap_id

    def test_a_wrong_password_follows_no_one(self, anon, remote_actor):  # noqa: F811
        UserFactory(nickname="alice")
        response = anon.post("/ostatus_subscribe", {"acct": ACCT, "nickname": "alice", "password": "wrong"})
        assert response.status_code == 403
        assert "Wrong nickname or password." in response.content.decode()
        assert not Follow.objects.exists()
        assert not OutgoingActivity.objects.exists()

    def test_repeated_failures_are_throttled(self, anon, remote_actor, settings):  # noqa: F811
        settings.RATE_LIMIT_ENABLED = True
        UserFactory(nickname="alice")
        statuses = [anon.post("/ostatus_subscribe", {"acct": ACCT, "nickname": "alice", "password": "wrong"})
                    .status_code for _ in range(16)]
        assert statuses[-1] == 429
        right = anon.post("/ostatus_subscribe", {"acct": ACCT, "nickname": "alice", "password": PASSWORD})
        assert right.status_code == 429
        assert not Follow.objects.exists()

    def test_the_form_is_csrf_protected(self, remote_actor):  # noqa: F811
        from django.test import Client

        UserFactory(nickname="alice")
        client = Client(enforce_csrf_checks=True)
        response = client.post("/ostatus_subscribe", {"acct": ACCT, "nickname": "alice", "password": PASSWORD})
        assert response.status_code == 403
        assert not Follow.objects.exists()


class TestRemoteInteraction:
    """GET/POST /ostatus_subscribe?acct=<status URL> and /authorize_interaction?uri="""

    def _note(self, peer, n: str = "1", **fields) -> dict:
        from tests.federation.incoming import note

        return peer.serve(note(n, actor=peer.carol.remote_ap_id, content="<p>a post from afar</p>", **fields))

    def test_a_status_of_another_server_is_fetched_and_shown_with_the_choices(self, anon, peer):
        from statuses.models import Status

        posted = self._note(peer)
        for path, name in (("/ostatus_subscribe", "acct"), ("/authorize_interaction", "uri")):
            response = anon.get(path, {name: posted["id"]})
            assert response.status_code == 200
            html = response.content.decode()
            assert "a post from afar" in html and 'value="favourite"' in html and 'value="reblog"' in html
        assert Status.objects.get(ap_id=posted["id"]).account_id == peer.carol.pk

    def test_favourite_repeat_and_follow_send_their_activities(self, anon, peer):
        from statuses.models import Favourite, Status

        alice = UserFactory(nickname="alice")
        posted = self._note(peer)
        form = {"acct": posted["id"], "nickname": "alice", "password": PASSWORD}
        for action, done in (("favourite", "Favourited"), ("reblog", "Repeated"), ("follow", "Follow request sent")):
            response = anon.post("/ostatus_subscribe", {**form, "action": action})
            assert response.status_code == 200, response.content
            assert done in response.content.decode()
        status = Status.objects.get(ap_id=posted["id"])
        assert Favourite.objects.filter(account=alice, status=status).exists()
        assert Status.objects.filter(account=alice, reblog_of=status).exists()
        assert Follow.objects.get(follower=alice, followed=peer.carol).state == "pending"
        sent = {a.payload["type"]: a.payload for a in OutgoingActivity.objects.all()}
        assert set(sent) == {"Like", "Announce", "Follow"}
        assert sent["Like"]["object"] == sent["Announce"]["object"] == posted["id"]

    def test_refusals(self, anon, peer):
        UserFactory(nickname="alice")
        posted = self._note(peer)
        form = {"acct": posted["id"], "nickname": "alice", "password": PASSWORD}
        assert anon.post("/ostatus_subscribe", {**form, "action": "delete"}).status_code == 400
        assert anon.post("/ostatus_subscribe", {**form, "password": "wrong", "action": "favourite"}).status_code == 403
        private = self._note(peer, "2", to=[f"{peer.carol.remote_ap_id}/followers"], cc=[])
        assert anon.get("/ostatus_subscribe", {"acct": private["id"]}).status_code == 404
        assert anon.get("/ostatus_subscribe", {"acct": f"{peer.base}/objects/missing"}).status_code == 404
        assert not OutgoingActivity.objects.exists()

    def test_a_local_status_leads_to_its_page(self, anon):
        from tests.factories import StatusFactory

        status = StatusFactory(visibility="public")
        response = anon.get("/ostatus_subscribe", {"acct": status.uri})
        assert (response.status_code, response["Location"]) == (302, status.uri)
        hidden = StatusFactory(visibility="private")
        assert anon.get("/ostatus_subscribe", {"acct": hidden.uri}).status_code == 404
