"""An account's deletion told to the other servers (reference/federation.md §3.11): Delete of
the actor to every server that knows it, once per shared inbox; nothing else is sent for the
clean-up that follows; its actor document answers 410 Gone."""

from __future__ import annotations

from accounts import moderation, security
from federation.models import OutgoingActivity
from relationships.models import Follow
from statuses.models import Status
from tests.conftest import PASSWORD
from tests.factories import UserFactory
from tests.federation.test_publish_audience import inboxes, outbox, remote

AP = "application/activity+json"


def _known_by(user) -> None:
    """Remote followers (two behind one shared inbox, one without), a follow request, and an
    account the user follows elsewhere; a local follower."""
    for follower in (remote("bob", "one.example"), remote("carl", "one.example"),
                     remote("dave", "two.example", shared=False), UserFactory()):
        Follow.objects.create(follower=follower, followed=user)
    Follow.objects.create(follower=remote("fay", "four.example"), followed=user, state=Follow.State.PENDING)
    Follow.objects.create(follower=user, followed=remote("erin", "three.example"))


class TestDeleteAccountSent:
    """POST /api/pleroma/delete_account"""

    def test_delete_of_the_actor_goes_once_to_every_server_that_knows_it(self, api, anon):
        client = api(scopes=["write"])
        user = client.user
        _known_by(user)
        posted = client.post("/api/v1/statuses", {"status": "bye"}).json()
        OutgoingActivity.objects.all().delete()
        assert client.post("/api/pleroma/delete_account", {"password": PASSWORD}).json() == {"status": "success"}
        (delete,) = outbox("Delete")
        assert (delete.payload["actor"], delete.payload["object"]) == (user.ap_id, user.ap_id)
        assert f"{user.ap_id}/followers" in delete.payload["to"]
        assert inboxes(delete) == {"https://one.example/inbox", "https://two.example/users/dave/inbox",
                                   "https://four.example/inbox", "https://three.example/inbox"}
        # the clean-up (the task) deletes posts and ends follows without a word more
        assert security.remove_account_data(type(user).objects.get(pk=user.pk))
        assert [a.payload["type"] for a in OutgoingActivity.objects.all()] == ["Delete"]
        assert not Follow.objects.filter(follower=user).exists()
        assert not Status.objects.filter(ap_id=posted["uri"]).exists() and not user.statuses.exists()
        gone = anon.get(f"/users/{user.nickname}", HTTP_ACCEPT=AP)
        assert (gone.status_code, gone.json()["type"], gone.json()["id"]) == (410, "Tombstone", user.ap_id)

    def test_a_moderators_delete_sends_it_too(self):
        user = UserFactory()
        _known_by(user)
        moderation.remove_user(user)
        (delete,) = outbox("Delete")
        assert delete.payload["object"] == user.ap_id
        assert len(inboxes(delete)) == 4

    def test_an_account_no_other_server_knows_sends_nothing(self, api):
        client = api(scopes=["write"])
        Follow.objects.create(follower=UserFactory(), followed=client.user)
        client.post("/api/pleroma/delete_account", {"password": PASSWORD})
        assert outbox("Delete") == []


class TestAdminDelete:
    """/admin/accounts/user/:id/delete/ and the delete_selected action"""

    def test_deleting_in_the_admin_is_the_moderators_delete(self, client):
        admin = UserFactory(nickname="root", is_admin=True)
        client.force_login(admin)
        one, two = UserFactory(), UserFactory()
        for n, user in enumerate((one, two)):
            Follow.objects.create(follower=remote(f"fan{n}", "one.example"), followed=user)
        response = client.post(f"/admin/accounts/user/{one.pk}/delete/", {"post": "yes"})
        assert response.status_code == 302
        response = client.post("/admin/accounts/user/", {"action": "delete_selected", "_selected_action": [two.pk],
                                                         "post": "yes"})
        assert response.status_code == 302
        for user in (one, two):
            kept = type(user).objects.get(pk=user.pk)  # the row stays, nickname reserved
            assert (kept.is_deleted, kept.is_active) == (True, False)
        assert {a.payload["object"] for a in outbox("Delete")} == {one.ap_id, two.ap_id}
