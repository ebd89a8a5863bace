"""Remote media copied here by a task (README "Remote media"): the attachments of received
notes and the avatars/headers of remote accounts are downloaded from a real HTTP server on
the loopback through the SSRF guard, held to the byte, type and pixel limits, served from
our media path with inert headers, and hotlinked whenever the copy is refused, not made yet
or purged. Remote custom emoji of names and bios are the account's `emojis`."""

from __future__ import annotations

import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management import call_command
from PIL import Image

from core import ids
from statuses import tasks
from statuses.models import MediaAttachment, Status
from tests.federation.incoming import REMOTE, create, deliver, note, remote_account

SANDBOX = "default-src 'none'; sandbox"
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"


def png(width: int = 64, height: int = 48, color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, format="PNG")
    return out.getvalue()


class MediaServer:
    """A real HTTP server on the loopback serving files as a remote instance does: each path
    answers with its bytes and the Content-Type it claims (or a status), and every request
    is counted."""

    def __init__(self) -> None:
        self.files: dict[str, tuple[int, bytes, str, bool]] = {}
        self.hits: dict[str, int] = {}
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                server.hits[self.path] = server.hits.get(self.path, 0) + 1
                status, body, content_type, declare_length = server.files.get(self.path, (404, b"", "text/plain", True))
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                if declare_length:
                    self.send_header("Content-Length", str(len(body)))
                else:
                    self.send_header("Connection", "close")
                self.end_headers()
                try:
                    for start in range(0, len(body), 16384):
                        self.wfile.write(body[start:start + 16384])
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the reader gave up past its limit

            def log_message(self, *args):
                pass

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.http.server_address[1]}"
        threading.Thread(target=self.http.serve_forever, daemon=True).start()

    def serve(self, path: str, body: bytes, content_type: str, *, status: int = 200,
              declare_length: bool = True) -> str:
        self.files[path] = (status, body, content_type, declare_length)
        return f"{self.base}{path}"

    def stop(self) -> None:
        self.http.shutdown()
        self.http.server_close()


@pytest.fixture
def origin(settings, data_dir):
    settings.ALLOW_PRIVATE_NETWORKS = True  # the origin is on the loopback
    server = MediaServer()
    yield server
    server.stop()


@pytest.fixture
def bob(db):
    return remote_account("bob", REMOTE)


def receive(anon, bob, capture, n: int, *attachments: dict) -> Status:
    """bob's note with these attachments received and processed, its tasks run."""
    with capture(execute=True):
        deliver(anon, bob, create(note(n, attachment=list(attachments))))
    return Status.objects.get(ap_id=f"https://remote.example/objects/{n}")


def image(url: str, **fields) -> dict:
    return {"type": "Document", "mediaType": "image/png", "url": url, "name": "a picture", **fields}


def shown_media(api, status: Status) -> list[dict]:
    body = api(scopes=["read"]).get(f"/api/v1/statuses/{ids.encode(status.pk)}").json()
    return body["media_attachments"]


def served(client, url: str):
    """GET of one of our media URLs through the app (its /media/ path)."""
    assert url.startswith(f"{settings.PLEROMA_URL}/media/"), url
    response = client.get(url[len(settings.PLEROMA_URL):])
    body = b"".join(response.streaming_content) if hasattr(response, "streaming_content") else response.content
    return response, body


