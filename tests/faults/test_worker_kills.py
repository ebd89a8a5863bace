"""Celery workers killed mid-task: the task runs again after a restart and ends where an
uninterrupted run would. (The backup archive case is in tests/backups/test_worker.py.)"""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from accounts import services
from accounts.models import User
from relationships.models import Follow, Import, ImportItem
from tests.factories import AppFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
TARGETS = 400


def client_for(user) -> APIClient:
    token, _ = services.issue_token(AppFactory(), user, ["read", "write", "follow"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token.token}")
    return client


class TestImportWorkerKilled:
    """POST /api/v1/pleroma/follow_import with the worker killed half-way through"""

    def test_the_retried_import_follows_everyone_once(self, celery_worker_process):
        importer = UserFactory(nickname="importer")
        User.objects.bulk_create([User(nickname=f"target{i}", email=f"target{i}@example.com",
                                       password=importer.password) for i in range(TARGETS)])
        listing = "\n".join(f"target{i}" for i in range(TARGETS))
        response = client_for(importer).post("/api/v1/pleroma/follow_import", {"list": listing})
        assert response.status_code == 200

        def half_way():
            batch = Import.objects.filter(user=importer).first()
            return batch if batch is not None and 10 <= batch.processed else None

        celery_worker_process.wait_for(half_way, timeout=60, interval=0.02)
        celery_worker_process.kill()
        stopped = Import.objects.get(user=importer)
        assert stopped.state == Import.State.RUNNING
        assert stopped.processed < TARGETS

        celery_worker_process.restart()
        celery_worker_process.wait_for(
            lambda: Import.objects.filter(user=importer, state=Import.State.DONE).exists(), timeout=60)

        batch = Import.objects.get(user=importer)
        assert (batch.total, batch.processed) == (TARGETS, TARGETS)
        followed = Follow.objects.filter(follower=importer, state=Follow.State.ACCEPTED)
        assert followed.count() == TARGETS
        assert set(followed.values_list("followed__nickname", flat=True)) == {
            f"target{i}" for i in range(TARGETS)}
        importer.refresh_from_db()
        assert importer.following_count == TARGETS
        assert set(User.objects.filter(nickname__startswith="target")
                   .values_list("followers_count", flat=True)) == {1}
        outcomes = list(ImportItem.objects.filter(batch=batch).values_list("outcome", flat=True))
        # An item whose follow committed just before the kill, but not its outcome, is
        # found already followed by the second run: "already" instead of "done".
        assert set(outcomes) <= {"done", "already"}
        assert outcomes.count("already") <= 1
