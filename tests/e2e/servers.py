"""Real servers for end-to-end tests: gunicorn serving the app on loopback ports.

`running_server` serves the pytest test database, so a test (which needs
`transactional_db`: the server only sees committed rows) can set up data with factories
or services and then drive the server over HTTP with a real client. One gunicorn process
serves the whole session; each test gets it with a clean database.

`second_server` is another instance with its own PostgreSQL database (created, migrated
and dropped by the fixture), for tests where two instances talk to each other. It runs
as `make run` does without REDIS_URL (scripts/run.py: gunicorn, and a Celery worker on the
embedded broker and cache in its own data dir), so its tasks can never be picked up by a
worker of the first instance. Its tables are emptied after each test.

Both servers allow private networks so they can reach each other over 127.0.0.1.

`streaming_server` is `running_server` with its streaming API (uvicorn serving
pleroma_py.asgi on `.streaming_port`, the port its instance document advertises) running
too; it fans events out through the same Redis as the tests' REDIS_URL.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
import requests

from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 60
# Tables that hold what migrations create rather than what tests write.
_KEEP_TABLES = {"django_migrations", "django_content_type", "auth_permission"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url(settings_dict: dict, name: str | None = None) -> str:
    """A DATABASE_URL for a Django connection's settings (optionally another database)."""
    user = quote(settings_dict.get("USER") or "postgres", safe="")
    password = settings_dict.get("PASSWORD") or ""
    auth = f"{user}:{quote(password, safe='')}" if password else user
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{auth}@{host}:{port}/{name or settings_dict['NAME']}"


def _admin_connection(settings_dict: dict) -> psycopg.Connection:
    return psycopg.connect(
        dbname="postgres", user=settings_dict.get("USER") or "postgres",
        password=settings_dict.get("PASSWORD") or None, host=settings_dict.get("HOST") or "127.0.0.1",
        port=settings_dict.get("PORT") or 5432, autocommit=True,
    )


def base_env(**overrides: str) -> dict[str, str]:
    """The environment of a child process running the app (server, worker, manage.py)."""
    env = dict(os.environ)
    env.update({"DJANGO_SETTINGS_MODULE": "pleroma_py.settings", "PYTHONUNBUFFERED": "1"})
    env.update(overrides)
    return env


