"""What a user-level domain block hides (reference/federation.md §6.3): the blocked domain's
statuses in timelines, threads and streaming, its notifications, and its followers, each
told with a Reject of its Follow; accounts there the user follows stay visible (Pleroma)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from core import ids
from domain_blocks import services
from federation.models import OutgoingActivity
from notifications.services import notify
from relationships import follows
from relationships.models import Follow
from statuses.models import StatusContext
from tests.factories import StatusFactory, UserFactory


def remote(name: str, host: str):
    actor_id = f"https://{host}/users/{name}"
    return UserFactory(nickname=f"{name}@{host}", domain=host, remote_ap_id=actor_id, inbox=f"{actor_id}/inbox",
                       followers_address=f"{actor_id}/followers", last_fetched_at=timezone.now(), email=None)


@pytest.fixture
def world(api):
    """alice (the client) follows carol@bad.example; bob@bad.example and dave@good.example
    are strangers; each posted publicly."""
    client = api(scopes=["read", "write", "follow"], nickname="alice")
    alice = client.user
    bob, carol, dave = remote("bob", "bad.example"), remote("carol", "bad.example"), remote("dave", "good.example")
    follows.follow(alice, carol)  # accepted as its server would (a remote follow waits for the Accept)
    Follow.objects.filter(follower=alice, followed=carol).update(state=Follow.State.ACCEPTED)
    context = StatusContext.objects.create()
    posts = {name: StatusFactory(account=account, local=False, context=context)
             for name, account in (("bob", bob), ("carol", carol), ("dave", dave))}
    return client, alice, {"bob": bob, "carol": carol, "dave": dave}, posts


def shown(response, posts) -> set[str]:
    assert response.status_code == 200, response.content
    by_id = {ids.encode(status.pk): name for name, status in posts.items()}
    return {by_id[item["id"]] for item in response.json() if item["id"] in by_id}


class TestTimelines:
    """GET /api/v1/timelines/public, /home, /api/v1/statuses/:id/context"""

    def test_the_public_timeline_hides_strangers_of_a_blocked_domain(self, world):
        client, alice, _, posts = world
        assert shown(client.get("/api/v1/timelines/public"), posts) == {"bob", "carol", "dave"}
        services.block_domain(alice, "bad.example")
        assert shown(client.get("/api/v1/timelines/public"), posts) == {"carol", "dave"}
        services.unblock_domain(alice, "bad.example")
        assert shown(client.get("/api/v1/timelines/public"), posts) == {"bob", "carol", "dave"}

    def test_other_users_are_not_affected(self, world, api):
        _, alice, _, posts = world
        services.block_domain(alice, "bad.example")
        assert shown(api(scopes=["read"]).get("/api/v1/timelines/public"), posts) == {"bob", "carol", "dave"}

    def test_a_reblog_of_a_blocked_domains_status_is_hidden_from_home(self, world):
        client, alice, accounts, posts = world
        erin = UserFactory(nickname="erin")
        follows.follow(alice, erin)
        boost = StatusFactory(account=erin, reblog_of=posts["bob"], reblog_of_account=accounts["bob"])
        services.block_domain(alice, "bad.example")
        home = {item["id"] for item in client.get("/api/v1/timelines/home").json()}
        assert ids.encode(boost.pk) not in home
        assert ids.encode(posts["carol"].pk) in home

    def test_a_thread_hides_them(self, world):
        client, alice, _, posts = world
        services.block_domain(alice, "bad.example")
        context = client.get(f"/api/v1/statuses/{ids.encode(posts['dave'].pk)}/context").json()
        assert {item["id"] for item in context["ancestors"] + context["descendants"]} == {
            ids.encode(posts["carol"].pk)}

    def test_the_public_page_costs_no_extra_query(self, world, django_assert_max_num_queries):
        from django.core.cache import cache

        client, alice, _, posts = world
        cache.clear()
        with django_assert_max_num_queries(30) as unblocked:
            client.get("/api/v1/timelines/public")
        services.block_domain(alice, "bad.example")
        cache.clear()
        with django_assert_max_num_queries(len(unblocked.captured_queries)):
            client.get("/api/v1/timelines/public")


class TestStreaming:
    """The streaming server's per-viewer check (streaming.delivery)"""

    def test_a_blocked_domains_status_is_not_streamed_to_the_blocker(self, world):
        from streaming.delivery import _shown_to

        _, alice, _, posts = world
        services.block_domain(alice, "bad.example")
        assert _shown_to(alice, posts["bob"].pk) is False
        assert _shown_to(alice, posts["carol"].pk) is True
        assert _shown_to(alice, posts["dave"].pk) is True
        assert _shown_to(UserFactory(), posts["bob"].pk) is True


