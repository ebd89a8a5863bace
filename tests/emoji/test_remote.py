"""Remote packs: listing and downloading from a real HTTP server on loopback, and zips that
must be refused with nothing written."""

from __future__ import annotations

import hashlib
import io
import json
import stat
import zipfile

import pytest

from emoji.models import Emoji, EmojiPack, PackDownload
from tests.emoji.conftest import make_zip, png
from tests.emoji.test_files import static_server, upload  # noqa: F401 (fixture)

DOWNLOAD = "/api/v1/pleroma/emoji/packs/download"
REMOTE = "/api/v1/pleroma/emoji/packs/remote"


def publish(server, *, files, archive, shared=True, fallback=None, features=("shareable_emoji_packs",),
            sha=None):
    """Lay out a fake instance's nodeinfo, pack and archive as static files."""
    root = server.root
    (root / ".well-known").mkdir(exist_ok=True)
    (root / ".well-known/nodeinfo").write_text(json.dumps(
        {"links": [{"rel": "http://nodeinfo.diaspora.software/ns/schema/2.0", "href": "http://x.invalid/"},
                   {"rel": "http://nodeinfo.diaspora.software/ns/schema/2.1",
                    "href": f"{server.url}/nodeinfo/2.1.json"}]}))
    (root / "nodeinfo").mkdir(exist_ok=True)
    (root / "nodeinfo/2.1.json").write_text(json.dumps({"metadata": {"features": list(features)}}))
    api = root / "api/v1/pleroma/emoji"
    (api / "packs").mkdir(parents=True, exist_ok=True)
    meta = {"description": "Remote pack", "license": "CC0", "share-files": shared}
    if shared:
        meta.update({"can-download": True,
                     "download-sha256": sha or hashlib.sha256(archive).hexdigest().upper()})
        (api / "packs/archive").write_bytes(archive)
    else:
        meta["can-download"] = False
    if fallback:
        (root / "fallback.zip").write_bytes(archive)
        meta.update({"fallback-src": f"{server.url}/fallback.zip",
                     "fallback-src-sha256": sha or hashlib.sha256(archive).hexdigest().lower()})
    body = {"files": files, "pack": meta, "files_count": len(files)}
    (api / "pack").write_text(json.dumps(body))
    return body


def nothing_installed(settings, name="local_copy"):
    assert not EmojiPack.objects.filter(name=name).exists()
    assert not Emoji.objects.exists()
    assert not (settings.EMOJI_DIR / name).exists()
    leftovers = [p.name for p in settings.EMOJI_DIR.iterdir()] if settings.EMOJI_DIR.exists() else []
    assert leftovers == []


@pytest.fixture
def remote(static_server, settings):  # noqa: F811
    settings.ALLOW_PRIVATE_NETWORKS = True
    return static_server


def good_archive():
    return make_zip({"pack.json": b"{}", "blank.png": png((1, 2, 3)), "dir/bear.png": png((4, 5, 6))})


FILES = {"blank": "blank.png", "bear": "dir/bear.png"}


