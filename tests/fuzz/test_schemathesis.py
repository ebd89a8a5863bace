"""Schema fuzzing: schemathesis drives the running server through every operation of
GET /api/openapi, authenticated as an admin with every scope, and checks that no answer is a
5xx and that every answer has a documented status, content type and body schema.

`make test` runs a few examples per operation (PLEROMA_FUZZ_EXAMPLES, default 5) so the whole
run stays within a few minutes; `make fuzz` runs the same test with many more. The seed is
fixed (PLEROMA_FUZZ_SEED) so a failure reproduces; on failure the assertion message carries
schemathesis' failure report (with a curl line per failure) and the server's tracebacks.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

EXAMPLES = int(os.environ.get("PLEROMA_FUZZ_EXAMPLES", "5"))
SEED = int(os.environ.get("PLEROMA_FUZZ_SEED", "20261127"))
WORKERS = os.environ.get("PLEROMA_FUZZ_WORKERS", "2")
CHECKS = ("not_a_server_error,status_code_conformance,content_type_conformance,"
          "response_schema_conformance")
SCOPES = "read write follow push admin"

# Operations left out, and why. Each of them ends the fuzz user's session or identity, so
# every operation tested after it would only see 403s and prove nothing.
EXCLUDED_PATHS = [
    # Revokes one of the caller's tokens: token ids are small integers, so the fuzzer soon
    # revokes the very token it is authenticated with.
    r"^/api/oauth_tokens/\{id\}$",
    # Revokes the token named in the body: schemathesis fills `token` with the bearer token it
    # sends, so the rest of the run would be anonymous.
    r"^/oauth/revoke$",
    # Destructive account operations guarded by the account password: with a wrong password
    # they only answer 403, and with the right one they delete, deactivate, move or re-address
    # the account (the fuzz user would be logged out, or its e-mail unconfirmed, mid-run).
    r"^/api/v1/pleroma/delete_account$",
    r"^/api/v1/pleroma/disable_account$",
    r"^/api/v1/pleroma/move_account$",
    r"^/api/v1/pleroma/change_email$",
]

def _seed(server) -> dict[str, list]:
    """A little data so ids exist: two users following each other, statuses (a reply, a
    direct message, a tag), favourites, a reaction, a bookmark folder, a media attachment,
    an emoji pack, an event with a participation request, notifications. Returns the ids
    the fuzzer should try besides random ones."""
    server.create_user("fuzz", admin=True)
    server.create_user("other")
    token = server.token("fuzz", scopes=SCOPES)
    other = server.token("other", scopes=SCOPES)

    def call(method, path, tok=token, **kwargs):
        response = server.request(method, path, tok, **kwargs)
        assert response.status_code == 200, f"{method} {path}: {response.status_code} {response.text}"
        return response.json()

    me = call("GET", "/api/v1/accounts/verify_credentials")
    them = call("GET", "/api/v1/accounts/verify_credentials", other)
    call("POST", f"/api/v1/accounts/{them['id']}/follow")
    call("POST", f"/api/v1/accounts/{me['id']}/follow", other)
    first = call("POST", "/api/v1/statuses", data={"status": "hello #fuzz"})
    theirs = call("POST", "/api/v1/statuses", other, data={"status": "@fuzz hi there #fuzz"})
    reply = call("POST", "/api/v1/statuses", data={"status": "@other hello back",
                                                    "in_reply_to_id": theirs["id"]})
    direct = call("POST", "/api/v1/statuses", other, data={"status": "@fuzz a secret",
                                                           "visibility": "direct"})
    call("POST", f"/api/v1/statuses/{theirs['id']}/favourite")
    call("POST", f"/api/v1/statuses/{first['id']}/favourite", other)
    folder = call("POST", "/api/v1/pleroma/bookmark_folders", data={"name": "fuzz"})
    event = call("POST", "/api/v1/pleroma/events", data={
        "name": "Fuzz meetup", "status": "come along", "join_mode": "restricted",
        "start_time": "2030-01-01T18:00:00Z", "end_time": "2030-01-01T20:00:00Z"})
    call("POST", f"/api/v1/pleroma/events/{event['id']}/join", other,
         data={"participation_message": "may I?"})
    # One organised by the other user too: the fuzz user (an admin) may delete statuses, and
    # the ids it learns from answers are soon tried on DELETE /api/v1/statuses/:id.
    their_event = call("POST", "/api/v1/pleroma/events", other, data={
        "name": "Their meetup", "status": "all welcome", "start_time": "2030-02-01T18:00:00Z"})
    call("POST", f"/api/v1/pleroma/events/{their_event['id']}/join", data={})
    media = call("POST", "/api/v1/media", files={"file": ("fuzz.png", _png(), "image/png")},
                 data={"description": "a red square"})
    call("POST", "/api/v1/pleroma/emoji/pack", params={"name": "fuzzpack"})
    call("POST", "/api/v1/pleroma/emoji/packs/files", params={"name": "fuzzpack"},
         files={"file": ("fuzzmoji.png", _png(), "image/png")}, data={"shortcode": "fuzzmoji"})
    call("PUT", f"/api/v1/pleroma/statuses/{theirs['id']}/reactions/👍")
    poll = call("POST", "/api/v1/statuses", other, json={
        "status": "which?", "poll": {"options": ["a", "b", "c"], "expires_in": 3600, "multiple": True}})
    scheduled = call("POST", "/api/v1/statuses", json={"status": "later",
                                                        "scheduled_at": "2030-01-01T12:00:00.000Z"})
    notifications = call("GET", "/api/v1/notifications")
    conversations = call("GET", "/api/v1/conversations")
    return {
        "token": token,
        "account_ids": [me["id"], them["id"]],
        "accounts": ["fuzz", "other", me["id"], them["id"]],
        "status_ids": [first["id"], theirs["id"], reply["id"], direct["id"], poll["id"]],
        "poll_ids": [poll["poll"]["id"]],
        "scheduled_ids": [scheduled["id"]],
        "event_ids": [event["id"], their_event["id"]],
        "notification_ids": [n["id"] for n in notifications] or [me["id"]],
        "conversation_ids": [c["id"] for c in conversations] or [direct["id"]],
        "folder_ids": [folder["id"]],
        "media_ids": [media["id"]],
        "packs": ["fuzzpack"],
        "emoji": ["👍", "fuzzmoji", ":fuzzmoji:"],
        "tags": ["fuzz"],
    }


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    return buffer.getvalue()


def _toml_list(values) -> str:
    return json.dumps([str(v) for v in values], ensure_ascii=False)


def _config(seed: dict) -> str:
    """schemathesis.toml: known ids are tried half of the time for the path parameters
    they fit, random values the other half (so both real rows and junk ids are exercised)."""
    dictionaries = {name: seed[name] for name in (
        "account_ids", "accounts", "status_ids", "event_ids", "notification_ids",
        "conversation_ids", "folder_ids", "media_ids", "packs", "emoji", "tags", "poll_ids",
        "scheduled_ids")}
    # The first entry whose regex matches an operation decides its parameters: specific first.
    bindings = [
        (r"^/api/v1/pleroma/events/\{id\}/participation_requests/",
         {"path.id": "event_ids", "path.participant_id": "account_ids"}),
        (r"^/api/v1/pleroma/events/\{id\}", {"path.id": "event_ids"}),
        (r"^/api/v1/accounts/\{id\}", {"path.id": "accounts"}),
        (r"^/api/v1/pleroma/accounts/\{id\}", {"path.id": "accounts"}),
        (r"^/api/v1/follow_requests/\{id\}", {"path.id": "account_ids"}),
        (r"^/api/v1/statuses/\{id\}", {"path.id": "status_ids"}),
        (r"^/api/v1/pleroma/statuses/\{id\}/reactions/\{emoji\}",
         {"path.id": "status_ids", "path.emoji": "emoji"}),
        (r"^/api/v1/pleroma/statuses/\{id\}", {"path.id": "status_ids"}),
        (r"^/api/v1/media/\{id\}", {"path.id": "media_ids"}),
        (r"^/api/v1/pleroma/emoji/(pack|packs/files|packs/archive)$", {"query.name": "packs"}),
        (r"^/api/v1/notifications/\{id\}", {"path.id": "notification_ids"}),
        (r"^/api/v1/conversations/\{id\}", {"path.id": "conversation_ids"}),
        (r"^/api/v1/pleroma/conversations/\{id\}", {"path.id": "conversation_ids"}),
        (r"^/api/v1/pleroma/bookmark_folders/\{id\}", {"path.id": "folder_ids"}),
        (r"^/api/v1/timelines/tag/\{tag\}", {"path.tag": "tags"}),
        (r"^/api/v1/polls/\{id\}", {"path.id": "poll_ids"}),
        (r"^/api/v1/scheduled_statuses/\{id\}", {"path.id": "scheduled_ids"}),
    ]
    lines = []
    for name, values in dictionaries.items():
        lines += [f"[dictionaries.{name}]", f"values = {_toml_list(values)}", ""]
    for regex, parameters in bindings:
        bound = ", ".join(f'"{parameter}" = {{ dictionary = "{dictionary}", probability = 0.5 }}'
                          for parameter, dictionary in parameters.items())
        lines += ["[[operations]]", f"include-path-regex = {json.dumps(regex)}",
                  f"parameters = {{ {bound} }}", ""]
    # Installing or listing another server's emoji packs answers 502 when that server fails
    # (documented; the fault is not ours): the fuzzer finds this server's own URLs in its
    # answers and offers them as the remote, which answers 404 to the pack routes.
    lines += ["[[operations]]",
              'include-path-regex = "^/api/v1/pleroma/emoji/packs/(download|remote)$"',
              "[operations.checks.not_a_server_error]",
              'expected-statuses = ["2xx", "3xx", "4xx", "502"]', ""]
    return "\n".join(lines)


def _report(output: str, server_log: str) -> str:
    start = output.find("=== FAILURES ===")
    failures = output[start:] if start >= 0 else output[-20000:]
    tracebacks = [block for block in server_log.split("unhandled error in API view")[1:]][:5]
    return (f"schemathesis found failures (seed {SEED}, {EXAMPLES} examples per operation):\n"
            f"{failures[:40000]}\n--- server tracebacks (first 5) ---\n"
            + "\n".join(t[:3000] for t in tracebacks))


@pytest.fixture
def served_files(running_server):
    """The server's files outlive its database between tests: remove the packs, media and
    backups the fuzz run leaves behind so later tests on the same server do not see them."""
    dirs = [running_server.data_dir / name for name in ("emoji", "media", "backups")]
    before = {d: set(d.iterdir()) if d.is_dir() else set() for d in dirs}
    yield
    for d, entries in before.items():
        for path in (set(d.iterdir()) if d.is_dir() else set()) - entries:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)


@pytest.mark.timeout(max(600, EXAMPLES * 90))
def test_every_operation_answers_as_documented(running_server, served_files, tmp_path):
    seed = _seed(running_server)
    config = tmp_path / "schemathesis.toml"
    config.write_text(_config(seed))
    log_offset = len(running_server.log())
    command = [
        str(Path(sys.executable).with_name("schemathesis")), "--config-file", str(config), "--no-color",
        "run", f"{running_server.url}/api/openapi",
        "-H", f"Authorization: Bearer {seed['token']}",
        "--checks", CHECKS,
        "--max-examples", str(EXAMPLES), "--seed", str(SEED), "--workers", WORKERS,
        "--generation-database", "none", "--request-timeout", "30",
        "--exclude-path-regex", "|".join(EXCLUDED_PATHS),  # the option does not repeat
    ]
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True,
                            timeout=max(540, EXAMPLES * 85), env={**os.environ, "NO_COLOR": "1"})
    output = result.stdout + result.stderr
    (tmp_path / "schemathesis.txt").write_text(output)
    summary = output[output.rfind("=== SUMMARY ==="):] if "=== SUMMARY ===" in output else output[-3000:]
    print(summary)
    assert result.returncode == 0, _report(output, running_server.log()[log_offset:])
    selected = re.search(r"Selected: (\d+)/(\d+)", summary)
    assert selected, summary
    assert int(selected[2]) - int(selected[1]) == len(EXCLUDED_PATHS)
    # Still authenticated at the end: no operation ended the session under test.
    assert running_server.get("/api/v1/accounts/verify_credentials", seed["token"]).status_code == 200