class TestCopyingAttachments:
    """tasks.cache_remote_media, enqueued when a Create{Note} with attachments is stored"""

    def test_an_image_is_copied_and_shown_from_our_media_path(self, anon, api, bob, origin,
                                                              django_capture_on_commit_callbacks):
        url = origin.serve("/m/cat.png", png(64, 48), "image/png")
        status = receive(anon, bob, django_capture_on_commit_callbacks, 1, image(url, blurhash="LEHV6nWB2yk8"))
        [media] = shown_media(api, status)
        assert media["remote_url"] == url
        assert media["url"] != url and media["preview_url"] != url
        assert (media["type"], media["pleroma"]["mime_type"], media["blurhash"]) == ("image", "image/png",
                                                                                      "LEHV6nWB2yk8")
        assert media["meta"]["original"] == {"width": 64, "height": 48, "size": "64x48", "aspect": 1.333333}
        response, body = served(anon, media["url"])
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert response["Content-Security-Policy"] == SANDBOX
        assert response["X-Content-Type-Options"] == "nosniff"
        with Image.open(io.BytesIO(body)) as copy:
            assert (copy.format, copy.size) == ("PNG", (64, 48))
        preview, preview_body = served(anon, media["preview_url"])
        assert preview.status_code == 200
        with Image.open(io.BytesIO(preview_body)) as small:
            assert small.size == (64, 48)
        row = MediaAttachment.objects.get(status=status)
        assert (row.cache_state, row.cached_at is not None) == ("cached", True)

    def test_running_the_task_again_fetches_nothing(self, anon, api, bob, origin,
                                                    django_capture_on_commit_callbacks):
        url = origin.serve("/m/once.png", png(), "image/png")
        status = receive(anon, bob, django_capture_on_commit_callbacks, 1, image(url))
        row = MediaAttachment.objects.get(status=status)
        assert tasks.cache_remote_media(str(row.pk)) == "cached"
        assert origin.hits == {"/m/once.png": 1}
        row.refresh_from_db()
        assert default_storage.exists(row.file.name)

    def test_a_video_is_recognised_from_its_bytes(self, anon, api, bob, origin,
                                                  django_capture_on_commit_callbacks):
        url = origin.serve("/m/clip", MP4, "application/octet-stream")
        status = receive(anon, bob, django_capture_on_commit_callbacks, 1,
                         {"type": "Video", "url": url, "mediaType": "video/mp4"})
        [media] = shown_media(api, status)
        assert (media["type"], media["pleroma"]["mime_type"], media["remote_url"]) == ("video", "video/mp4", url)
        response, body = served(anon, media["url"])
        assert (response["Content-Type"], body) == ("video/mp4", MP4)

    def test_a_file_over_the_byte_limit_is_refused_and_stays_hotlinked(self, anon, api, bob, origin, settings,
                                                                       django_capture_on_commit_callbacks):
        settings.REMOTE_MEDIA_MAX_BYTES = 20_000
        big = png(400, 400, (1, 2, 3)) + b"\x00" * 30_000  # a valid PNG followed by padding
        declared = origin.serve("/m/big.png", big, "image/png")
        streamed = origin.serve("/m/big-stream.png", big, "image/png", declare_length=False)
        status = receive(anon, bob, django_capture_on_commit_callbacks, 1, image(declared), image(streamed))
        media = shown_media(api, status)
        assert [(m["url"], m["preview_url"], m["remote_url"]) for m in media] == [
            (declared, declared, declared), (streamed, streamed, streamed)]
        assert set(MediaAttachment.objects.filter(status=status).values_list("cache_state", flat=True)) == {"failed"}
        assert [m.file.name for m in MediaAttachment.objects.filter(status=status)] == ["", ""]

    def test_an_image_over_the_pixel_limit_is_refused_before_decoding(self, anon, api, bob, origin, settings,
                                                                      django_capture_on_commit_callbacks):
        settings.IMAGE_MAX_PIXELS = 100 * 100
        url = origin.serve("/m/wide.png", png(200, 100), "image/png")
        status = receive(anon, bob, django_capture_on_commit_callbacks, 1, image(url))
        assert shown_media(api, status)[0]["url"] == url
        assert MediaAttachment.objects.get(status=status).cache_state == "failed"

    def test_html_disguised_as_a_png_is_refused_and_stays_hotlinked(self, anon, api, bob, origin,
                                                                     django_capture_on_commit_callbacks):
        url = origin.serve("/m/evil.png", HTML, "image/png")
        svg = origin.serve("/m/evil.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>x()</script></svg>',
                           "image/svg+xml")
        status = receive(anon, bob, django_capture_on_commit_callbacks, 1, image(url), image(svg))
        assert [m["url"] for m in shown_media(api, status)] == [url, svg]
        rows = MediaAttachment.objects.filter(status=status)
        assert [(m.cache_state, m.file.name) for m in rows.order_by("position")] == [("failed", ""), ("failed", "")]

    def test_an_address_on_a_private_network_is_refused_by_the_guard(self, anon, api, bob, origin, settings,
                                                                      django_capture_on_commit_callbacks):
        url = origin.serve("/m/inside.png", png(), "image/png")
        settings.ALLOW_PRIVATE_NETWORKS = False
        status = receive(anon, bob, django_capture_on_commit_callbacks, 1, image(url))
        assert shown_media(api, status)[0]["url"] == url
        assert MediaAttachment.objects.get(status=status).cache_state == "failed"
        assert origin.hits == {}  # never asked

    def test_a_missing_file_is_given_up_at_once(self, anon, api, bob, origin, django_capture_on_commit_callbacks):
        url = f"{origin.base}/m/gone.png"
        status = receive(anon, bob, django_capture_on_commit_callbacks, 1, image(url))
        assert MediaAttachment.objects.get(status=status).cache_state == "failed"
        assert origin.hits == {"/m/gone.png": 1}

    def test_a_server_error_is_tried_again_then_given_up(self, anon, api, bob, origin,
                                                         django_capture_on_commit_callbacks):
        from celery.exceptions import Retry

        url = origin.serve("/m/busy.png", b"busy", "text/plain", status=503)
        with pytest.raises(Retry):  # eager: the retry the worker would schedule shows up here
            receive(anon, bob, django_capture_on_commit_callbacks, 1, image(url))
        status = Status.objects.get(ap_id="https://remote.example/objects/1")
        row = MediaAttachment.objects.get(status=status)
        assert row.cache_state == "pending"
        last_try = tasks.cache_remote_media.apply(args=[str(row.pk)], retries=tasks.REMOTE_MEDIA_RETRIES)
        assert last_try.get() == "failed"
        assert origin.hits == {"/m/busy.png": 2}
        assert MediaAttachment.objects.get(status=status).cache_state == "failed"
        assert shown_media(api, status)[0]["url"] == url

    def test_nothing_is_fetched_when_caching_is_off(self, anon, api, bob, origin, settings,
                                                    django_capture_on_commit_callbacks):
        settings.REMOTE_MEDIA_CACHE = False
        url = origin.serve("/m/cat.png", png(), "image/png")
        status = receive(anon, bob, django_capture_on_commit_callbacks, 1, image(url))
        assert shown_media(api, status)[0]["url"] == url
        assert origin.hits == {}
        assert MediaAttachment.objects.get(status=status).cache_state == ""

    def test_the_new_media_of_an_edit_are_copied(self, anon, api, bob, origin, django_capture_on_commit_callbacks):
        first = origin.serve("/m/1.png", png(10, 10), "image/png")
        second = origin.serve("/m/2.png", png(20, 10), "image/png")
        status = receive(anon, bob, django_capture_on_commit_callbacks, 1, image(first))
        edited = {**note(1, attachment=[image(second)]), "updated": "2026-01-08T12:00:00Z"}
        update = {"id": "https://remote.example/activities/update/1", "type": "Update", "actor": REMOTE,
                  "to": edited["to"], "cc": edited["cc"], "object": edited}
        with django_capture_on_commit_callbacks(execute=True):
            deliver(anon, bob, update)
        [media] = shown_media(api, status)
        assert media["remote_url"] == second and media["url"] != second
        assert media["meta"]["original"]["width"] == 20


