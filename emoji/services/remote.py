"""Packs on other servers: list them and download one (reference §3.7, §3.14, §3.16)."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from urllib.parse import urlencode, urljoin, urlsplit

from django.db import transaction
from django.utils import timezone

from core import http
from core.exceptions import ApiError
from emoji import archives, paths
from emoji.models import EmojiPack, PackDownload
from emoji.services.files import install_pack, items_from_zip

log = logging.getLogger(__name__)

NOT_SHAREABLE = "The requested instance does not support sharing emoji packs"
NOT_SHARED = "The pack was not set as shared and there is no fallback src to download from"
BAD_SHA = "SHA256 for the pack doesn't match the one sent by the server"


class DownloadError(ApiError):
    """The other server failed us. Pleroma answers these with 500; a 500 here would mean
    a fault of ours, so the failure of the remote side is a 502."""

    status = 502


def base_url(url: str) -> str:
    """scheme://host[:port] of the given URL (paths are merged onto it like Pleroma's URI.merge)."""
    url = (url or "").strip()
    try:
        parts = urlsplit(url if "://" in url else f"https://{url}")
    except ValueError as exc:  # "]x" or "http://[": an unbalanced IPv6 bracket
        raise ApiError("Invalid URL", status=400) from exc
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ApiError("Invalid URL", status=400)
    return f"{parts.scheme}://{parts.netloc}"


def _get_json(url: str) -> dict:
    try:
        return http.get_json(url, timeout=20)
    except http.OutboundError as exc:
        if exc.status == 400:  # refused address or malformed URL: the caller's input
            raise
        raise DownloadError(exc.message) from exc


def check_shareable(base: str) -> None:
    """The remote nodeinfo (last link of .well-known/nodeinfo) lists shareable_emoji_packs."""
    try:
        index = _get_json(urljoin(base, "/.well-known/nodeinfo"))
        links = index.get("links") if isinstance(index, dict) else None
        href = links[-1]["href"] if isinstance(links, list) and links else None
        nodeinfo = _get_json(href) if isinstance(href, str) else {}
    except DownloadError as exc:
        raise DownloadError(NOT_SHAREABLE) from exc
    features = (nodeinfo.get("metadata") or {}).get("features") if isinstance(nodeinfo, dict) else None
    if not isinstance(features, list) or "shareable_emoji_packs" not in features:
        raise DownloadError(NOT_SHAREABLE)


def list_remote(url: str, *, page: int = 1, page_size: int = 30):
    """The remote GET /api/v1/pleroma/emoji/packs body, passed through."""
    base = base_url(url)
    check_shareable(base)
    query = urlencode({"page": page, "page_size": page_size})
    return _get_json(urljoin(base, f"/api/v1/pleroma/emoji/packs?{query}"))


def _remote_pack(base: str, name: str) -> dict:
    endpoint = urljoin(base, "/api/v1/pleroma/emoji/pack")
    probe = _get_json(f"{endpoint}?{urlencode({'name': name, 'page_size': 0})}")
    count = probe.get("files_count") if isinstance(probe, dict) else None
    if not isinstance(count, int) or count < 0:
        raise DownloadError("The remote pack has no file count")
    full = _get_json(f"{endpoint}?{urlencode({'name': name, 'page_size': max(count, 1)})}")
    if not isinstance(full, dict) or not isinstance(full.get("files"), dict):
        raise DownloadError("The remote pack is malformed")
    return full


def request_download(user, url: str, name: str, as_name: str | None = None, *,
                     enqueue: bool = True) -> PackDownload:
    """Check the remote pack and queue its installation as pack `as_name or name`
    (the `emoji get-packs` command runs it itself, with a progress bar)."""
    from emoji import tasks

    local = paths.pack_name(as_name or name)
    remote = (name or "").strip()
    if not remote:
        raise ApiError("pack name cannot be empty", status=400)
    if EmojiPack.objects.filter(name=local).exists() or (paths.emoji_root() / local).exists():
        raise ApiError(f'A pack named "{local}" already exists', status=409)
    base = base_url(url)
    check_shareable(base)
    pack = _remote_pack(base, remote)
    meta = pack.get("pack") if isinstance(pack.get("pack"), dict) else {}
    if meta.get("share-files") and meta.get("can-download") and meta.get("download-sha256"):
        archive_url = urljoin(base, "/api/v1/pleroma/emoji/packs/archive?" + urlencode({"name": remote}))
        sha, fallback = str(meta["download-sha256"]), False
    elif isinstance(meta.get("fallback-src"), str) and meta.get("fallback-src-sha256"):
        archive_url, sha, fallback = meta["fallback-src"], str(meta["fallback-src-sha256"]), True
    else:
        raise DownloadError(NOT_SHARED)
    download = PackDownload.objects.create(
        url=base, remote_name=remote, name=local, archive_url=archive_url, sha256=sha,
        fallback=fallback, files={str(k): str(v) for k, v in pack["files"].items()},
        metadata={k: v for k, v in meta.items() if k not in ("can-download", "download-sha256")},
        requested_by=user)
    if enqueue:
        transaction.on_commit(lambda: tasks.download_emoji_pack.delay(str(download.pk)))
    return download


def _fail(download: PackDownload, message: str) -> None:
    download.state, download.error, download.finished_at = PackDownload.State.FAILED, message, timezone.now()
    download.save(update_fields=["state", "error", "finished_at"])


def run_download(download: PackDownload, progress: Callable[[int, int], None] | None = None) -> None:
    """Fetch the archive, check its SHA-256 and every entry, then install the pack at once."""
    installed = EmojiPack.objects.filter(name=download.name, created_at__gte=download.created_at).first()
    if download.state == PackDownload.State.RUNNING and installed is not None:
        # An earlier delivery installed it and stopped before recording that.
        download.state, download.finished_at = PackDownload.State.DONE, timezone.now()
        download.progress = installed.emoji.count()
        download.save(update_fields=["state", "progress", "finished_at"])
        return
    download.state = PackDownload.State.RUNNING
    download.save(update_fields=["state"])
    try:
        fetched = http.get(download.archive_url, max_bytes=archives.MAX_ARCHIVE_BYTES, timeout=60)
        if fetched.status >= 400:
            raise DownloadError(f"Remote server answered {fetched.status}")
        if hashlib.sha256(fetched.content).hexdigest().upper() != download.sha256.upper():
            raise DownloadError(BAD_SHA)
        def checked(done: int, total: int) -> None:
            if progress:
                progress(done, total)
            if done % 25 == 0 or done == total:
                PackDownload.objects.filter(pk=download.pk).update(progress=done)

        items = items_from_zip(fetched.content, only=download.files, progress=checked)
        metadata = {} if download.fallback else dict(download.metadata)
        install_pack(download.name, items, metadata)
    except http.RemoteTimeout:
        download.state = PackDownload.State.PENDING
        download.save(update_fields=["state"])
        raise
    except ApiError as exc:
        log.info("emoji pack download %s failed: %s", download.pk, exc.message)
        _fail(download, exc.message)
        return
    download.state, download.progress = PackDownload.State.DONE, len(items)
    download.finished_at = timezone.now()
    download.save(update_fields=["state", "progress", "finished_at"])
