"""Two running instances of this server exchanging what their accounts do over real HTTP:
the first is `running_server` (the test database, its deliveries sent by a real worker),
the second has its own database and embedded worker; its inbox verifies our signatures
and stores each activity (reference/federation.md §3.7, §4.1, §5)."""

from __future__ import annotations

import time

import psycopg

from federation.models import Delivery
from relationships.models import Follow
from tests.factories import UserFactory


def rows(server, sql: str, *params) -> list[tuple]:
    """Query the second server's database."""
    url = server.database_url.replace("postgres://", "postgresql://", 1)
    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute(sql, params).fetchall()


def wait_rows(server, sql: str, *params, timeout: float = 60) -> list[tuple]:
    deadline = time.monotonic() + timeout
    while True:
        found = rows(server, sql, *params)
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.3)


def received(server, kind: str, timeout: float = 60) -> list[dict]:
    """Payloads of the activities of `kind` the server's inbox verified and stored."""
    return [r[0] for r in wait_rows(server, "SELECT payload FROM federation_incomingactivity WHERE type = %s"
                                    " ORDER BY received_at", kind, timeout=timeout)]


def lookup(server, token: str, acct: str) -> dict:
    response = server.get("/api/v1/accounts/lookup", token, params={"acct": acct})
    assert response.status_code == 200, server.log()[-3000:]
    return response.json()


class TestFollowAndPostBetweenServers:
    """POST /api/v1/accounts/:id/follow across servers, then POST /api/v1/statuses"""

    def test_a_remote_follower_receives_posts_and_their_deletion(
            self, running_server, second_server, federating_worker):
        UserFactory(nickname="alice")
        second_server.create_user("bob")
        alice_token, bob_token = running_server.token("alice"), second_server.token("bob")
        # bob (second server) follows alice: his Follow reaches alice's inbox, her Accept his
        alice_there = lookup(second_server, bob_token, f"alice@{running_server.domain}")
        followed = second_server.post(f"/api/v1/accounts/{alice_there['id']}/follow", bob_token)
        assert followed.status_code == 200, second_server.log()[-3000:]
        assert followed.json()["requested"] is True
        federating_worker.wait_for(lambda: Follow.objects.filter(
            followed__nickname="alice", follower__domain=second_server.domain, state="accept").exists())
        assert wait_rows(second_server, "SELECT f.state FROM accounts_follow f JOIN accounts_user u"
                         " ON u.id = f.follower_id WHERE u.nickname = 'bob' AND f.state = 'accept'"), \
            second_server.log()[-3000:]
        # alice posts; the Create reaches the second server, signed by alice
        posted = running_server.post("/api/v1/statuses", alice_token, data={"status": "hello fediverse"})
        assert posted.status_code == 200
        status = posted.json()
        federating_worker.wait_for(lambda: Delivery.objects.filter(
            activity__payload__type="Create", state="done").exists())
        (create,) = received(second_server, "Create")
        assert create["actor"] == f"{running_server.url}/users/alice"
        assert create["object"]["id"] == status["uri"]
        assert create["object"]["content"] == status["content"]
        assert "https://www.w3.org/ns/activitystreams#Public" in create["to"]
        # a reply to nobody there, a direct message to nobody there: not sent at all
        running_server.post("/api/v1/statuses", alice_token, data={"status": "psst", "visibility": "direct"})
        # the deletion follows the post
        assert running_server.request("DELETE", f"/api/v1/statuses/{status['id']}", alice_token).status_code == 200
        (delete,) = received(second_server, "Delete")
        assert delete["object"]["id"] == status["uri"]
        assert delete["object"]["type"] == "Tombstone"
        assert len(received(second_server, "Create", timeout=1)) == 1


class TestFollowingARemoteAccount:
    """POST /api/v1/accounts/:id/follow and /unfollow of an account on the second server"""

    def test_the_follow_is_accepted_by_the_other_server_then_undone(
            self, running_server, second_server, federating_worker):
        UserFactory(nickname="alice")
        second_server.create_user("bob")
        token = running_server.token("alice")
        bob = lookup(running_server, token, f"bob@{second_server.domain}")
        response = running_server.post(f"/api/v1/accounts/{bob['id']}/follow", token)
        assert response.status_code == 200
        assert (response.json()["following"], response.json()["requested"]) == (False, True)
        # the second server accepts (bob is not locked); the Accept makes the follow real here
        federating_worker.wait_for(lambda: Follow.objects.filter(
            follower__nickname="alice", state="accept").exists(), timeout=60)
        relationship = running_server.get("/api/v1/accounts/relationships", token,
                                          params={"id[]": bob["id"]}).json()[0]
        assert (relationship["following"], relationship["requested"]) == (True, False)
        (follow,) = received(second_server, "Follow")
        assert follow["object"] == f"{second_server.url}/users/bob"
        assert wait_rows(second_server, "SELECT 1 FROM accounts_follow f JOIN accounts_user u"
                         " ON u.id = f.followed_id WHERE u.nickname = 'bob' AND f.state = 'accept'")
        # unfollow: Undo{Follow} ends it there too
        assert running_server.post(f"/api/v1/accounts/{bob['id']}/unfollow", token).status_code == 200
        (undo,) = received(second_server, "Undo")
        assert undo["object"]["id"] == follow["id"]
        deadline = time.monotonic() + 60
        while rows(second_server, "SELECT 1 FROM accounts_follow") and time.monotonic() < deadline:
            time.sleep(0.3)
        assert not rows(second_server, "SELECT 1 FROM accounts_follow"), second_server.log()[-3000:]