class TestPurge:
    """manage.py remote_media purge --days N, and the beat job"""

    def test_purging_deletes_the_copy_and_links_to_the_origin_again(self, anon, api, bob, origin,
                                                                     django_capture_on_commit_callbacks):
        url = origin.serve("/m/cat.png", png(), "image/png")
        status = receive(anon, bob, django_capture_on_commit_callbacks, 1, image(url))
        row = MediaAttachment.objects.get(status=status)
        names = [row.file.name, row.preview.name]
        out = io.StringIO()
        call_command("remote_media", "purge", "--days", "30", stdout=out)
        assert out.getvalue().startswith("0 attachments")
        assert shown_media(api, status)[0]["url"] != url
        with django_capture_on_commit_callbacks(execute=True):
            call_command("remote_media", "purge", "--days", "0", stdout=out)
        assert "1 attachments" in out.getvalue()
        [media] = shown_media(api, status)
        assert (media["url"], media["preview_url"], media["remote_url"]) == (url, url, url)
        assert not any(default_storage.exists(name) for name in names)
        assert MediaAttachment.objects.get(pk=row.pk).cache_state == "purged"
        assert tasks.cache_remote_media(str(row.pk)) == "purged"  # not copied again
        assert origin.hits == {"/m/cat.png": 1}

    def test_the_beat_job_keeps_everything_unless_a_retention_is_set(self, anon, api, bob, origin, settings,
                                                                      django_capture_on_commit_callbacks):
        import datetime

        from django.utils import timezone

        url = origin.serve("/m/cat.png", png(), "image/png")
        status = receive(anon, bob, django_capture_on_commit_callbacks, 1, image(url))
        assert tasks.purge_remote_media() == 0  # PLEROMA_REMOTE_MEDIA_RETENTION_DAYS=0: keep
        settings.REMOTE_MEDIA_RETENTION_DAYS = 7
        assert tasks.purge_remote_media() == 0  # younger than a week
        MediaAttachment.objects.filter(status=status).update(cached_at=timezone.now() - datetime.timedelta(days=8))
        assert tasks.purge_remote_media() == 1
        assert shown_media(api, status)[0]["url"] == url

    def test_a_deleted_remote_post_takes_its_copies_with_it(self, anon, bob, origin,
                                                            django_capture_on_commit_callbacks):
        url = origin.serve("/m/cat.png", png(), "image/png")
        status = receive(anon, bob, django_capture_on_commit_callbacks, 1, image(url))
        row = MediaAttachment.objects.get(status=status)
        names = [row.file.name, row.preview.name]
        assert all(default_storage.exists(name) for name in names)
        with django_capture_on_commit_callbacks(execute=True):
            deliver(anon, bob, {"id": "https://remote.example/activities/delete/1", "type": "Delete",
                                "actor": REMOTE, "to": [], "object": status.ap_id})
        assert not Status.objects.filter(pk=status.pk).exists()
        assert not any(default_storage.exists(name) for name in names)
        assert MediaAttachment.objects.get(pk=row.pk).cache_state == "purged"

    def test_a_negative_age_is_refused(self, db):
        from django.core.management.base import CommandError

        with pytest.raises(CommandError, match="--days must be 0 or more"):
            call_command("remote_media", "purge", "--days", "-1")


