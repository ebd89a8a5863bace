"""Mastodon.py against a running server: follow, lists, blocks, mutes, notifications, markers."""

import pytest
from mastodon import Mastodon

from tests.factories import UserFactory


@pytest.fixture
def clients(running_server):
    UserFactory(nickname="alice")
    UserFactory(nickname="bob", locked=True)
    for name in ("carol", "dave", "erin"):
        UserFactory(nickname=name)

    def client(nickname):
        return Mastodon(api_base_url=running_server.url, access_token=running_server.token(nickname),
                        version_check_mode="none")

    return client


def test_relationships_and_notifications_through_mastodon_py(clients):
    alice, bob = clients("alice"), clients("bob")
    bob_id = alice.account_lookup("bob")["id"]
    alice_id = alice.me()["id"]

    relationship = alice.account_follow(bob_id, reblogs=False)
    assert relationship["requested"] and not relationship["following"]
    assert [a["acct"] for a in bob.follow_requests()] == ["alice"]
    bob.follow_request_authorize(alice_id)
    [rel] = alice.account_relationships(bob_id)
    assert rel["following"] and rel["showing_reblogs"] is False

    # followers paged through Link headers
    for name in ("carol", "dave", "erin"):
        follower = clients(name)
        follower.account_follow(bob_id)
        bob.follow_request_authorize(follower.me()["id"])
    page = bob.account_followers(bob_id, limit=2)
    names = [a["acct"] for a in page]
    page = bob.fetch_next(page)
    names += [a["acct"] for a in page]
    assert names == ["erin", "dave", "carol", "alice"]

    # notifications: the request became a follow; dismiss via the version-appropriate route
    notifications = bob.notifications()
    assert [n["type"] for n in notifications] == ["follow"] * 4
    assert notifications[-1]["account"]["acct"] == "alice"
    bob.notifications_dismiss(notifications[0]["id"])
    assert len(bob.notifications()) == 3

    # markers mark notifications seen
    newest = bob.notifications()[0]["id"]
    bob.markers_set(["notifications"], [newest])
    markers = bob.markers_get(["notifications"])
    assert markers["notifications"]["last_read_id"] == newest
    assert all(n["pleroma"]["is_seen"] for n in bob.notifications())

    # blocks and timed mutes
    bob.account_block(alice_id)
    assert [a["acct"] for a in bob.blocks()] == ["alice"]
    assert not alice.account_relationships(bob_id)[0]["following"]
    carol_id = bob.account_lookup("carol")["id"]
    bob.account_mute(carol_id, duration=3600)
    [muted] = bob.mutes()
    assert muted["acct"] == "carol" and muted["mute_expires_at"] is not None
    assert [n["account"]["acct"] for n in bob.notifications()] == ["dave"]  # erin's was dismissed, alice blocked, carol muted
