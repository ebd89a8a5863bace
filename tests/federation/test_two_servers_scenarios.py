"""What users of two servers do to each other, driven through each server's client API over
real HTTP (reference/federation.md §8.1): follows and follow requests, posts in the home
timeline, replies threaded on both sides, mentions, favourites and reblogs, deletes, edits,
profile updates, unfollows, blocks and direct messages. Each scenario that has a direction
runs both ways: `running_server` (the test database; its worker is `federating_worker`) and
`second_server` (its own database, served as `make run` serves it, embedded jobs)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from tests.factories import UserFactory

TIMEOUT = 60


@dataclass
class Side:
    """One server and the accounts a test made on it."""

    server: object
    tokens: dict

    @property
    def domain(self) -> str:
        return self.server.domain

    def user(self, nickname: str) -> str:
        if self.server.database_url.endswith("_second"):
            self.server.create_user(nickname)
        else:
            UserFactory(nickname=nickname)
        self.tokens[nickname] = self.server.token(nickname)
        return nickname

    def call(self, method: str, nickname: str, path: str, expect: int = 200, **kwargs) -> object:
        response = self.server.request(method, path, self.tokens[nickname], **kwargs)
        assert response.status_code == expect, (
            f"{method} {path}: {response.status_code} {response.text[:500]}\n{self.server.log()[-3000:]}")
        return response.json() if response.content else None

    def get(self, nickname: str, path: str, **kwargs):
        return self.call("GET", nickname, path, **kwargs)

    def post(self, nickname: str, path: str, **kwargs):
        return self.call("POST", nickname, path, **kwargs)

    def account_of(self, nickname: str, other: Side, other_nickname: str) -> dict:
        """`other_nickname`@other's account as `nickname` here sees it (resolved by WebFinger)."""
        return self.get(nickname, "/api/v1/accounts/lookup",
                        params={"acct": f"{other_nickname}@{other.domain}"})

    def relationship(self, nickname: str, account_id: str) -> dict:
        return self.get(nickname, "/api/v1/accounts/relationships", params={"id[]": account_id})[0]

    def home(self, nickname: str) -> list[dict]:
        return self.get(nickname, "/api/v1/timelines/home")

    def notifications(self, nickname: str) -> list[dict]:
        return self.get(nickname, "/api/v1/notifications")


