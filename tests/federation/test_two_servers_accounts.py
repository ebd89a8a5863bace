"""What happens to accounts across two running servers (reference/federation.md §3.11, §3.13,
§7), driven through each server's client API over real HTTP: an alias by a handle of the
other server, a move there and its followers on both sides, the deletion of an account,
remote interaction (a visitor sent to their own server's page follows, favourites, repeats).
Each runs both ways (`sides`: the acting account's server first)."""

from __future__ import annotations

import re

import pytest
import requests

from tests.factories import PASSWORD
from tests.federation.test_two_servers_scenarios import TIMEOUT, Side, eventually, follow, in_home

AP = "application/activity+json"


@pytest.fixture(params=["first-to-second", "second-to-first"])
def sides(request, running_server, federating_worker, second_server) -> tuple[Side, Side]:
    """(the acting account's server, the other one), both ways."""
    first, second = Side(running_server, {}), Side(second_server, {})
    return (first, second) if request.param == "first-to-second" else (second, first)


def account_id(side, nickname: str) -> str:
    return side.get(nickname, "/api/v1/accounts/verify_credentials")["id"]


class TestMoves:
    def test_followers_on_both_servers_who_allow_it_follow_the_new_account(self, sides):
        here, there = sides  # amy moves from here to ben there
        here.user("amy")
        here.user("lou")  # follows amy on her own server
        there.user("ben")
        there.user("rae")  # follows amy from the other server
        there.user("sam")  # too, but does not let moves carry the follow along
        there.call("PATCH", "sam", "/api/v1/accounts/update_credentials", data={"allow_following_move": "false"})
        amy_there = follow(there, "rae", here, "amy")
        follow(there, "sam", here, "amy")
        amy = account_id(here, "amy")
        here.post("lou", f"/api/v1/accounts/{amy}/follow")

        # ben names amy, by her handle on the other server, as one of his former accounts
        added = there.call("PUT", "ben", "/api/pleroma/aliases", data={"alias": f"amy@{here.domain}"})
        assert added == {"status": "success"}
        assert there.get("ben", "/api/pleroma/aliases") == {"aliases": [f"amy@{here.domain}"]}
        actor = requests.get(f"{there.server.url}/users/ben", headers={"Accept": AP}, timeout=10).json()
        assert actor["alsoKnownAs"] == [f"{here.server.url}/users/amy"]

        moved = here.post("amy", "/api/pleroma/move_account",
                          data={"password": PASSWORD, "target_account": f"ben@{there.domain}"})
        assert moved == {"status": "success"}

        # on amy's server: lou follows ben there instead of amy; amy shows where she went
        ben_here = here.account_of("lou", there, "ben")
        eventually(lambda: here.relationship("lou", ben_here["id"])["following"],
                   "lou following ben on the other server", TIMEOUT, here, there)
        assert here.relationship("lou", amy)["following"] is False
        assert here.get("lou", f"/api/v1/accounts/{amy}")["moved"]["acct"] == f"ben@{there.domain}"
        assert any(n["type"] == "move" for n in here.notifications("lou"))

        # on ben's server: rae follows ben instead, sam stays with amy; both were told
        ben = account_id(there, "ben")
        eventually(lambda: there.relationship("rae", ben)["following"], "rae following ben", TIMEOUT, here, there)
        eventually(lambda: not there.relationship("rae", amy_there["id"])["following"],
                   "rae no longer following amy", TIMEOUT, here, there)
        assert there.relationship("sam", amy_there["id"])["following"] is True
        assert there.relationship("sam", ben)["following"] is False
        assert there.get("sam", f"/api/v1/accounts/{amy_there['id']}")["moved"]["acct"] == "ben"
        move = next(n for n in there.notifications("sam") if n["type"] == "move")
        assert (move["account"]["acct"], move["target"]["acct"]) == (f"amy@{here.domain}", "ben")
        followers = {a["acct"] for a in there.get("ben", f"/api/v1/accounts/{ben}/followers")}
        assert followers == {"rae", f"lou@{here.domain}"}

        # amy's server learns that rae left: only sam still follows her
        eventually(lambda: [a["acct"] for a in here.get("amy", f"/api/v1/accounts/{amy}/followers")]
                   == [f"sam@{there.domain}"], "amy's followers after the move", TIMEOUT, here, there)

    def test_a_move_to_an_account_that_does_not_name_the_origin_is_refused(self, sides):
        here, there = sides
        here.user("amy")
        there.user("ben")
        follow(there, "ben", here, "amy")
        # an alias added and removed again by the handle of the other server
        for method in ("PUT", "DELETE"):
            assert there.call(method, "ben", "/api/pleroma/aliases", json={"alias": f"amy@{here.domain}"}) == {
                "status": "success"}
        assert there.get("ben", "/api/pleroma/aliases") == {"aliases": []}
        refused = here.post("amy", "/api/pleroma/move_account",
                            data={"password": PASSWORD, "target_account": f"ben@{there.domain}"})
        assert refused == {"error": "Target account must have the origin in `alsoKnownAs`"}
        assert here.get("amy", "/api/v1/accounts/verify_credentials")["moved"] is None


