"""Signed requests through the test client, as another server (or a local actor) sends them."""

from __future__ import annotations

import pytest
from django.conf import settings

from federation import documents, keys, signatures

AP = "application/activity+json"


def signed_get(client, path: str, *, key_id: str, private_key_pem: str, accept: str = AP):
    """GET `path` signed like federation.client does (Date now, Host of PLEROMA_URL)."""
    headers = signatures.sign_headers("GET", f"{settings.PLEROMA_URL}{path}", key_id=key_id,
                                      private_key_pem=private_key_pem)
    return client.get(path, HTTP_ACCEPT=accept, HTTP_HOST=headers["Host"], HTTP_DATE=headers["Date"],
                      HTTP_SIGNATURE=headers["Signature"])


@pytest.fixture
def sign_as():
    """sign_as(user) -> (key_id, private PEM) of a local account's real key."""

    def make(user):
        return documents.key_id_of(user.ap_id), keys.key_for_user(user).private_key_pem

    return make


@pytest.fixture
def federating_worker(running_server, data_dir):
    """A real worker on every queue configured as `running_server` is (its PLEROMA_URL,
    private networks allowed), so that what it sends and signs names that server. It shares
    that server's data dir, as a worker and the web processes of one instance must: a file
    the worker writes (a copy of remote media) is one the server serves."""
    import os

    from pleroma_py.celery import app as celery_app
    from tests.workers import WorkerProcess, _purge

    broker_url = os.environ.get("REDIS_URL", "")
    if not broker_url:
        pytest.fail("federating_worker needs REDIS_URL (a Redis server for the broker)")
    _purge(broker_url)
    worker = WorkerProcess(env=running_server.env, log_path=data_dir / "worker.log", broker_url=broker_url)
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    worker.start()
    try:
        yield worker
    finally:
        worker.stop()
        celery_app.conf.task_always_eager = eager
        _purge(broker_url)


@pytest.fixture
def peer(settings):
    """A remote server on the loopback (private networks allowed) serving the ActivityPub
    documents a test gives it, with one known account, `peer.carol`."""
    from tests.federation.incoming import Peer, remote_account

    settings.ALLOW_PRIVATE_NETWORKS = True
    server = Peer()
    server.carol = remote_account("carol", f"{server.base}/users/carol")
    yield server
    server.stop()