def eventually(check: Callable[[], object], what: str, timeout: float = TIMEOUT, *sides: Side):
    """check() until it returns something truthy; fails naming `what` after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            logs = "\n".join(side.server.log()[-2000:] for side in sides)
            pytest.fail(f"not seen within {timeout:.0f} s: {what}\n{logs}")
        time.sleep(0.3)


def in_home(side: Side, nickname: str, uri: str) -> dict | None:
    return next((s for s in side.home(nickname) if s["uri"] == uri), None)


def follow(here: Side, nickname: str, there: Side, other: str) -> dict:
    """`nickname` here follows `other` there; returns the account as seen here once accepted."""
    account = here.account_of(nickname, there, other)
    here.post(nickname, f"/api/v1/accounts/{account['id']}/follow")
    eventually(lambda: here.relationship(nickname, account["id"])["following"],
               f"{nickname} following {other}@{there.domain}", TIMEOUT, here, there)
    return account


@pytest.fixture
def first(running_server, federating_worker) -> Side:
    return Side(running_server, {})


@pytest.fixture
def second(second_server) -> Side:
    return Side(second_server, {})


@pytest.fixture(params=["first-to-second", "second-to-first"])
def sides(request, first, second) -> tuple[Side, Side]:
    """(author's server, reader's server), both ways."""
    return (first, second) if request.param == "first-to-second" else (second, first)


class TestFollowingAndPosts:
    def test_a_public_post_reaches_the_followers_home_with_its_remote_identity(self, sides):
        here, there = sides
        here.user("alice")
        there.user("bob")
        follow(there, "bob", here, "alice")
        post = here.post("alice", "/api/v1/statuses", data={"status": "hello #fediverse"})
        seen = eventually(lambda: in_home(there, "bob", post["uri"]), "the post in bob's home",
                          TIMEOUT, here, there)
        assert seen["account"]["acct"] == f"alice@{here.domain}"
        assert seen["url"] == post["url"]
        assert seen["content"] == post["content"]
        assert [tag["name"] for tag in seen["tags"]] == ["fediverse"]
        followers = here.get("alice", f"/api/v1/accounts/{post['account']['id']}/followers")
        assert [a["acct"] for a in followers] == [f"bob@{there.domain}"]
        assert here.get("alice", "/api/v1/accounts/verify_credentials")["followers_count"] == 1

    def test_a_locked_account_accepts_one_request_and_rejects_another(self, sides):
        here, there = sides
        here.user("alice")
        here.call("PATCH", "alice", "/api/v1/accounts/update_credentials", data={"locked": "true"})
        there.user("bob")
        there.user("carol")
        accounts = {}
        for nickname in ("bob", "carol"):
            account = there.account_of(nickname, here, "alice")
            assert account["locked"] is True
            followed = there.post(nickname, f"/api/v1/accounts/{account['id']}/follow")
            assert followed["requested"] is True and followed["following"] is False
            accounts[nickname] = account
        requests = eventually(lambda: len(here.get("alice", "/api/v1/follow_requests")) == 2
                              and here.get("alice", "/api/v1/follow_requests"),
                              "two follow requests for alice", TIMEOUT, here, there)
        by_acct = {r["acct"]: r["id"] for r in requests}
        here.post("alice", f"/api/v1/follow_requests/{by_acct[f'bob@{there.domain}']}/authorize")
        here.post("alice", f"/api/v1/follow_requests/{by_acct[f'carol@{there.domain}']}/reject")
        eventually(lambda: there.relationship("bob", accounts["bob"]["id"])["following"],
                   "bob's request accepted", TIMEOUT, here, there)
        eventually(lambda: not there.relationship("carol", accounts["carol"]["id"])["requested"],
                   "carol's request rejected", TIMEOUT, here, there)
        assert there.relationship("carol", accounts["carol"]["id"])["following"] is False
        assert here.get("alice", "/api/v1/follow_requests") == []


class TestConversations:
    def test_a_reply_is_threaded_on_both_sides_and_notifies_the_author(self, sides):
        here, there = sides
        here.user("alice")
        there.user("bob")
        alice_there = follow(there, "bob", here, "alice")
        post = here.post("alice", "/api/v1/statuses", data={"status": "what do you think?"})
        copy = eventually(lambda: in_home(there, "bob", post["uri"]), "the post there", TIMEOUT, here, there)
        reply = there.post("bob", "/api/v1/statuses", data={
            "status": f"@alice@{here.domain} I agree", "in_reply_to_id": copy["id"]})
        assert reply["in_reply_to_account_id"] == alice_there["id"]
        notification = eventually(
            lambda: next((n for n in here.notifications("alice") if n["type"] == "mention"), None),
            "alice's mention notification", TIMEOUT, here, there)
        assert notification["account"]["acct"] == f"bob@{there.domain}"
        assert notification["status"]["uri"] == reply["uri"]
        assert notification["status"]["in_reply_to_id"] == post["id"]
        context = eventually(
            lambda: here.get("alice", f"/api/v1/statuses/{post['id']}/context")["descendants"],
            "the reply in the thread", TIMEOUT, here, there)
        assert [s["uri"] for s in context] == [reply["uri"]]
        assert here.get("alice", f"/api/v1/statuses/{post['id']}")["replies_count"] == 1
        ancestors = there.get("bob", f"/api/v1/statuses/{reply['id']}/context")["ancestors"]
        assert [s["uri"] for s in ancestors] == [post["uri"]]

    def test_a_mention_of_someone_who_does_not_follow_notifies_them(self, sides):
        here, there = sides
        here.user("alice")
        there.user("bob")
        here.account_of("alice", there, "bob")
        post = here.post("alice", "/api/v1/statuses", data={"status": f"hi @bob@{there.domain}"})
        assert post["mentions"][0]["acct"] == f"bob@{there.domain}"
        notification = eventually(
            lambda: next((n for n in there.notifications("bob") if n["type"] == "mention"), None),
            "bob's mention notification", TIMEOUT, here, there)
        assert notification["status"]["uri"] == post["uri"]
        assert notification["account"]["acct"] == f"alice@{here.domain}"

    def test_a_direct_message_is_seen_by_its_recipient_only(self, sides):
        here, there = sides
        here.user("alice")
        there.user("bob")
        there.user("carol")
        follow(there, "carol", here, "alice")
        follow(there, "bob", here, "alice")
        here.account_of("alice", there, "bob")
        dm = here.post("alice", "/api/v1/statuses", data={
            "status": f"@bob@{there.domain} just between us", "visibility": "direct"})
        notification = eventually(
            lambda: next((n for n in there.notifications("bob") if n["type"] == "mention"), None),
            "bob's direct message", TIMEOUT, here, there)
        assert notification["status"]["visibility"] == "direct"
        local_id = notification["status"]["id"]
        conversations = there.get("bob", "/api/v1/conversations")
        assert [c["last_status"]["id"] for c in conversations] == [local_id]
        # carol follows alice and lives on the same server: nothing of it reaches her
        public = here.post("alice", "/api/v1/statuses", data={"status": "for everyone"})
        eventually(lambda: in_home(there, "carol", public["uri"]), "alice's public post for carol",
                   TIMEOUT, here, there)
        assert in_home(there, "carol", dm["uri"]) is None
        assert there.call("GET", "carol", f"/api/v1/statuses/{local_id}", expect=404)
        assert not any(n["type"] == "mention" for n in there.notifications("carol"))


class TestInteractions:
    def test_favourite_and_reblog_count_notify_and_undo(self, sides):
        here, there = sides
        here.user("alice")
        there.user("bob")
        follow(there, "bob", here, "alice")
        post = here.post("alice", "/api/v1/statuses", data={"status": "like me"})
        copy = eventually(lambda: in_home(there, "bob", post["uri"]), "the post there", TIMEOUT, here, there)
        there.post("bob", f"/api/v1/statuses/{copy['id']}/favourite")
        there.post("bob", f"/api/v1/statuses/{copy['id']}/reblog")

        def counts():
            status = here.get("alice", f"/api/v1/statuses/{post['id']}")
            return status["favourites_count"], status["reblogs_count"]

        eventually(lambda: counts() == (1, 1), "favourite and reblog counted", TIMEOUT, here, there)
        kinds = {n["type"]: n for n in here.notifications("alice")}
        assert set(kinds) >= {"favourite", "reblog"}
        assert kinds["favourite"]["account"]["acct"] == f"bob@{there.domain}"
        assert kinds["reblog"]["status"]["id"] == post["id"]
        favourited_by = here.get("alice", f"/api/v1/statuses/{post['id']}/favourited_by")
        assert [a["acct"] for a in favourited_by] == [f"bob@{there.domain}"]
        there.post("bob", f"/api/v1/statuses/{copy['id']}/unfavourite")
        there.post("bob", f"/api/v1/statuses/{copy['id']}/unreblog")
        eventually(lambda: counts() == (0, 0), "favourite and reblog undone", TIMEOUT, here, there)


class TestChanges:
    def test_a_delete_removes_the_post_there(self, sides):
        here, there = sides
        here.user("alice")
        there.user("bob")
        follow(there, "bob", here, "alice")
        post = here.post("alice", "/api/v1/statuses", data={"status": "soon gone"})
        copy = eventually(lambda: in_home(there, "bob", post["uri"]), "the post there", TIMEOUT, here, there)
        here.call("DELETE", "alice", f"/api/v1/statuses/{post['id']}")
        eventually(lambda: there.server.get(f"/api/v1/statuses/{copy['id']}",
                                            there.tokens["bob"]).status_code == 404,
                   "the post deleted there", TIMEOUT, here, there)
        assert in_home(there, "bob", post["uri"]) is None

    def test_an_edit_reaches_the_followers_with_its_history(self, sides):
        here, there = sides
        here.user("alice")
        there.user("bob")
        follow(there, "bob", here, "alice")
        post = here.post("alice", "/api/v1/statuses", data={"status": "first version"})
        copy = eventually(lambda: in_home(there, "bob", post["uri"]), "the post there", TIMEOUT, here, there)
        here.call("PUT", "alice", f"/api/v1/statuses/{post['id']}",
                  data={"status": "second version", "spoiler_text": "edited"})
        edited = eventually(
            lambda: (s := there.get("bob", f"/api/v1/statuses/{copy['id']}"))["edited_at"] and s,
            "the edit there", TIMEOUT, here, there)
        assert "second version" in edited["content"]
        assert edited["spoiler_text"] == "edited"
        history = there.get("bob", f"/api/v1/statuses/{copy['id']}/history")
        assert ["first version" in h["content"] for h in history] == [True, False]

    def test_a_profile_update_reaches_the_followers(self, sides):
        here, there = sides
        here.user("alice")
        there.user("bob")
        account = follow(there, "bob", here, "alice")
        here.call("PATCH", "alice", "/api/v1/accounts/update_credentials",
                  data={"display_name": "Alice A.", "note": "new bio", "bot": "true"})
        seen = eventually(
            lambda: (a := there.get("bob", f"/api/v1/accounts/{account['id']}"))["display_name"] == "Alice A."
            and a, "the new profile there", TIMEOUT, here, there)
        assert "new bio" in seen["note"]
        assert seen["bot"] is True


class TestEndingRelationships:
    def test_after_an_unfollow_posts_no_longer_arrive(self, sides):
        here, there = sides
        here.user("alice")
        there.user("bob")
        account = follow(there, "bob", here, "alice")
        there.post("bob", f"/api/v1/accounts/{account['id']}/unfollow")
        me = here.get("alice", "/api/v1/accounts/verify_credentials")
        eventually(lambda: here.get("alice", f"/api/v1/accounts/{me['id']}/followers") == [],
                   "bob gone from alice's followers", TIMEOUT, here, there)
        post = here.post("alice", "/api/v1/statuses", data={"status": "after the unfollow"})
        marker = here.post("alice", "/api/v1/statuses", data={
            "status": f"@bob@{there.domain} ping", "visibility": "direct"})
        # the direct message travels the same road: once it is there, the post would be too
        eventually(lambda: any(n["status"]["uri"] == marker["uri"] for n in there.notifications("bob")
                               if n["type"] == "mention"), "the marker there", TIMEOUT, here, there)
        assert in_home(there, "bob", post["uri"]) is None

    def test_a_block_ends_the_follow_and_stops_the_posts(self, sides):
        here, there = sides
        here.user("alice")
        there.user("bob")
        alice_there = follow(there, "bob", here, "alice")
        bob_here = here.account_of("alice", there, "bob")
        blocked = here.post("alice", f"/api/v1/accounts/{bob_here['id']}/block")
        assert blocked["blocking"] is True and blocked["followed_by"] is False
        eventually(lambda: not there.relationship("bob", alice_there["id"])["following"],
                   "bob no longer following alice there", TIMEOUT, here, there)
        post = here.post("alice", "/api/v1/statuses", data={"status": "not for bob"})
        time.sleep(2)
        assert in_home(there, "bob", post["uri"]) is None
        # bob's server knows of the block: following alice again is refused there
        there.call("POST", "bob", f"/api/v1/accounts/{alice_there['id']}/follow", expect=403)
        assert there.relationship("bob", alice_there["id"])["blocked_by"] is True


class TestMentionAutocomplete:
    def test_account_search_resolves_a_handle_of_the_other_server(self, first, second):
        first.user("alice")
        second.user("bob")
        found = first.get("alice", "/api/v1/accounts/search",
                          params={"q": f"bob@{second.domain}", "resolve": "true"})
        assert [a["acct"] for a in found] == [f"bob@{second.domain}"]
        assert found[0]["url"] == f"{second.server.url}/users/bob"
        # known now: found without resolving, by a prefix too
        assert [a["acct"] for a in first.get("alice", "/api/v1/accounts/search",
                                             params={"q": "bob@127.0.0.1"})] == [f"bob@{second.domain}"]