@pytest.mark.django_db(transaction=True)
class TestDownloadPack:
    """POST /api/v1/pleroma/emoji/packs/download"""

    def test_installs_a_shared_pack_under_another_name(self, admin_api, remote, settings):
        publish(remote, files=FILES, archive=good_archive())
        response = admin_api.post(DOWNLOAD, {"url": remote.url, "name": "test_pack", "as": "local_copy"})
        assert response.status_code == 200, response.content
        assert response.json() == "ok"
        directory = settings.EMOJI_DIR / "local_copy"
        assert (directory / "blank.png").read_bytes() == png((1, 2, 3))
        assert (directory / "dir/bear.png").read_bytes() == png((4, 5, 6))
        assert json.loads((directory / "pack.json").read_text()) == {
            "files": {"bear": "dir/bear.png", "blank": "blank.png"},
            "pack": {"description": "Remote pack", "license": "CC0", "share-files": True},
            "files_count": 2}
        assert admin_api.get("/api/v1/pleroma/emoji").json()["bear"]["image_url"] == \
            "/emoji/local_copy/dir/bear.png"
        download = PackDownload.objects.get()
        assert (download.state, download.progress, download.name) == ("done", 2, "local_copy")

    def test_installs_from_the_fallback_source_with_empty_metadata(self, admin_api, remote, settings):
        publish(remote, files=FILES, archive=make_zip({"blank.png": png(), "dir/bear.png": png()}),
                shared=False, fallback=True)
        response = admin_api.post(DOWNLOAD, {"url": remote.url, "name": "test_pack", "as": "local_copy"},
                                  format="json")
        assert response.status_code == 200, response.content
        manifest = json.loads((settings.EMOJI_DIR / "local_copy/pack.json").read_text())
        assert manifest == {"files": {"bear": "dir/bear.png", "blank": "blank.png"}, "pack": {},
                            "files_count": 2}

    def test_refuses_a_checksum_mismatch_leaving_nothing(self, admin_api, remote, settings):
        publish(remote, files=FILES, archive=good_archive(), sha="00" * 32)
        response = admin_api.post(DOWNLOAD, {"url": remote.url, "name": "test_pack", "as": "local_copy"})
        assert response.status_code == 502
        assert response.json() == {"error": "SHA256 for the pack doesn't match the one sent by the server"}
        nothing_installed(settings)
        assert PackDownload.objects.get().state == "failed"

    def test_refuses_a_pack_neither_shared_nor_with_a_fallback(self, admin_api, remote, settings):
        publish(remote, files=FILES, archive=good_archive(), shared=False)
        response = admin_api.post(DOWNLOAD, {"url": remote.url, "name": "test_pack", "as": "local_copy"})
        assert response.status_code == 502
        assert response.json() == {"error": "The pack was not set as shared and there is no fallback "
                                            "src to download from"}
        nothing_installed(settings)

    def test_refuses_an_instance_without_the_feature(self, admin_api, remote, settings):
        publish(remote, files=FILES, archive=good_archive(), features=("pleroma_emoji_reactions",))
        response = admin_api.post(DOWNLOAD, {"url": remote.url, "name": "test_pack"})
        assert response.status_code == 502
        assert response.json() == {"error": "The requested instance does not support sharing emoji packs"}

    def test_refuses_private_addresses_unless_allowed(self, admin_api, remote, settings):
        publish(remote, files=FILES, archive=good_archive())
        settings.ALLOW_PRIVATE_NETWORKS = False
        response = admin_api.post(DOWNLOAD, {"url": remote.url, "name": "test_pack"})
        assert response.status_code == 400
        assert response.json() == {"error": "Refusing to fetch from a private address"}
        nothing_installed(settings, "test_pack")

    def test_refuses_bad_local_names_and_existing_packs(self, admin_api, remote, settings, make_pack):
        publish(remote, files=FILES, archive=good_archive())
        response = admin_api.post(DOWNLOAD, {"url": remote.url, "name": "test_pack", "as": "../../etc"})
        assert response.status_code == 400
        assert response.json() == {"error": "invalid pack name"}
        make_pack("taken")
        response = admin_api.post(DOWNLOAD, {"url": remote.url, "name": "test_pack", "as": "taken"})
        assert response.status_code == 409
        assert response.json() == {"error": 'A pack named "taken" already exists'}
        response = admin_api.post(DOWNLOAD, {"name": "test_pack"})
        assert response.status_code == 400
        assert response.json()["error"] == "Missing field: url."

    def test_needs_admin_write(self, api, remote):
        response = api(scopes=["read", "write"], is_admin=True).post(DOWNLOAD, {"url": remote.url, "name": "x"})
        assert response.status_code == 403
        assert response.json() == {"error": "Insufficient permissions: admin:write."}


def symlink_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("blank.png", png())
        link = zipfile.ZipInfo("dir/bear.png")
        link.create_system = 3
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    return out.getvalue()


def bomb_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("blank.png", png())
        archive.writestr("dir/bear.png", b"\0" * 8_000_000)
    return out.getvalue()


