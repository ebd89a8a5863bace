"""Mastodon.py against a running server: lists, domain blocks, reports, account search,
hashtags, preferences and the discovery calls (docs/client-coverage.md lists them)."""

from __future__ import annotations

import pytest
from mastodon import Mastodon
from mastodon.errors import MastodonAPIError, MastodonNotFoundError

from reports.models import Report, Rule
from tests.factories import UserFactory


@pytest.fixture
def clients(running_server):
    UserFactory(nickname="alice")
    UserFactory(nickname="bob", display_name="Bob Builder", discoverable=True, is_suggested=True)
    UserFactory(nickname="carol", discoverable=True)
    UserFactory(nickname="mod", is_moderator=True)

    def client(nickname):
        return Mastodon(api_base_url=running_server.url, access_token=running_server.token(nickname),
                        version_check_mode="none")

    return client


def test_lists_through_mastodon_py(clients):
    alice, bob, carol = clients("alice"), clients("bob"), clients("carol")
    bob_id, carol_id = bob.me()["id"], carol.me()["id"]
    alice.account_follow(bob_id)

    created = alice.list_create("Friends", replies_policy="followed", exclusive=True)
    assert (created["title"], created["replies_policy"], created["exclusive"]) == ("Friends", "followed", True)
    alice.list_accounts_add(created["id"], [bob_id])
    with pytest.raises(MastodonAPIError):  # not followed
        alice.list_accounts_add(created["id"], [carol_id])
    assert [a["acct"] for a in alice.list_accounts(created["id"])] == ["bob"]
    assert [lst["id"] for lst in alice.account_lists(bob_id)] == [created["id"]]

    posted = bob.status_post("on the list")
    carol.status_post("not on the list")
    assert [s["id"] for s in alice.timeline_list(created["id"])] == [posted["id"]]
    assert posted["id"] not in [s["id"] for s in alice.timeline_home()]  # exclusive

    renamed = alice.list_update(created["id"], "Close friends", replies_policy="none")
    assert renamed["title"] == "Close friends" and alice.list(created["id"])["replies_policy"] == "none"
    alice.list_accounts_delete(created["id"], [bob_id])
    assert alice.list_accounts(created["id"]) == []
    alice.list_delete(created["id"])
    assert alice.lists() == []
    with pytest.raises(MastodonNotFoundError):
        carol.list(created["id"])


def test_domain_blocks_reports_and_search_through_mastodon_py(clients):
    alice, moderator = clients("alice"), clients("mod")
    alice.domain_block("spam.example")
    alice.domain_block("worse.example")
    assert alice.domain_blocks() == ["worse.example", "spam.example"]
    alice.domain_unblock("worse.example")
    assert alice.domain_blocks() == ["spam.example"]
    bob = alice.account_search("bob")[0]
    assert bob["acct"] == "bob"
    assert alice.account_relationships(bob["id"])[0]["domain_blocking"] is False
    assert [a["acct"] for a in alice.account_search("Bob Bu")] == ["bob"]
    assert alice.account_search("bob", following=True) == []

    rule = Rule.objects.create(text="No spam")
    assert [r["text"] for r in alice.instance_rules()] == ["No spam"]
    spam = clients("bob").status_post("buy now")
    report = alice.report(bob["id"], status_ids=[spam["id"]], comment="spam", rule_ids=[rule.pk])
    assert (report["category"], report["status_ids"], report["target_account"]["acct"]) == (
        "violation", [spam["id"]], "bob")
    assert Report.objects.get().comment == "spam"
    [notification] = moderator.notifications(types=["admin.report"])
    assert notification["type"] == "admin.report" and notification["report"]["id"] == report["id"]
    assert moderator.notifications_unread_count()["count"] == 1


def test_hashtags_preferences_and_discovery_through_mastodon_py(clients):
    alice, bob = clients("alice"), clients("bob")
    me = alice.account_update_credentials(default_privacy="unlisted", default_sensitive=True, default_language="de")
    assert (me["source"]["privacy"], me["source"]["sensitive"], me["source"]["language"]) == ("unlisted", True, "de")
    preferences = alice.preferences()
    assert preferences["posting:default:visibility"] == "unlisted"
    assert preferences["posting:default:sensitive"] is True
    posted = alice.status_post("#cofe time")  # Mastodon.py always sends sensitive (false here)
    assert (posted["visibility"], posted["sensitive"], posted["language"]) == ("unlisted", False, "de")

    followed = bob.tag_follow("cofe")
    assert followed["following"] is True and len(followed["history"]) == 7
    assert [t["name"] for t in bob.followed_tags()] == ["cofe"]
    public = clients("carol").status_post("public #cofe")
    assert public["id"] in [s["id"] for s in bob.timeline_home()]
    assert bob.tag("cofe")["following"] is True
    assert bob.tag_unfollow("cofe")["following"] is False

    featured = alice.featured_tag_create("cofe")
    assert featured["name"] == "cofe" and featured["statuses_count"] == "1"
    assert [t["name"] for t in alice.featured_tags()] == ["cofe"]
    assert [t["name"] for t in bob.account_featured_tags(alice.me()["id"])] == ["cofe"]
    assert alice.featured_tag_suggestions() == []
    alice.featured_tag_delete(featured["id"])
    assert alice.featured_tags() == []

    assert [a["acct"] for a in alice.directory(order="new")] == ["carol", "bob"]
    assert [a["acct"] for a in alice.suggestions()] == ["bob"]  # v1: accounts (no version known)
    alice.suggestion_delete(bob.me()["id"])
    assert alice.suggestions() == []
    assert [t["name"] for t in alice.trending_tags()] == ["cofe"]
    alice.status_favourite(public["id"])
    assert [s["id"] for s in alice.trending_statuses()] == [public["id"]]
    assert alice.trending_links() == []
    assert alice.instance_peers() == []
    assert len(alice.instance_activity()) == 12
    assert alice.instance_extended_description()["content"]
    alice.account_follow(bob.me()["id"])
    carol_id = clients("carol").me()["id"]
    clients("bob").account_follow(carol_id)
    [familiar] = alice.account_familiar_followers(carol_id)
    assert [a["acct"] for a in familiar["accounts"]] == ["bob"]