class TestFollowImportOfRemoteAccounts:
    """POST /api/pleroma/follow_import with nick@host entries"""

    def test_the_report_says_followed_requested_not_found_and_unreachable(
            self, running_server, second_server, federating_worker):
        from tests.e2e.servers import free_port

        UserFactory(nickname="alice")
        second_server.create_user("bob")
        second_server.create_user("carol")
        carol_token = second_server.token("carol")
        locked = second_server.request("PATCH", "/api/v1/accounts/update_credentials", carol_token,
                                       data={"locked": "true"})
        assert locked.status_code == 200
        token = running_server.token("alice")
        down = f"dave@127.0.0.1:{free_port()}"  # nothing listens there
        entries = [f"bob@{second_server.domain}", f"carol@{second_server.domain}",
                   f"nobody@{second_server.domain}", down]
        response = running_server.post("/api/pleroma/follow_import", token, data={"list": "\n".join(entries)})
        assert response.status_code == 200, running_server.log()[-3000:]
        location = response.headers["Location"]

        def report():
            body = running_server.get(location, token).json()
            return body if body["state"] == "done" else None

        body = federating_worker.wait_for(report, timeout=90)
        outcomes = [(i["identifier"], i["outcome"], i["reason"]) for i in body["items"]]
        assert outcomes == [
            (entries[0], "done", "followed"),
            (entries[1], "done", "requested"),
            (entries[2], "skipped", "account not found"),
            (down, "skipped", "server unreachable"),
        ]
        # bob's server accepted; carol's request waits for her
        federating_worker.wait_for(lambda: Follow.objects.filter(
            follower__nickname="alice", followed__nickname=f"bob@{second_server.domain}", state="accept").exists())
        assert Follow.objects.get(followed__nickname=f"carol@{second_server.domain}").state == "pending"
        assert wait_rows(second_server, "SELECT 1 FROM accounts_follow f JOIN accounts_user u"
                         " ON u.id = f.followed_id WHERE u.nickname = 'carol' AND f.state = 'pending'")


def follow_remote(running_server, token: str, acct: str, federating_worker) -> dict:
    """The local account of `token` follows `acct` on the second server; waits for its Accept."""
    account = lookup(running_server, token, acct)
    assert running_server.post(f"/api/v1/accounts/{account['id']}/follow", token).status_code == 200
    federating_worker.wait_for(lambda: Follow.objects.filter(
        followed__nickname=acct, state="accept").exists(), timeout=60)
    return account


