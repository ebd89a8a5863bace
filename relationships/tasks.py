"""Celery tasks of relationships: follow, block and mute imports.

Each takes ids, reloads its rows, returns early when there is nothing (left) to do, and
is safe to run again: a worker that dies mid-task leaves work a second run finishes.
"""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from relationships.models import Import

TRANSIENT = (OperationalError,)


# The name it had in accounts.tasks, so that imports queued before the move still run.
@shared_task(name="accounts.tasks.run_import", queue="imports", acks_late=True, max_retries=5,
             autoretry_for=TRANSIENT, retry_backoff=True)
def run_import(import_id: str) -> None:
    """Follow, block or mute the accounts of one import; items already done are skipped."""
    from relationships import imports

    batch = Import.objects.filter(pk=import_id).first()
    if batch is None:
        return
    imports.run_import(batch)