def person(origin: MediaServer, *, icon: str | None, name: str = "Bob :blobcat:", summary: str = "<p>hi :wave:</p>",
           tags: list | None = None) -> dict:
    document = {
        "id": REMOTE, "type": "Person", "preferredUsername": "bob", "name": name, "summary": summary,
        "inbox": f"{REMOTE}/inbox", "followers": f"{REMOTE}/followers",
        "tag": tags if tags is not None else [
            {"type": "Emoji", "name": ":blobcat:", "icon": {"type": "Image", "url": f"{origin.base}/e/blobcat.png"}},
            {"type": "Emoji", "name": ":wave:", "icon": {"type": "Image", "url": f"{origin.base}/e/wave.png"}},
            {"type": "Emoji", "name": ":bad:", "icon": {"type": "Image", "url": "javascript:alert(1)"}},
        ],
    }
    if icon:
        document["icon"] = {"type": "Image", "url": icon}
        document["image"] = {"type": "Image", "url": icon}
    return document


def update_person(anon, bob, capture, document: dict, n: int = 1) -> None:
    with capture(execute=True):
        row = deliver(anon, bob, {"id": f"https://remote.example/activities/update-person/{n}", "type": "Update",
                                  "actor": REMOTE, "to": [], "cc": [], "object": document})
    assert row.state == "done"