def lying_zip() -> bytes:
    """An entry whose header declares fewer bytes than it inflates to."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("blank.png", png())
        z.writestr("dir/bear.png", b"\0" * 900_000)
    raw = bytearray(out.getvalue())
    central = raw.find(b"PK\x01\x02", raw.find(b"PK\x01\x02") + 4)  # second central entry
    raw[central + 24:central + 28] = (100).to_bytes(4, "little")  # uncompressed size: 100
    return bytes(raw)


MALICIOUS = {
    "traversal": (make_zip({"blank.png": png(), "../../dir/bear.png": png()}), "Unsafe path in archive"),
    "absolute": (make_zip({"blank.png": png(), "/tmp/dir/bear.png": png()}), "Unsafe path in archive"),
    "symlink": (symlink_zip(), "Links are not allowed in archives"),
    "bomb": (bomb_zip(), "The archive looks like a zip bomb"),
    "lying sizes": (lying_zip(), "Corrupt entry in archive"),
    "not a zip": (b"PK\x03\x04 this is not really a zip", "The file is not a zip archive"),
}


@pytest.mark.django_db(transaction=True)
class TestMaliciousArchives:
    """POST /api/v1/pleroma/emoji/packs/download and packs/files with hostile zips"""

    @pytest.mark.parametrize("kind", list(MALICIOUS))
    def test_download_refuses_the_archive_and_writes_nothing(self, admin_api, remote, settings, kind):
        archive, message = MALICIOUS[kind]
        publish(remote, files=FILES, archive=archive)
        response = admin_api.post(DOWNLOAD, {"url": remote.url, "name": "test_pack", "as": "local_copy"})
        assert response.status_code == 502
        assert response.json()["error"].startswith(message)
        nothing_installed(settings)
        assert not (settings.DATA_DIR / "dir").exists()

    @pytest.mark.parametrize("kind", list(MALICIOUS))
    def test_upload_refuses_the_archive_and_writes_nothing(self, admin_api, make_pack, settings, kind):
        archive, message = MALICIOUS[kind]
        make_pack("test_pack")
        before = sorted(p.name for p in (settings.EMOJI_DIR / "test_pack").iterdir())
        response = admin_api.post("/api/v1/pleroma/emoji/packs/files?name=test_pack",
                                  {"file": upload("evil.zip", archive, "application/zip")}, format="multipart")
        assert response.status_code == 422
        assert response.json()["error"].startswith(message)
        assert sorted(p.name for p in (settings.EMOJI_DIR / "test_pack").iterdir()) == before
        assert not Emoji.objects.exists()


class TestRemotePacks:
    """GET /api/v1/pleroma/emoji/packs/remote?url="""

    def test_passes_the_remote_list_through(self, admin_api, remote):
        publish(remote, files=FILES, archive=good_archive())
        listing = {"packs": {"test_pack": {"files": FILES, "pack": {}, "files_count": 2}}, "count": 1}
        # a directory on the static server: the listing is its index page
        (remote.root / "api/v1/pleroma/emoji/packs/index.html").write_text(json.dumps(listing))
        response = admin_api.get(REMOTE, {"url": remote.url, "page_size": 5})
        assert response.status_code == 200, response.content
        assert response.json() == listing

    def test_refuses_an_instance_without_the_feature(self, admin_api, remote):
        publish(remote, files=FILES, archive=good_archive(), features=())
        response = admin_api.get(REMOTE, {"url": remote.url})
        assert response.status_code == 502
        assert response.json() == {"error": "The requested instance does not support sharing emoji packs"}

    def test_needs_admin_write(self, api, remote):
        response = api(scopes=["read"], is_admin=True).get(REMOTE, {"url": remote.url})
        assert response.status_code == 403
        assert response.json() == {"error": "Insufficient permissions: admin:write."}


@pytest.fixture
def worker_reaches_loopback(monkeypatch, settings):
    """The worker process (started after this) may fetch from the loopback test server."""
    monkeypatch.setenv("PLEROMA_ALLOW_PRIVATE_NETWORKS", "true")
    settings.ALLOW_PRIVATE_NETWORKS = True


class TestDownloadTask:
    """The download_emoji_pack task"""

    def test_a_real_worker_installs_the_pack_after_the_request_returns(
            self, worker_reaches_loopback, remote, celery_worker_process, admin_api, settings):
        publish(remote, files=FILES, archive=good_archive())
        response = admin_api.post(DOWNLOAD, {"url": remote.url, "name": "test_pack", "as": "queued"})
        assert response.status_code == 200 and response.json() == "ok"
        download = PackDownload.objects.get()
        celery_worker_process.wait_for(
            lambda: PackDownload.objects.filter(pk=download.pk, state="done").exists())
        assert (settings.EMOJI_DIR / "queued/dir/bear.png").read_bytes() == png((4, 5, 6))
        assert set(Emoji.objects.values_list("shortcode", flat=True)) == {"blank", "bear"}

    def test_running_it_again_changes_nothing(self, admin_api, remote, settings,
                                              django_capture_on_commit_callbacks):
        from emoji import tasks

        publish(remote, files=FILES, archive=good_archive())
        with django_capture_on_commit_callbacks() as queued:
            admin_api.post(DOWNLOAD, {"url": remote.url, "name": "test_pack"})
        assert len(queued) == 1  # the request only queued the job
        download = PackDownload.objects.get()
        tasks.download_emoji_pack(str(download.pk))
        tasks.download_emoji_pack(str(download.pk))  # a second delivery of a finished job
        PackDownload.objects.filter(pk=download.pk).update(state="running")  # crashed before "done"
        tasks.download_emoji_pack(str(download.pk))
        download.refresh_from_db()
        assert (download.state, download.progress) == ("done", 2)
        assert EmojiPack.objects.count() == 1 and Emoji.objects.count() == 2