class TestReactionsBetweenServers:
    """PUT/DELETE /api/v1/pleroma/statuses/:id/reactions/:emoji on a status of the second server"""

    def test_the_other_server_shows_the_reactions_and_their_removal(
            self, running_server, second_server, federating_worker):
        from statuses.models import EmojiReaction, Status

        UserFactory(nickname="alice")
        second_server.create_user("bob")
        token, bob_token = running_server.token("alice"), second_server.token("bob")
        acct = f"bob@{second_server.domain}"
        follow_remote(running_server, token, acct, federating_worker)
        posted = second_server.post("/api/v1/statuses", bob_token, data={"status": "react to this"})
        assert posted.status_code == 200
        there = posted.json()
        local = federating_worker.wait_for(
            lambda: Status.objects.filter(ap_id=there["uri"]).first(), timeout=60)
        assert local is not None, second_server.log()[-3000:]
        # a custom emoji of a third server, already on the status here (reference §4.1)
        EmojiReaction.objects.create(account=UserFactory(nickname="zed@third.example", domain="third.example",
                                                         email=None),
                                     status=local, emoji="blob", emoji_url="https://third.example/blob.png")
        from core import ids

        base = f"/api/v1/pleroma/statuses/{ids.encode(local.pk)}/reactions"
        assert running_server.request("PUT", f"{base}/%E2%9D%A4", token).status_code == 200
        assert running_server.request("PUT", f"{base}/:blob@third.example:", token).status_code == 200
        reacts = received(second_server, "EmojiReact")
        deadline = time.monotonic() + 60
        while len(reacts) < 2 and time.monotonic() < deadline:
            reacts = received(second_server, "EmojiReact")
        assert sorted(r["content"] for r in reacts) == [":blob:", "❤️"]

        def reactions_there():
            body = second_server.get(f"/api/v1/pleroma/statuses/{there['id']}/reactions", bob_token).json()
            return body if len(body) == 2 else None

        body = federating_worker.wait_for(reactions_there, timeout=60)
        assert body is not None, second_server.log()[-3000:]
        assert [(r["name"], r["url"], r["count"]) for r in body] == [
            ("❤️", None, 1), ("blob@third.example", "https://third.example/blob.png", 1)]
        assert body[0]["accounts"][0]["acct"] == f"alice@{running_server.domain}"
        notifications = second_server.get("/api/v1/notifications", bob_token).json()
        assert sorted(n["emoji"] for n in notifications if n["type"] == "pleroma:emoji_reaction") == [
            ":blob:", "❤️"]
        # alice takes the heart back: Undo{EmojiReact}
        assert running_server.request("DELETE", f"{base}/%E2%9D%A4", token).status_code == 200
        (undo,) = received(second_server, "Undo")
        assert undo["object"]["type"] == "EmojiReact"

        def heart_gone():
            body = second_server.get(f"/api/v1/pleroma/statuses/{there['id']}/reactions", bob_token).json()
            return body if len(body) == 1 else None

        body = federating_worker.wait_for(heart_gone, timeout=60)
        assert body is not None and body[0]["name"] == "blob@third.example"


class TestPollsBetweenServers:
    """POST /api/v1/polls/:id/votes on a poll of the second server"""

    def test_a_vote_is_counted_there_and_the_new_counts_come_back(
            self, running_server, second_server, federating_worker):
        from statuses.models import Poll

        UserFactory(nickname="alice")
        second_server.create_user("bob")
        token, bob_token = running_server.token("alice"), second_server.token("bob")
        follow_remote(running_server, token, f"bob@{second_server.domain}", federating_worker)
        posted = second_server.post("/api/v1/statuses", bob_token, json={
            "status": "Tea or coffee?", "poll": {"options": ["Tea", "Coffee"], "expires_in": 3600}})
        assert posted.status_code == 200, posted.text
        there = posted.json()
        poll = federating_worker.wait_for(
            lambda: Poll.objects.filter(status__ap_id=there["uri"]).first(), timeout=60)
        assert poll.options == ["Tea", "Coffee"]
        from core import ids

        voted = running_server.post(f"/api/v1/polls/{ids.encode(poll.pk)}/votes", token,
                                    json={"choices": [1]})
        assert voted.status_code == 200, voted.text

        def counted_there():
            body = second_server.get(f"/api/v1/polls/{there['poll']['id']}", bob_token).json()
            return body if body["votes_count"] == 1 else None

        body = federating_worker.wait_for(counted_there, timeout=60)
        assert [o["votes_count"] for o in body["options"]] == [0, 1]
        # the second server sends Update{Question} to its followers: alice's server

        def counted_here():
            poll.refresh_from_db()
            return poll.votes == [0, 1]

        federating_worker.wait_for(counted_here, timeout=60)
        assert poll.voters_count == 1
        mine = running_server.get(f"/api/v1/polls/{ids.encode(poll.pk)}", token).json()
        assert (mine["voted"], mine["own_votes"]) == (True, [1])


class TestReportsBetweenServers:
    """POST /api/v1/reports with forward=true about an account of the second server"""

    def test_the_other_server_files_the_flag_as_a_report(self, running_server, second_server, federating_worker):
        UserFactory(nickname="alice")
        second_server.create_user("bob")
        token = running_server.token("alice")
        bob = lookup(running_server, token, f"bob@{second_server.domain}")
        response = running_server.post("/api/v1/reports", token, json={
            "account_id": bob["id"], "comment": "spam from bob", "forward": True})
        assert response.status_code == 200, response.text
        (flag,) = received(second_server, "Flag")
        assert flag["actor"] == f"{running_server.url}/internal/fetch"
        filed = wait_rows(second_server, "SELECT r.comment FROM reports_report r JOIN accounts_user u"
                          " ON u.id = r.target_id WHERE u.nickname = 'bob'")
        assert filed == [("spam from bob",)], second_server.log()[-3000:]
