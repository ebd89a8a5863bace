"""A third-party ActivityPub server (Fedify, tests/interop/peer) and this server, both on
https with their own names, talking over real HTTP.

`pleroma` is this server (gunicorn with TLS on https://pleroma.test, the pytest test
database, a real Celery worker on the tests' Redis); `fedify` is the peer on
https://fedify.test, driven through its control API. Both need root on the machine (the
names go in /etc/hosts, the servers listen on port 443 of 127.0.0.2 / 127.0.0.3), openssl,
node and npm; the peer's packages come from its lock file (`npm ci`) when missing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from tests.e2e.servers import Server, base_env, database_url, free_port, stop_process
from tests.interop import tls
from tests.workers import WorkerProcess, _purge

PEER_DIR = Path(__file__).resolve().parent / "peer"
OUR_HOST, PEER_HOST = "pleroma.test", "fedify.test"
START_TIMEOUT = 60
# how long an effect may lag once nothing is pending (notifications, counters after commit)
SETTLED_TIMEOUT = 5


def wait_until(predicate: Callable, timeout: float = 30, interval: float = 0.2, message: Callable[[], str] = str):
    """Poll `predicate()` until it returns something truthy; fail with `message()` after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met in {timeout}s\n{message()}")
        time.sleep(interval)


@pytest.fixture(scope="session")
def certificates(tmp_path_factory) -> tls.Certificates:
    """The CA and certificate of both servers; the test names in /etc/hosts."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make the interop certificates")
    if tls.missing_hosts() and not os.access(tls.HOSTS_FILE, os.W_OK):
        pytest.skip(f"root is needed to add {', '.join(tls.HOSTS)} to /etc/hosts")
    if os.geteuid() != 0:
        pytest.skip("root is needed to listen on port 443 of the test addresses")
    tls.ensure_hosts()
    certificates = tls.make_certificates(tmp_path_factory.mktemp("tls"), list(tls.HOSTS))
    saved = os.environ.get("REQUESTS_CA_BUNDLE")
    os.environ["REQUESTS_CA_BUNDLE"] = str(certificates.ca)  # the tests' own requests to both servers
    yield certificates
    if saved is None:
        os.environ.pop("REQUESTS_CA_BUNDLE", None)
    else:
        os.environ["REQUESTS_CA_BUNDLE"] = saved


# --- this server ----------------------------------------------------------------------------

@dataclass
class InteropServer(Server):
    """This server, with the worker that processes its inbox and delivery queues."""

    worker: WorkerProcess | None = None

    def diagnostics(self) -> str:
        worker = self.worker.log()[-3000:] if self.worker is not None else ""
        return f"server log:\n{self.log()[-3000:]}\nworker log:\n{worker}"

    def settle(self, timeout: float = 30) -> None:
        """Wait until every received activity is processed and every delivery has finished
        (an answer this server sends is written in the transaction that processes the
        activity, so there is never a moment with neither pending)."""
        from federation.models import Delivery, IncomingActivity

        def idle() -> bool:
            return not (IncomingActivity.objects.filter(state=IncomingActivity.State.PENDING).exists()
                        or Delivery.objects.filter(state=Delivery.State.PENDING).exists())

        wait_until(idle, timeout=timeout, message=self.diagnostics)

    def until(self, predicate: Callable, timeout: float = SETTLED_TIMEOUT):
        """`predicate()` once federation has settled (what a missing feature never does
        fails within `timeout`, not after a long wait)."""
        self.settle()
        return wait_until(predicate, timeout=timeout, message=self.diagnostics)


@pytest.fixture(scope="session")
def _pleroma_server(django_db_setup, django_db_blocker, tmp_path_factory, certificates):
    from django.conf import settings
    from django.db import connection

    address = tls.HOSTS[OUR_HOST]
    data_dir = tmp_path_factory.mktemp("interop") / "pleroma"
    env = base_env(
        DATABASE_URL=database_url(connection.settings_dict), PLEROMA_URL=f"https://{OUR_HOST}",
        PLEROMA_DATA_DIR=str(data_dir), PLEROMA_RATE_LIMIT_ENABLED="false",
        PLEROMA_ALLOW_PRIVATE_NETWORKS="true", PLEROMA_STREAMING_PORT=str(free_port()),
        REDIS_URL=os.environ.get("REDIS_URL", ""), SECRET_KEY=settings.SECRET_KEY,
        REQUESTS_CA_BUNDLE=str(certificates.ca), SSL_CERT_FILE=str(certificates.ca),
    )
    server = InteropServer(
        url=f"https://{OUR_HOST}", port=443, env=env, data_dir=data_dir,
        database_url=env["DATABASE_URL"],
        command=[sys.executable, "-m", "gunicorn", "pleroma_py.wsgi:application",
                 "--bind", f"{address}:443", "--certfile", str(certificates.cert),
                 "--keyfile", str(certificates.key), "--workers", "1", "--threads", "4",
                 "--worker-class", "gthread", "--timeout", "60", "--graceful-timeout", "2",
                 "--keep-alive", "30", "--access-logfile", "-"],
    )
    server.start()
    yield server
    server.stop()


@pytest.fixture
def pleroma(transactional_db, _pleroma_server, tmp_path):
    """This server on https://pleroma.test with a real worker, on a clean test database."""
    from pleroma_py.celery import app as celery_app

    broker_url = os.environ.get("REDIS_URL", "")
    if not broker_url:
        pytest.fail("the interop tests need REDIS_URL (scripts/test.sh starts Redis)")
    if _pleroma_server.process is None or _pleroma_server.process.poll() is not None:
        _pleroma_server.start()
    _pleroma_server._apps.clear()
    _purge(broker_url)
    worker = WorkerProcess(env=_pleroma_server.env, log_path=tmp_path / "worker.log", broker_url=broker_url)
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    worker.start()
    _pleroma_server.worker = worker
    try:
        yield _pleroma_server
    finally:
        worker.stop()
        _pleroma_server.worker = None
        celery_app.conf.task_always_eager = eager
        _purge(broker_url)


