"""Celery tasks of backups: build an archive, mail its owner, prune expired ones."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from backups import services
from backups.models import Backup

TRANSIENT = (OperationalError, OSError)  # database connection, full or flaky disk


@shared_task(bind=True, queue="backups", acks_late=True, max_retries=5,
             autoretry_for=TRANSIENT, retry_backoff=True)
def build_backup(self, backup_id: int) -> None:
    """Build the archive for one Backup row; safe to run twice. A bug, or a transient error
    that outlasts the retries, marks the backup failed (it then no longer blocks a new one)."""
    backup = Backup.objects.select_related("user").filter(pk=backup_id).first()
    if backup is None or backup.state == Backup.State.COMPLETE:
        return  # deleted meanwhile, or finished by an earlier delivery
    try:
        services.build_archive(backup)
    except TRANSIENT as exc:
        if self.request.retries >= self.max_retries:
            services.fail(backup_id, f"{type(exc).__name__}: {exc}")
        raise
    except Exception as exc:
        services.fail(backup_id, f"{type(exc).__name__}: {exc}")
        raise


@shared_task(queue="mail", acks_late=True, max_retries=5, autoretry_for=(OSError,), retry_backoff=True)
def notify_backup_ready(backup_id: int) -> None:
    """Mail the owner of a finished backup."""
    backup = Backup.objects.select_related("user").filter(pk=backup_id, state=Backup.State.COMPLETE).first()
    if backup is not None:
        services.send_ready_mail(backup)


@shared_task(queue="backups", acks_late=True)
def prune_backups() -> int:
    """Delete expired backups and leftovers of interrupted builds."""
    return services.prune_backups()