class TestAccountDeletion:
    def test_a_deleted_account_and_its_posts_are_gone_on_the_other_server(self, sides):
        here, there = sides  # amy deletes her account here
        here.user("amy")
        here.user("cal")  # a local account amy follows: nothing is sent for it
        there.user("ben")  # follows amy
        there.user("dee")  # followed by amy
        amy_there = follow(there, "ben", here, "amy")
        dee_here = follow(here, "amy", there, "dee")
        post = here.post("amy", "/api/v1/statuses", data={"status": "about to leave"})
        copy = eventually(lambda: in_home(there, "ben", post["uri"]), "amy's post there", TIMEOUT, here, there)
        dee = account_id(there, "dee")
        eventually(lambda: there.get("dee", f"/api/v1/accounts/{dee}")["followers_count"] == 1,
                   "amy counted among dee's followers", TIMEOUT, here, there)

        assert here.post("amy", "/api/pleroma/delete_account", data={"password": PASSWORD}) == {
            "status": "success"}

        eventually(lambda: there.server.get(f"/api/v1/accounts/{amy_there['id']}",
                                            there.tokens["ben"]).status_code == 404,
                   "amy's account gone there", TIMEOUT, here, there)
        assert there.server.get(f"/api/v1/statuses/{copy['id']}", there.tokens["ben"]).status_code == 404
        assert in_home(there, "ben", post["uri"]) is None
        ben = account_id(there, "ben")
        assert there.get("ben", f"/api/v1/accounts/{ben}/following") == []
        assert there.get("ben", "/api/v1/accounts/verify_credentials")["following_count"] == 0
        assert there.get("dee", f"/api/v1/accounts/{dee}")["followers_count"] == 0
        assert there.get("dee", f"/api/v1/accounts/{dee}/followers") == []
        # the deleted actor's document answers 410 Gone from now on
        gone = requests.get(f"{here.server.url}/users/amy", headers={"Accept": AP}, timeout=10)
        assert (gone.status_code, gone.json()["type"]) == (410, "Tombstone")
        assert dee_here["acct"] == f"dee@{there.domain}"


def submit(url: str, **fields: str) -> requests.Response:
    """Open a form page as a browser does and send it with its CSRF token and cookie."""
    browser = requests.Session()
    page = browser.get(url, timeout=30)
    assert page.status_code == 200, page.text[:500]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    action = re.search(r'<form method="post" action="([^"]+)"', page.text).group(1)
    acct = re.search(r'name="acct" value="([^"]+)"', page.text).group(1)
    base = url.split("/ostatus_subscribe", 1)[0]
    return browser.post(f"{base}{action}", data={"csrfmiddlewaretoken": token, "acct": acct, **fields},
                        headers={"Referer": url}, timeout=30)


class TestRemoteInteraction:
    def test_a_visitor_follows_favourites_and_repeats_from_their_own_server(self, sides):
        here, there = sides  # amy here; ben there, sent to his own server by amy's
        here.user("amy")
        there.user("ben")
        post = here.post("amy", "/api/v1/statuses", data={"status": "come and see"})
        amy_actor = f"{here.server.url}/users/amy"

        # the account: the other server's remote-follow page follows amy
        answer = here.server.post("/api/v1/pleroma/remote_interaction",
                                  data={"ap_id": amy_actor, "profile": f"ben@{there.domain}"}).json()
        assert answer == {"url": f"{there.server.url}/ostatus_subscribe?acct={amy_actor}"}
        followed = submit(answer["url"], nickname="ben", password=PASSWORD)
        assert followed.status_code == 200 and "Following" in followed.text, followed.text[:500]
        amy = account_id(here, "amy")
        eventually(lambda: [a["acct"] for a in here.get("amy", f"/api/v1/accounts/{amy}/followers")]
                   == [f"ben@{there.domain}"], "ben among amy's followers", TIMEOUT, here, there)

        # the status: its page there favourites and repeats it
        answer = here.server.post("/api/v1/pleroma/remote_interaction",
                                  data={"ap_id": post["uri"], "profile": f"@ben@{there.domain}"}).json()
        assert answer == {"url": f"{there.server.url}/ostatus_subscribe?acct={post['uri']}"}
        for action, done in (("favourite", "Favourited"), ("reblog", "Repeated")):
            response = submit(answer["url"], nickname="ben", password=PASSWORD, action=action)
            assert response.status_code == 200 and done in response.text, response.text[:500]

        def counts():
            status = here.get("amy", f"/api/v1/statuses/{post['id']}")
            return status["favourites_count"], status["reblogs_count"]

        eventually(lambda: counts() == (1, 1), "favourite and repeat counted", TIMEOUT, here, there)
        favourited_by = here.get("amy", f"/api/v1/statuses/{post['id']}/favourited_by")
        assert [a["acct"] for a in favourited_by] == [f"ben@{there.domain}"]
        # Mastodon's spelling of the page shows the same post
        page = requests.get(f"{there.server.url}/authorize_interaction", params={"uri": post["uri"]}, timeout=30)
        assert page.status_code == 200 and "come and see" in page.text


class TestPinsOfAnotherServer:
    def test_an_account_looked_up_there_shows_its_pinned_posts(self, sides):
        here, there = sides  # amy pins a post here; ben there looks her up for the first time
        here.user("amy")
        there.user("ben")
        pinned = here.post("amy", "/api/v1/statuses", data={"status": "read this first"})
        here.post("amy", "/api/v1/statuses", data={"status": "just a post"})
        assert here.post("amy", f"/api/v1/statuses/{pinned['id']}/pin")["pinned"] is True
        amy = there.account_of("ben", here, "amy")

        def pins():
            return there.get("ben", f"/api/v1/accounts/{amy['id']}/statuses", params={"pinned": "true"})

        seen = eventually(lambda: pins(), "amy's pinned post there", TIMEOUT, here, there)
        assert [(s["uri"], s["pinned"]) for s in seen] == [(pinned["uri"], True)]
        assert "read this first" in seen[0]["content"]