class TestNotifications:
    """GET /api/v1/notifications"""

    def test_notifications_from_strangers_of_a_blocked_domain_are_hidden(self, world):
        client, alice, accounts, posts = world
        for name in ("bob", "carol", "dave"):
            notify(alice, accounts[name], "favourite", status=StatusFactory(account=alice))
        services.block_domain(alice, "bad.example")
        listed = {item["account"]["acct"] for item in client.get("/api/v1/notifications").json()}
        assert listed == {"carol@bad.example", "dave@good.example"}
        assert client.get("/api/v1/notifications/unread_count").json().get("count", 2) == 2


class TestFollowersRemoved:
    """POST /api/v1/domain_blocks removes the domain's followers"""

    def test_followers_and_requests_from_the_domain_are_removed_and_told(self, world,
                                                                         django_capture_on_commit_callbacks):
        client, alice, accounts, _ = world
        follows.follow(accounts["bob"], alice)
        alice.locked = True
        alice.save(update_fields=["locked"])
        eve = remote("eve", "bad.example")
        follows.follow(eve, alice)
        assert Follow.objects.get(follower=eve).state == Follow.State.PENDING
        follows.follow(accounts["dave"], alice)
        alice.refresh_from_db()
        followers_before = alice.followers_count
        with django_capture_on_commit_callbacks():
            assert client.post("/api/v1/domain_blocks", {"domain": "bad.example"}).status_code == 200
        assert set(Follow.objects.filter(followed=alice).values_list("follower__nickname", flat=True)) == {
            "dave@good.example"}
        alice.refresh_from_db()
        assert alice.followers_count == followers_before - 1
        rejects = {row.payload["to"][0]: row.payload for row in OutgoingActivity.objects.filter(payload__type="Reject")}
        assert set(rejects) == {accounts["bob"].remote_ap_id, eve.remote_ap_id}
        assert all(payload["type"] == "Reject" and payload["object"]["type"] == "Follow"
                   for payload in rejects.values())
        # alice still follows carol there: her own follows are hers to undo
        assert Follow.objects.filter(follower=alice, followed=accounts["carol"]).exists()

    def test_a_new_follow_from_the_domain_is_rejected(self, world, django_capture_on_commit_callbacks):
        from federation import tasks
        from federation.models import IncomingActivity

        _, alice, accounts, _ = world
        services.block_domain(alice, "sub.bad.example")
        services.block_domain(alice, "bad.example")
        bob = accounts["bob"]
        row = IncomingActivity.objects.create(ap_id=f"{bob.remote_ap_id}#follows/9", actor=bob.remote_ap_id,
                                              type="Follow", payload={
                                                  "id": f"{bob.remote_ap_id}#follows/9", "type": "Follow",
                                                  "actor": bob.remote_ap_id, "object": alice.ap_id})
        tasks.process_activity(str(row.pk))
        assert not Follow.objects.filter(follower=bob).exists()
        assert OutgoingActivity.objects.get(payload__type="Reject").payload["object"]["actor"] == bob.remote_ap_id