def stop_process(process: subprocess.Popen, *, hard: bool = False, timeout: float = 10) -> None:
    """Stop a child started with start_new_session=True, with its own children."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGKILL if hard else signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=timeout)


@dataclass
class Server:
    """A running instance: `.url`, `.port`, and helpers to drive it from a test."""

    url: str
    port: int
    env: dict[str, str]
    data_dir: Path
    process: subprocess.Popen | None = None
    database_url: str = ""
    web_workers: int = 1  # gunicorn workers when `command` is None
    streaming_port: int = 0
    streaming_process: subprocess.Popen | None = None
    # argv of the server process; None: one gunicorn process (see start)
    command: list[str] | None = None
    _apps: dict = field(default_factory=dict)

    @property
    def domain(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.data_dir / "server.log"

    def log(self) -> str:
        """What the server printed so far (for assertion messages)."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    # --- processes -------------------------------------------------------------------------
    def start(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            self.command or [
                sys.executable, "-m", "gunicorn", "pleroma_py.wsgi:application",
                "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.web_workers), "--threads", "4",
                "--worker-class", "gthread", "--timeout", "60", "--graceful-timeout", "2",
                # Idle keep-alive connections stay open longer than any pause of a test
                # (gunicorn's 2 s default races a client that reuses one after sleeping 2 s).
                "--keep-alive", "30", "--access-logfile", "-"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        log.close()
        self.wait_ready()

    def wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}:\n{self.log()[-4000:]}")
            try:
                requests.get(f"{self.url}/api/v1/instance", timeout=2)
                return
            except requests.RequestException:
                time.sleep(0.2)
        raise RuntimeError(f"server did not answer in {START_TIMEOUT}s:\n{self.log()[-4000:]}")

    def stop(self) -> None:
        self.stop_streaming()
        if self.process is not None:
            stop_process(self.process, timeout=40)  # run.py gives its children 30 s
            self.process = None

    @property
    def streaming_url(self) -> str:
        return f"ws://127.0.0.1:{self.streaming_port}"

    def start_streaming(self) -> None:
        """Start the streaming server (`manage.py streaming`) and wait for its health check."""
        log = (self.data_dir / "streaming.log").open("ab")
        self.streaming_process = subprocess.Popen(
            [sys.executable, "manage.py", "streaming", "--host", "127.0.0.1", "--port", str(self.streaming_port),
             "--access-log"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        log.close()
        self.wait_streaming(self.streaming_process)

    def wait_streaming(self, process: subprocess.Popen | None = None) -> None:
        """Wait for the streaming server's health check (started here, or by scripts/run.py)."""
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if process is not None and process.poll() is not None:
                raise RuntimeError(f"streaming server exited:\n{self.streaming_log()[-4000:]}")
            try:
                if requests.get(f"http://127.0.0.1:{self.streaming_port}/api/v1/streaming/health",
                                timeout=2).text == "OK":
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"streaming server did not answer:\n{self.streaming_log()[-4000:]}")

    def streaming_log(self) -> str:
        path = self.data_dir / "streaming.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop_streaming(self) -> None:
        if self.streaming_process is not None:
            stop_process(self.streaming_process)
            self.streaming_process = None

    def manage(self, *args: str, check: bool = True, input: str | None = None) -> subprocess.CompletedProcess:
        """Run `manage.py <args>` against this instance's database and settings."""
        result = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, input=input,
            capture_output=True, text=True, timeout=300,
        )
        if check and result.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result

    # --- HTTP helpers ----------------------------------------------------------------------
    def request(self, method: str, path: str, token: str | None = None, **kwargs) -> requests.Response:
        headers = kwargs.pop("headers", {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        kwargs.setdefault("timeout", 30)
        return requests.request(method, f"{self.url}{path}", headers=headers, **kwargs)

    def get(self, path: str, token: str | None = None, **kwargs) -> requests.Response:
        return self.request("GET", path, token, **kwargs)

    def post(self, path: str, token: str | None = None, **kwargs) -> requests.Response:
        return self.request("POST", path, token, **kwargs)

    def create_user(self, nickname: str, *, password: str = PASSWORD, email: str | None = None,
                    admin: bool = False, moderator: bool = False) -> None:
        """A confirmed, active local account, made by `manage.py user new`."""
        args = ["user", "new", nickname, email or f"{nickname}@example.com", "--password", password]
        if admin:
            args.append("--admin")
        if moderator:
            args.append("--moderator")
        self.manage(*args)

    def register_app(self, scopes: str = "read write follow push admin") -> dict:
        if scopes not in self._apps:
            response = self.post("/api/v1/apps", data={
                "client_name": "e2e", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob", "scopes": scopes})
            response.raise_for_status()
            self._apps[scopes] = response.json()
        return self._apps[scopes]

    def token(self, nickname: str, password: str = PASSWORD,
              scopes: str = "read write follow push") -> str:
        """A user access token from the password grant over HTTP."""
        app = self.register_app()
        response = self.post("/oauth/token", data={
            "grant_type": "password", "client_id": app["client_id"],
            "client_secret": app["client_secret"], "username": nickname, "password": password,
            "scope": scopes})
        if response.status_code != 200:
            raise RuntimeError(f"password grant failed: {response.status_code} {response.text}")
        return response.json()["access_token"]


def run_command(port: int, *, workers: int = 2, worker_concurrency: int = 1) -> list[str]:
    """What `make run` starts (Makefile `run`), listening on `port`."""
    return [sys.executable, "scripts/run.py", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
            "--worker-concurrency", str(worker_concurrency)]


def _make_server(tmp_root: Path, name: str, database: str, **env: str) -> Server:
    port, streaming_port = free_port(), free_port()
    url = f"http://127.0.0.1:{port}"
    data_dir = tmp_root / name
    server_env = base_env(
        DATABASE_URL=database, PLEROMA_URL=url, PLEROMA_DATA_DIR=str(data_dir),
        PLEROMA_RATE_LIMIT_ENABLED="false", PLEROMA_ALLOW_PRIVATE_NETWORKS="true",
        PLEROMA_STREAMING_PORT=str(streaming_port), PLEROMA_STREAMING_HEARTBEAT="1", **env,
    )
    return Server(url=url, port=port, env=server_env, data_dir=data_dir, database_url=database,
                  streaming_port=streaming_port)


@pytest.fixture(scope="session")
def _first_server(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.conf import settings
    from django.db import connection

    server = _make_server(
        tmp_path_factory.mktemp("servers"), "first", database_url(connection.settings_dict),
        REDIS_URL=os.environ.get("REDIS_URL", ""), SECRET_KEY=settings.SECRET_KEY,
    )
    server.start()
    yield server
    server.stop()


@pytest.fixture
def running_server(transactional_db, _first_server) -> Server:
    """The app served by gunicorn on the test database; needs committed data (transactional_db)."""
    if _first_server.process is None or _first_server.process.poll() is not None:
        _first_server.start()
    _first_server._apps.clear()  # the database is emptied between tests
    return _first_server


@pytest.fixture
def streaming_server(running_server) -> Server:
    """running_server with its streaming API served too (started once, kept for the session)."""
    process = running_server.streaming_process
    if process is None or process.poll() is not None:
        running_server.start_streaming()
    return running_server


def _truncate(url: str) -> None:
    with psycopg.connect(url.replace("postgres://", "postgresql://", 1), autocommit=True) as conn:
        rows = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()
        tables = [r[0] for r in rows if r[0] not in _KEEP_TABLES]
        if tables:
            names = ", ".join(f'"{t}"' for t in tables)
            conn.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")


@pytest.fixture(scope="session")
def _second_server(django_db_setup, tmp_path_factory):
    from django.db import connection

    settings_dict = dict(connection.settings_dict)
    database = f"{settings_dict['NAME']}_second"
    with _admin_connection(settings_dict) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{database}"')
    server = _make_server(
        tmp_path_factory.mktemp("servers"), "second", database_url(settings_dict, database),
        REDIS_URL="", PLEROMA_INSTANCE_NAME="second",
    )
    server.command = run_command(server.port, workers=1)
    try:
        server.manage("migrate", "--noinput", "-v", "0")
        server.start()
        yield server
    finally:
        server.stop()
        with _admin_connection(settings_dict) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


@pytest.fixture
def second_server(_second_server) -> Server:
    """A second instance with its own database, emptied after each test."""
    if _second_server.process is None or _second_server.process.poll() is not None:
        _second_server.start()
    _second_server._apps.clear()
    yield _second_server
    _truncate(_second_server.database_url)
