"""The embedded mode `make run` serves: SQLite, no Redis (no render cache; the shared cache
file and the Celery worker of scripts/run.py, see test_embedded_instance.py).

The timelines and the page's viewer query are raw SQL written for both databases
(core.sql); this drives them over HTTP against a server on a fresh SQLite file.
"""

from __future__ import annotations

import pytest

from tests.e2e.servers import _make_server, run_command


@pytest.fixture(scope="module")
def embedded(tmp_path_factory):
    root = tmp_path_factory.mktemp("embedded")
    server = _make_server(root, "sqlite", f"sqlite:///{root / 'pleroma.sqlite3'}", REDIS_URL="")
    server.command = run_command(server.port)
    server.manage("migrate", "--noinput", "-v", "0")
    for nickname in ("alice", "bob", "carol"):
        server.create_user(nickname)
    server.start()
    yield server
    server.stop()


def ok(response, status: int = 200):
    assert response.status_code == status, (response.status_code, response.text[:500])
    return response.json()


def test_timelines_and_viewer_flags_on_sqlite(embedded):
    s = embedded
    alice, bob, carol = s.token("alice"), s.token("bob"), s.token("carol")
    bob_id = ok(s.get("/api/v1/accounts/lookup", params={"acct": "bob"}))["id"]
    ok(s.post(f"/api/v1/accounts/{bob_id}/follow", alice))

    first = ok(s.post("/api/v1/statuses", bob, data={"status": "hello #sqlite"}))
    reply = ok(s.post("/api/v1/statuses", bob, data={"status": "more", "in_reply_to_id": first["id"]}))
    quote = ok(s.post("/api/v1/statuses", bob, data={"status": "quoting", "quote_id": first["id"]}))
    secret = ok(s.post("/api/v1/statuses", bob, data={"status": "followers", "visibility": "private"}))
    ok(s.post(f"/api/v1/statuses/{first['id']}/reblog", carol))
    ok(s.post(f"/api/v1/statuses/{first['id']}/favourite", alice))
    ok(s.post(f"/api/v1/statuses/{first['id']}/bookmark", alice))
    ok(s.request("PUT", f"/api/v1/pleroma/statuses/{first['id']}/reactions/👍", alice))

    home = ok(s.get("/api/v1/timelines/home", alice))
    assert [st["id"] for st in home] == [secret["id"], quote["id"], reply["id"], first["id"]]
    shown = {st["id"]: st for st in home}[first["id"]]
    assert (shown["favourited"], shown["bookmarked"], shown["favourites_count"]) == (True, True, 1)
    assert shown["reblogs_count"] == 1
    assert shown["pleroma"]["emoji_reactions"][0]["me"] is True
    assert {st["id"]: st for st in home}[quote["id"]]["pleroma"]["quote"]["id"] == first["id"]
    assert {st["id"]: st for st in home}[reply["id"]]["pleroma"]["parent_visible"] is True

    page = ok(s.get("/api/v1/timelines/home", alice, params={"limit": 2, "max_id": quote["id"]}))
    assert [st["id"] for st in page] == [reply["id"], first["id"]]

    public = ok(s.get("/api/v1/timelines/public"))
    assert secret["id"] not in [st["id"] for st in public]
    assert {st["id"]: st for st in public}[first["id"]]["favourited"] is False
    carols_view = ok(s.get(f"/api/v1/accounts/{bob_id}/statuses", carol))
    assert [st["id"] for st in carols_view] == [quote["id"], reply["id"], first["id"]]  # no private

    context = ok(s.get(f"/api/v1/statuses/{reply['id']}/context", alice))
    assert [st["id"] for st in context["ancestors"]] == [first["id"]]

    types = {n["type"] for n in ok(s.get("/api/v1/notifications", bob))}
    assert {"follow", "favourite", "reblog", "pleroma:emoji_reaction"} <= types

    ok(s.post(f"/api/v1/accounts/{bob_id}/mute", alice))
    assert ok(s.get("/api/v1/timelines/home", alice)) == []