class TestRemoteAccounts:
    """Update{Person}: the account's `emojis`, and its avatar and header copied here"""

    def test_emoji_of_the_name_and_bio_are_the_accounts_emojis(self, anon, api, bob, origin,
                                                               django_capture_on_commit_callbacks):
        update_person(anon, bob, django_capture_on_commit_callbacks, person(origin, icon=None))
        account = api(scopes=["read"]).get(f"/api/v1/accounts/{ids.encode(bob.pk)}").json()
        assert account["display_name"] == "Bob :blobcat:"
        assert account["emojis"] == [
            {"shortcode": "blobcat", "url": f"{origin.base}/e/blobcat.png",
             "static_url": f"{origin.base}/e/blobcat.png", "visible_in_picker": False},
            {"shortcode": "wave", "url": f"{origin.base}/e/wave.png",
             "static_url": f"{origin.base}/e/wave.png", "visible_in_picker": False}]
        update_person(anon, bob, django_capture_on_commit_callbacks,
                      person(origin, icon=None, name="Bob", tags=[]), n=2)
        assert api(scopes=["read"]).get(f"/api/v1/accounts/{ids.encode(bob.pk)}").json()["emojis"] == []

    def test_the_avatar_and_header_are_copied_then_replaced_and_purged(self, anon, api, bob, origin,
                                                                       django_capture_on_commit_callbacks):
        first = origin.serve("/a/1.png", png(32, 32), "image/png")
        update_person(anon, bob, django_capture_on_commit_callbacks, person(origin, icon=first))
        account = api(scopes=["read"]).get(f"/api/v1/accounts/{ids.encode(bob.pk)}").json()
        for field in ("avatar", "avatar_static", "header", "header_static"):
            assert account[field].startswith(f"{settings.PLEROMA_URL}/media/"), (field, account[field])
        response, body = served(anon, account["avatar"])
        assert (response.status_code, response["Content-Type"]) == (200, "image/png")
        assert response["Content-Security-Policy"] == SANDBOX
        with Image.open(io.BytesIO(body)) as copy:
            assert copy.size == (32, 32)
        bob.refresh_from_db()
        old = [bob.avatar.name, bob.header.name]

        second = origin.serve("/a/2.png", png(16, 16), "image/png")
        update_person(anon, bob, django_capture_on_commit_callbacks, person(origin, icon=second), n=2)
        account = api(scopes=["read"]).get(f"/api/v1/accounts/{ids.encode(bob.pk)}").json()
        assert account["avatar"].startswith(f"{settings.PLEROMA_URL}/media/")
        with Image.open(io.BytesIO(served(anon, account["avatar"])[1])) as copy:
            assert copy.size == (16, 16)
        assert not any(default_storage.exists(name) for name in old)

        with django_capture_on_commit_callbacks(execute=True):
            call_command("remote_media", "purge", "--days", "0", stdout=io.StringIO())
        account = api(scopes=["read"]).get(f"/api/v1/accounts/{ids.encode(bob.pk)}").json()
        assert (account["avatar"], account["header"]) == (second, second)

    def test_an_avatar_that_is_not_an_image_stays_hotlinked(self, anon, api, bob, origin,
                                                            django_capture_on_commit_callbacks):
        clip = origin.serve("/a/clip.png", MP4, "image/png")
        update_person(anon, bob, django_capture_on_commit_callbacks, person(origin, icon=clip))
        account = api(scopes=["read"]).get(f"/api/v1/accounts/{ids.encode(bob.pk)}").json()
        assert (account["avatar"], account["header"]) == (clip, clip)
