"""Fixtures of the account feature tests."""

import io

import pytest
from PIL import Image


@pytest.fixture(autouse=True)
def _on_commit_runs_at_once(request, monkeypatch):
    """The tests run inside one transaction that never commits, so work a service schedules
    with `transaction.on_commit` (Celery tasks, eager here) runs when it is scheduled.
    Tests with a real worker commit for real and keep Django's behaviour."""
    if "transactional_db" in request.fixturenames or "celery_worker_process" in request.fixturenames:
        return
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


def png(size=(12, 8), color=(10, 120, 200), fmt="PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, fmt)
    return buffer.getvalue()