# --- the Fedify peer ------------------------------------------------------------------------

@dataclass
class Peer:
    """The Fedify server at `.url`; its control API makes actors and sends activities."""

    url: str
    log_path: Path
    process: subprocess.Popen | None = None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def control(self, method: str, path: str, body: dict | None = None):
        response = requests.request(method, f"{self.url}/_control/{path}", json=body, timeout=60)
        if response.status_code != 200:
            raise AssertionError(f"peer {path}: {response.status_code} {response.text}\n{self.log()[-3000:]}")
        return response.json()

    def create_actor(self, identifier: str, *, locked: bool = False, aliases: list[str] | None = None) -> dict:
        """{id, inbox, handle} of a new Person on the peer; `aliases` (its alsoKnownAs) may
        be given again for an existing one."""
        return self.control("POST", "actors", {"identifier": identifier, "locked": locked, "aliases": aliases})

    def send(self, sender: str, to: list[str], activity: dict) -> dict:
        """Send `activity` (JSON-LD) signed by `sender` to these actors' inboxes, now."""
        return self.control("POST", "send", {"as": sender, "to": to, "activity": activity})

    def send_raw(self, sender: str, to: list[str], activity: dict) -> list[dict]:
        """POST `activity` exactly as given (terms Fedify's vocabulary lacks kept), signed by
        `sender`, to these actors' own inboxes: [{to, status, body}]."""
        return self.control("POST", "send-raw", {"as": sender, "to": to, "activity": activity})

    def inbox_posts(self, type: str | None = None) -> list[dict]:
        """Every POST to the peer's inboxes as it was sent, with the status Fedify answered."""
        return [post for post in self.control("GET", "inbox-posts")
                if type is None or post["activity"].get("type") == type]

    def lookup(self, query: str, *, signed_by: str | None = None) -> dict:
        """Fedify's ctx.lookupObject: {found, type, object}."""
        return self.control("POST", "lookup", {"query": query, "as": signed_by})

    def fetch(self, url: str, *, signed_by: str | None = None) -> dict:
        """A plain GET (signed by one of the peer's actors when named): {status, contentType, body}."""
        return self.control("POST", "fetch", {"url": url, "as": signed_by})

    def received(self, type: str | None = None) -> list[dict]:
        """What the peer's inboxes accepted (their signatures verified by Fedify)."""
        return [item for item in self.control("GET", "received") if type is None or item["type"] == type]

    def wait_received(self, type: str, predicate: Callable[[dict], bool] = lambda item: True, *,
                      server: InteropServer, timeout: float = SETTLED_TIMEOUT) -> dict:
        """The first activity of `type` (matching `predicate`) the peer received, once
        `server` has delivered what it had to."""
        def diagnostics() -> str:
            return "\n".join([f"peer received: {[i['type'] for i in self.received()]}",
                              f"peer errors: {self.control('GET', 'errors')}",
                              f"peer log:\n{self.log()[-3000:]}", server.diagnostics()])

        server.settle()
        return wait_until(lambda: next((i for i in self.received(type) if predicate(i)), None),
                          timeout=timeout, message=diagnostics)


@pytest.fixture(scope="session")
def _peer(certificates, tmp_path_factory):
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("node and npm are needed for the Fedify peer")
    if not (PEER_DIR / "node_modules" / "@fedify" / "fedify").exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=PEER_DIR, check=True, timeout=600,
                       capture_output=True)
    log_path = tmp_path_factory.mktemp("interop-peer") / "fedify.log"
    env = {**os.environ, "PEER_ORIGIN": f"https://{PEER_HOST}", "PEER_HOST": tls.HOSTS[PEER_HOST],
           "PEER_PORT": "443", "TLS_CERT": str(certificates.cert), "TLS_KEY": str(certificates.key),
           "NODE_EXTRA_CA_CERTS": str(certificates.ca)}
    peer = Peer(url=f"https://{PEER_HOST}", log_path=log_path)
    with log_path.open("ab") as log:
        peer.process = subprocess.Popen(["node", "server.mjs"], cwd=PEER_DIR, env=env, stdout=log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if peer.process.poll() is not None:
            raise RuntimeError(f"the Fedify peer exited with {peer.process.returncode}:\n{peer.log()[-4000:]}")
        try:
            requests.get(f"{peer.url}/_control/received", timeout=2).raise_for_status()
            break
        except requests.RequestException:
            if time.monotonic() > deadline:
                raise RuntimeError(f"the Fedify peer did not answer:\n{peer.log()[-4000:]}") from None
            time.sleep(0.2)
    yield peer
    stop_process(peer.process)


@pytest.fixture
def fedify(_peer) -> Peer:
    """The Fedify peer with no actors and nothing received."""
    _peer.control("POST", "reset")
    return _peer



@pytest.fixture
def as_pleroma(settings, pleroma):
    """This process configured as the `pleroma` server is (its URL, private networks allowed),
    so federation code called from a test signs and names what that server does."""
    settings.PLEROMA_URL = pleroma.url
    settings.INSTANCE_DOMAIN = OUR_HOST
    settings.ALLOW_PRIVATE_NETWORKS = True
    return settings
