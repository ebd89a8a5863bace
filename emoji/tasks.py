"""Background jobs of the emoji app."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from core.http import RemoteTimeout


@shared_task(queue="emoji", acks_late=True, max_retries=3, autoretry_for=(OperationalError, RemoteTimeout),
             retry_backoff=True)
def download_emoji_pack(download_id: str) -> None:
    """Install the remote pack of one PackDownload row; safe to run twice."""
    from emoji.models import PackDownload
    from emoji.services import remote

    download = PackDownload.objects.filter(pk=download_id).first()
    if download is None or download.state in (PackDownload.State.DONE, PackDownload.State.FAILED):
        return  # deleted meanwhile, or finished by an earlier delivery
    remote.run_download(download)
