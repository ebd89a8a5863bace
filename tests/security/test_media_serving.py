"""GET /media/... and /emoji/...: files users sent are served so that none can run script on
the instance's origin (stored XSS through an uploaded .xhtml, .svg, .html, .js...)."""

from __future__ import annotations

import io
import os
from contextlib import contextmanager

import pytest
import requests
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

from tests.factories import UserFactory

SCRIPT = "alert(document.cookie)"
XHTML = (b'<html xmlns="http://www.w3.org/1999/xhtml"><body><script>' + SCRIPT.encode()
         + b"</script></body></html>")
SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" onload="' + SCRIPT.encode() + b'">'
       b"<script>" + SCRIPT.encode() + b"</script></svg>")
HTML = b"<!doctype html><html><body><script>" + SCRIPT.encode() + b"</script></body></html>"
SANDBOX = "default-src 'none'; sandbox"


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 0, 0)).save(out, format="PNG")
    return out.getvalue()


def upload(client, name: str, data: bytes, content_type: str):
    return client.post("/api/v1/media", {"file": SimpleUploadedFile(name, data, content_type)},
                       format="multipart")


def media_path(url: str) -> str:
    return url[url.index("/media/"):]


def fetch(client, path: str):
    response = client.get(path)
    if hasattr(response, "streaming_content"):
        body = b"".join(response.streaming_content)
    else:
        body = response.content
    return response, body


class TestServedUploads:
    """GET /media/<path>"""

    @pytest.mark.parametrize("name,data,content_type", [
        ("x.xhtml", XHTML, "application/xhtml+xml"),
        ("x.js", b"alert(1)", "text/javascript"),
        ("x.xml", b'<?xml version="1.0"?><a xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></a>',
         "application/xml"),
        ("x.xsl", b'<?xml version="1.0"?><xsl:stylesheet version="1.0"/>', "application/xslt+xml"),
        ("x.rdf", b'<?xml version="1.0"?><rdf:RDF/>', "application/rdf+xml"),
        ("x.swf", b"FWS\x0a" + b"\0" * 32, "application/x-shockwave-flash"),
        ("x.html", HTML, "text/html"),
        ("x.txt", SVG, "text/plain"),
    ])
    def test_a_scriptable_upload_is_stored_but_served_as_a_download(self, api, data_dir, name, data,
                                                                   content_type):
        client = api(scopes=["write:media"])
        response = upload(client, name, data, content_type)
        assert response.status_code == 200, response.json()
        served, body = fetch(client, media_path(response.json()["url"]))
        assert served.status_code == 200
        assert body == data
        assert served["Content-Type"] == "application/octet-stream"
        assert served["Content-Disposition"] == "attachment"
        assert served["Content-Security-Policy"] == SANDBOX
        assert served["X-Content-Type-Options"] == "nosniff"

    def test_an_image_is_served_inline_with_the_sandbox_policy(self, api, data_dir):
        client = api(scopes=["write:media"])
        url = upload(client, "cat.png", png_bytes(), "image/png").json()["url"]
        served, _ = fetch(client, media_path(url))
        assert served["Content-Type"] == "image/png"
        assert not served.get("Content-Disposition", "").startswith("attachment")
        assert served["Content-Security-Policy"] == SANDBOX
        assert served["X-Content-Type-Options"] == "nosniff"

    def test_an_svg_upload_is_refused_and_a_stored_svg_is_not_served_as_svg(self, api, anon, data_dir):
        client = api(scopes=["write:media"])
        assert upload(client, "x.svg", SVG, "image/svg+xml").status_code == 415
        (data_dir / "media" / "attachments").mkdir(parents=True)
        (data_dir / "media" / "attachments" / "old.svg").write_bytes(SVG)
        served, _ = fetch(anon, "/media/attachments/old.svg")
        assert served["Content-Type"] == "application/octet-stream"
        assert served["Content-Disposition"] == "attachment"
        assert served["Content-Security-Policy"] == SANDBOX

    def test_a_missing_file_is_a_json_404(self, anon, data_dir):
        response = anon.get("/media/attachments/none.png")
        assert response.status_code == 404
        assert response.json() == {"error": "Record not found"}


