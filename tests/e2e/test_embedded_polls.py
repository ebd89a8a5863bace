"""Polls and scheduled statuses in the embedded mode (SQLite, no Redis): the poll's viewer
part is raw SQL inside the page's viewer query, written for both databases."""

from __future__ import annotations

import pytest

from tests.e2e.servers import _make_server


@pytest.fixture(scope="module")
def embedded(tmp_path_factory):
    root = tmp_path_factory.mktemp("embedded-polls")
    server = _make_server(root, "sqlite", f"sqlite:///{root / 'pleroma.sqlite3'}", REDIS_URL="")
    server.manage("migrate", "--noinput", "-v", "0")
    for nickname in ("alice", "bob"):
        server.create_user(nickname)
    server.start()
    yield server
    server.stop()


def ok(response, status: int = 200):
    assert response.status_code == status, (response.status_code, response.text[:500])
    return response.json()


def test_polls_and_scheduled_statuses_on_sqlite(embedded):
    s = embedded
    alice, bob = s.token("alice"), s.token("bob")
    posted = ok(s.post("/api/v1/statuses", alice, json={
        "status": "which?", "poll": {"options": ["a", "b", "c"], "expires_in": 600,
                                     "multiple": True, "hide_totals": True}}))
    poll_id = posted["poll"]["id"]
    voted = ok(s.post(f"/api/v1/polls/{poll_id}/votes", bob, data={"choices[]": ["0", "2"]}))
    assert voted["own_votes"] == [0, 2] and voted["voted"] is True
    assert [o["votes_count"] for o in voted["options"]] == [None, None, None]  # hidden until expiry

    public = ok(s.get("/api/v1/timelines/public", bob))
    assert public[0]["poll"]["own_votes"] == [0, 2]
    authors = ok(s.get(f"/api/v1/polls/{poll_id}", alice))
    assert authors["voted"] is True and [o["votes_count"] for o in authors["options"]] == [1, 0, 1]
    assert "voted" not in ok(s.get(f"/api/v1/polls/{poll_id}"))

    scheduled = ok(s.post("/api/v1/statuses", alice, data={
        "status": "later", "scheduled_at": "2030-01-01T12:00:00.000Z"}))
    assert scheduled["scheduled_at"] == "2030-01-01T12:00:00.000Z"
    listed = ok(s.get("/api/v1/scheduled_statuses", alice))
    assert [x["id"] for x in listed] == [scheduled["id"]]
    ok(s.request("DELETE", f"/api/v1/scheduled_statuses/{scheduled['id']}", alice))
    assert ok(s.get("/api/v1/scheduled_statuses", alice)) == []
