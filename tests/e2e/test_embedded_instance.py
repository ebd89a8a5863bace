"""The embedded mode is one instance: started as `make run` starts it (scripts/run.py after
`migrate` and `collectstatic`: SQLite in the data dir, no REDIS_URL, two gunicorn workers and
the Celery worker with beat), every process shares the cache, and jobs run in the worker.

Requests that must meet the other web worker are sent several at once: each gunicorn
worker is synchronous, so concurrent requests are spread over both.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyotp
import pytest
from PIL import Image

from tests.e2e.servers import ROOT, Server, base_env, free_port, run_command
from tests.factories import PASSWORD

PARALLEL = 8
RATE_LIMITED_LOGINS = 15  # core.ratelimit LIMITS["authentication"]


def png(color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (8, 8), (*color, 255)).save(out, format="PNG")
    return out.getvalue()


def at_once(count: int, call) -> list:
    """`call(i)` for i in range(count), PARALLEL at a time; the results in order."""
    with ThreadPoolExecutor(PARALLEL) as pool:
        return list(pool.map(call, range(count)))


def ok(response, status: int = 200):
    assert response.status_code == status, (response.status_code, response.text[:500])
    return response.json()


def wait_for(predicate, timeout: float, what: str, server: Server):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := predicate():
            return result
        time.sleep(0.2)
    raise AssertionError(f"{what} not seen in {timeout}s:\n{server.log()[-4000:]}")


def children_of(pid: int) -> set[int]:
    """Every live descendant of `pid` (from /proc)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[0] != "Z":
                parents[int(entry.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def gone(pids: set[int]) -> bool:
    return all(not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text(
        errors="replace").rsplit(")", 1)[-1].split()[:1] for pid in pids)


def start_instance(data_dir: Path, template: Path, **env: str) -> Server:
    """`make run` in a fresh data dir: migrate, collectstatic, then scripts/run.py.

    The database starts as a copy of `template` (migrated once for the module), so the
    `migrate` of `make run` finds nothing to do, as on any start after the first."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server_env = base_env(PLEROMA_URL=url, PLEROMA_DATA_DIR=str(data_dir), **env)
    for name in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY"):
        server_env.pop(name, None)
    server = Server(url=url, port=port, env=server_env, data_dir=data_dir,
                    command=run_command(port, workers=2, worker_concurrency=2))
    data_dir.mkdir(parents=True)
    shutil.copy(template / "pleroma.sqlite3", data_dir / "pleroma.sqlite3")
    server.manage("migrate", "--noinput", "-v", "0")
    server.manage("collectstatic", "--noinput", "-v", "0")
    server.start()
    wait_for(lambda: " ready." in server.log(), 60, "the Celery worker", server)
    return server


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A data dir with a migrated SQLite database."""
    data_dir = tmp_path_factory.mktemp("template")
    env = base_env(PLEROMA_DATA_DIR=str(data_dir))
    for name in ("DATABASE_URL", "REDIS_URL"):
        env.pop(name, None)
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env,
                   check=True, timeout=300)
    return data_dir


@pytest.fixture(scope="module")
def instance(tmp_path_factory, template):
    server = start_instance(
        tmp_path_factory.mktemp("instance") / "data", template, PLEROMA_RATE_LIMIT_ENABLED="true",
        PLEROMA_CAPTCHA_ENABLED="true", PLEROMA_STATUS_MIN_EXPIRY_SECONDS="1")
    # `manage.py user new` for each account, in one process.
    calls = [("alice", False), ("bob", False), ("secure", False), ("secure2", False), ("boss", True)]
    server.manage("shell", "-c", "from django.core.management import call_command\n" + "\n".join(
        f"call_command('user', 'new', {nick!r}, '{nick}@example.com', '--password', {PASSWORD!r}"
        f"{', ' + repr('--admin') if admin else ''})" for nick, admin in calls))
    yield server
    server.stop()


def test_make_run_starts_two_web_workers_and_a_celery_worker(instance):
    processes = [cmdline(pid) for pid in children_of(instance.process.pid)]
    assert sum("gunicorn" in line for line in processes) == 3  # the master and 2 workers
    assert any("celery" in line and " worker " in line and " -B " in line for line in processes)
    assert (instance.data_dir / "pleroma.sqlite3").exists()
    assert (instance.data_dir / "cache.sqlite3").exists()
    assert (instance.data_dir / "broker" / "queue").is_dir()


class TestSharedState:
    """single-use tokens, idempotency keys, rate limits and the emoji table across processes"""

    def test_ten_retries_of_one_idempotent_post_make_one_status(self, instance):
        alice = instance.token("alice")
        headers = {"Idempotency-Key": "retry-1"}
        responses = at_once(10, lambda i: instance.post("/api/v1/statuses", alice, headers=dict(headers),
                                                         data={"status": "only once"}))
        assert {r.status_code for r in responses} == {200}
        assert len({r.json()["id"] for r in responses}) == 1
        alice_id = ok(instance.get("/api/v1/accounts/verify_credentials", alice))["id"]
        statuses = ok(instance.get(f"/api/v1/accounts/{alice_id}/statuses", alice))
        assert [s["content"] for s in statuses].count("only once") == 1

    def test_a_solved_captcha_registers_one_account(self, instance, settings, monkeypatch):
        from accounts import captcha

        # A captcha signed with the instance's key whose answer the test knows.
        settings.CAPTCHA_ENABLED = True
        settings.SECRET_KEY = (instance.data_dir / "secret_key").read_text().strip()
        monkeypatch.setattr(captcha.secrets, "choice", lambda alphabet: alphabet[0])
        solved = captcha.new()
        app = instance.register_app()
        app_token = ok(instance.post("/oauth/token", data={
            "grant_type": "client_credentials", "client_id": app["client_id"],
            "client_secret": app["client_secret"], "scope": "read write follow push"}))["access_token"]

        def register(i):
            return instance.post("/api/v1/accounts", app_token, data={
                "username": f"newcomer{i}", "email": f"newcomer{i}@example.com", "password": PASSWORD,
                "agreement": "true", "captcha_token": solved["token"],
                "captcha_answer_data": solved["answer_data"], "captcha_solution": "a" * captcha.LENGTH})

        responses = at_once(4, register)
        assert sorted(r.status_code for r in responses) == [200, 400, 400, 400], [r.text for r in responses]
        refused = [r.json() for r in responses if r.status_code == 400]
        assert refused == [{"error": '{"captcha":["CAPTCHA already used"]}'}] * 3

    def test_an_mfa_token_logs_in_once_and_a_refused_replay_keeps_its_recovery_code(self, instance):
        totp, codes = self._enable_mfa(instance, "secure")
        first = self._mfa_token(instance, "secure")
        done = self._challenge(instance, first, "totp", totp.at(time.time() + 30))
        replay = self._challenge(instance, first, "recovery", codes[0])
        assert done.status_code == 200 and "access_token" in done.json()
        assert (replay.status_code, replay.json()) == (400, {"error": "Invalid code"})
        again = self._challenge(instance, self._mfa_token(instance, "secure"), "recovery", codes[0])
        assert again.status_code == 200, again.text  # the replay did not spend codes[0]

    def test_racing_challenges_with_one_mfa_token_log_in_once_and_spend_one_code(self, instance):
        _, codes = self._enable_mfa(instance, "secure2")
        shared = self._mfa_token(instance, "secure2")
        raced = at_once(3, lambda i: self._challenge(instance, shared, "recovery", codes[i]))
        assert sorted(r.status_code for r in raced) == [200, 400, 400]
        losers = [codes[i] for i, r in enumerate(raced) if r.status_code == 400]
        for code in losers:  # the refused requests spent nothing
            response = self._challenge(instance, self._mfa_token(instance, "secure2"), "recovery", code)
            assert response.status_code == 200, response.text

    def test_rate_limits_count_the_requests_of_every_web_worker(self, instance):
        app = instance.register_app()

        def wrong_login(i):
            return instance.post("/oauth/token", data={
                "grant_type": "password", "client_id": app["client_id"], "client_secret": app["client_secret"],
                "username": "nobody", "password": "wrong"}).status_code

        statuses = at_once(2 * RATE_LIMITED_LOGINS + 6, wrong_login)
        assert statuses.count(429) == RATE_LIMITED_LOGINS + 6, statuses

    def test_emoji_changes_are_seen_by_every_worker_at_once(self, instance):
        admin, bob = instance.token("boss", scopes="read write admin"), instance.token("bob")
        status = ok(instance.post("/api/v1/statuses", bob, data={"status": "react to me"}))

        def shortcodes():
            listings = at_once(PARALLEL, lambda i: instance.get("/api/v1/custom_emojis"))
            return [{e["shortcode"] for e in ok(r)} for r in listings]

        assert shortcodes() == [set()] * PARALLEL  # every worker has read the (empty) table
        ok(instance.post("/api/v1/pleroma/emoji/pack", admin, params={"name": "live"}))
        ok(instance.post("/api/v1/pleroma/emoji/packs/files", admin, params={"name": "live"},
                         data={"shortcode": "fresh", "filename": "fresh.png"},
                         files={"file": ("fresh.png", png(), "image/png")}))
        assert shortcodes() == [{"fresh"}] * PARALLEL
        reactions = at_once(4, lambda i: instance.request(
            "PUT", f"/api/v1/pleroma/statuses/{status['id']}/reactions/:fresh:", bob))
        assert {r.status_code for r in reactions} == {200}, [r.text for r in reactions]

        ok(instance.request("DELETE", "/api/v1/pleroma/emoji/packs/files", admin,
                            params={"name": "live", "shortcode": "fresh"}))
        assert shortcodes() == [set()] * PARALLEL
        refused = instance.request("PUT", f"/api/v1/pleroma/statuses/{status['id']}/reactions/:fresh:", admin)
        assert refused.json() == {"error": "Could not add reaction emoji"}

        dropped = instance.data_dir / "emoji" / "dropped"
        dropped.mkdir(parents=True)
        (dropped / "dropped.png").write_bytes(png((20, 200, 20)))
        (dropped / "pack.json").write_text(json.dumps({
            "pack": {"license": "CC0", "share-files": True}, "files": {"dropped": "dropped.png"}}))
        instance.manage("emoji", "import")
        assert shortcodes() == [{"dropped"}] * PARALLEL

    @staticmethod
    def _enable_mfa(instance: Server, nickname: str) -> tuple[pyotp.TOTP, list[str]]:
        token = instance.token(nickname, scopes="read write")
        totp = pyotp.TOTP(ok(instance.get("/api/pleroma/accounts/mfa/setup/totp", token))["key"])
        ok(instance.post("/api/pleroma/accounts/mfa/confirm/totp", token,
                         data={"password": PASSWORD, "code": totp.now()}))
        return totp, ok(instance.get("/api/pleroma/accounts/mfa/backup_codes", token))["codes"]

    @staticmethod
    def _mfa_token(instance: Server, nickname: str) -> str:
        app = instance.register_app()
        response = instance.post("/oauth/token", data={
            "grant_type": "password", "client_id": app["client_id"], "client_secret": app["client_secret"],
            "username": nickname, "password": PASSWORD, "scope": "read write"})
        assert response.status_code == 403, response.text
        return response.json()["mfa_token"]

    @staticmethod
    def _challenge(instance: Server, mfa_token: str, kind: str, code: str):
        app = instance.register_app()
        return instance.post("/oauth/mfa/challenge", data={
            "client_id": app["client_id"], "client_secret": app["client_secret"], "mfa_token": mfa_token,
            "challenge_type": kind, "code": code})


class TestBackgroundJobs:
    """tasks run by the worker `make run` started, never inside the request"""

    def test_a_status_with_expires_in_is_deleted_when_it_expires(self, instance):
        alice = instance.token("alice")
        status = ok(instance.post("/api/v1/statuses", alice, data={"status": "short-lived", "expires_in": 2}))
        assert instance.get(f"/api/v1/statuses/{status['id']}", alice).status_code == 200
        posted = time.monotonic()
        wait_for(lambda: instance.get(f"/api/v1/statuses/{status['id']}", alice).status_code == 404,
                 15, "the expired status deleted", instance)
        assert time.monotonic() - posted >= 1.5  # not before its time

    def test_a_20000_line_follow_import_answers_at_once_and_finishes(self, instance):
        bob = instance.token("bob")
        listing = "\n".join(["alice", *(f"stranger{i}" for i in range(19_999))])
        started = time.monotonic()
        response = instance.post("/api/v1/pleroma/follow_import", bob,
                                 files={"list": ("following.csv", listing.encode())})
        answered = time.monotonic() - started
        assert response.json() == "jobs started"
        assert answered < 10, answered  # recorded, not performed, in the request
        location = response.headers["Location"]

        def done():
            body = ok(instance.get(location, bob))
            return body if body["state"] in ("done", "failed") else None

        body = wait_for(done, 60, "the import done", instance)
        assert (body["state"], body["total"], body["processed"]) == ("done", 20_000, 20_000)
        alice_id = ok(instance.get("/api/v1/accounts/lookup", bob, params={"acct": "alice"}))["id"]
        relationship = ok(instance.get("/api/v1/accounts/relationships", bob, params={"id[]": alice_id}))
        assert relationship[0]["following"] is True

    def test_every_web_worker_reports_the_same_job_counts(self, instance):
        reports = at_once(PARALLEL, lambda i: instance.get("/api/v1/pleroma/healthcheck"))
        stats = [ok(r)["job_queue_stats"] for r in reports]
        assert stats[0]["processed_jobs"] >= 2  # the expiry and the import above
        assert stats[0]["workers"]["accounts.tasks.run_import"]["success"] >= 1
        assert all(s == stats[0] for s in stats)


class TestSupervisor:
    """scripts/run.py stops every process with it"""

    def test_when_the_worker_dies_the_web_server_stops_too(self, tmp_path, template):
        server = start_instance(tmp_path / "data", template, PLEROMA_RATE_LIMIT_ENABLED="false")
        try:
            processes = children_of(server.process.pid)
            worker = next(pid for pid in processes
                          if parent_of(pid) == server.process.pid and "celery" in cmdline(pid))
            os.kill(worker, signal.SIGKILL)
            assert server.process.wait(timeout=40) == 1
            wait_for(lambda: gone(processes), 10, "every process ended", server)
        finally:
            server.stop()

    def test_sigterm_stops_every_process(self, instance):
        """The module's instance, last: a warm shutdown of all its processes."""
        processes = children_of(instance.process.pid)
        assert len(processes) >= 4
        instance.process.send_signal(signal.SIGTERM)
        assert instance.process.wait(timeout=40) == 0
        wait_for(lambda: gone(processes), 10, "every process ended", instance)


def parent_of(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