class TestServedEmoji:
    """GET /emoji/<pack>/<file>"""

    def test_an_emoji_file_carries_the_sandbox_policy(self, anon, data_dir):
        (data_dir / "emoji" / "pack").mkdir(parents=True)
        (data_dir / "emoji" / "pack" / "blob.png").write_bytes(png_bytes())
        served, _ = fetch(anon, "/emoji/pack/blob.png")
        assert served.status_code == 200
        assert served["Content-Type"] == "image/png"
        assert served["Content-Security-Policy"] == SANDBOX
        assert served["X-Content-Type-Options"] == "nosniff"


class TestMediaBaseUrl:
    """PLEROMA_MEDIA_BASE_URL: links to uploads and emoji on another origin"""

    def test_media_avatar_and_emoji_urls_use_the_media_base(self, api, data_dir, settings):
        from emoji import registry
        from emoji import services as emoji_services

        settings.MEDIA_BASE_URL = "https://media.example"
        client = api(scopes=["read", "write"])
        body = upload(client, "cat.png", png_bytes(), "image/png").json()
        assert body["url"].startswith("https://media.example/media/attachments/")
        assert body["preview_url"].startswith("https://media.example/media/")
        account = client.patch("/api/v1/accounts/update_credentials",
                               {"avatar": SimpleUploadedFile("a.png", png_bytes(), "image/png")},
                               format="multipart").json()
        assert account["avatar"].startswith("https://media.example/media/avatars/")
        assert account["header"].startswith("http://localhost:8000/static/")
        pack = emoji_services.create_pack("base")
        emoji_services.add_file(pack, data=png_bytes(), filename="blob.png", shortcode="blob")
        registry.invalidate()
        emoji = client.get("/api/v1/custom_emojis").json()
        assert emoji[0]["url"] == "https://media.example/emoji/base/blob.png"


@contextmanager
def browser_page():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
            args=["--no-sandbox", "--headless", "--disable-gpu"])
        try:
            yield browser.new_context(accept_downloads=True)
        finally:
            browser.close()


def opened_dialogs(context, url: str) -> list[str]:
    """The alert() messages a page shows when a visitor opens url (a download shows none)."""
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        page.goto(url, wait_until="load", timeout=10_000)
    except PlaywrightError as exc:
        assert "Download is starting" in str(exc) or "ERR_ABORTED" in str(exc), exc
    page.wait_for_timeout(300)
    page.close()
    return dialogs


class TestInBrowser:
    """Opening an uploaded file in headless Chromium with the visitor's `_pleroma_key` cookie"""

    def test_uploaded_xhtml_svg_and_html_do_not_run(self, running_server):
        UserFactory(nickname="mallory")
        token = running_server.token("mallory")
        urls = []
        for name, data, content_type in [("x.xhtml", XHTML, "application/xhtml+xml"),
                                         ("x.html", HTML, "text/html"), ("x.txt", SVG, "text/plain")]:
            response = running_server.post("/api/v1/media", token, files={"file": (name, data, content_type)})
            assert response.status_code == 200, response.text
            urls.append(response.json()["url"])
        stored = running_server.data_dir / "media" / "attachments"
        stored.mkdir(parents=True, exist_ok=True)
        (stored / "planted.svg").write_bytes(SVG)
        (stored / "planted.xhtml").write_bytes(XHTML)
        urls += [f"{running_server.url}/media/attachments/planted.svg",
                 f"{running_server.url}/media/attachments/planted.xhtml"]
        for url in urls:
            assert requests.get(url, timeout=10).content != b""
        with browser_page() as context:
            context.add_cookies([{"name": "_pleroma_key", "value": token, "url": running_server.url}])
            # The detector works: the same file served as itself runs its script.
            context.route(f"{running_server.url}/control.xhtml", lambda route: route.fulfill(
                status=200, body=XHTML, content_type="application/xhtml+xml"))
            assert opened_dialogs(context, f"{running_server.url}/control.xhtml") == [f"_pleroma_key={token}"]
            for url in urls:
                assert opened_dialogs(context, url) == [], url
