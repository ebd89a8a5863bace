"""A real HTTP server on loopback serving the pages a link preview meets: OpenGraph,
Twitter cards, oEmbed embeds, pages without metadata, huge, slow and dripping bodies,
redirects to a forbidden address, broken and oversized images."""

from __future__ import annotations

import io
import json
import struct
import threading
import time
import zlib
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from PIL import Image


def png(size=(1200, 630), color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


def page(head: str, body: str = "<p>hello</p>") -> bytes:
    return f"<!doctype html><html lang=\"en\"><head>{head}</head><body>{body}</body></html>".encode()


def pixel_bomb() -> bytes:
    """A tiny PNG whose header claims 30000 x 30000 pixels (900 megapixels if decoded)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 30000, 30000, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 1000))
            + chunk(b"IEND", b""))


@dataclass
class PageServer:
    """`url`, the routes it serves ({path: (status, headers, body)}) and the paths it was asked."""

    url: str
    routes: dict = field(default_factory=dict)
    hits: list = field(default_factory=list)

    def serve(self, path: str, body: bytes | str, *, status: int = 200,
              content_type: str = "text/html; charset=utf-8", headers: dict | None = None) -> str:
        if isinstance(body, str):
            body = body.encode()
        self.routes[path] = (status, {"Content-Type": content_type, **(headers or {})}, body)
        return self.url + path

    def og_page(self, path: str = "/article", *, title: str = "A page title", image: str | None = "/cover.png",
                extra: str = "") -> str:
        if image is not None:
            self.serve(image, png(), content_type="image/png")
        image_meta = f'<meta property="og:image" content="{image}">' if image else ""
        return self.serve(path, page(
            f'<title>fallback title</title>'
            f'<meta property="og:title" content="{title}">'
            f'<meta property="og:description" content="What the page is &amp; says">'
            f'<meta property="og:type" content="article">'
            f'<meta property="og:site_name" content="Example News">'
            f'<meta property="og:url" content="{self.url}{path}">'
            f'<meta property="og:image:alt" content="a red rectangle">'
            f'{image_meta}{extra}'))

    def hits_of(self, path: str) -> int:
        return sum(1 for hit in self.hits if hit == path)


@pytest.fixture
def pages(settings):
    """The page server, with outbound fetches to loopback allowed and a short time bound."""
    settings.ALLOW_PRIVATE_NETWORKS = True
    settings.LINK_PREVIEWS = True
    settings.LINK_PREVIEW_TIMEOUT_SECONDS = 2.0
    server_state = PageServer(url="")

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            path = self.path.split("?", 1)[0]
            server_state.hits.append(path)
            if path == "/slow":
                time.sleep(5)
            if path == "/drip":
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", "100000")
                self.end_headers()
                try:
                    for _ in range(100):
                        self.wfile.write(b"<!-- -->" if _ else b"<html><head><title>drip</title>")
                        self.wfile.flush()
                        time.sleep(0.5)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                return
            route = server_state.routes.get(path)
            if route is None:
                route = (404, {"Content-Type": "text/plain"}, b"not found")
            status, headers, body = route
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server_state.url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server_state
    server.shutdown()
    server.server_close()


def oembed(server: PageServer, path: str, document: dict) -> str:
    """A page whose oEmbed link points at `document`."""
    server.serve(f"{path}.json", json.dumps(document), content_type="application/json")
    return server.serve(path, page(
        f'<title>Embedded thing</title>'
        f'<link rel="alternate" type="application/json+oembed" href="{path}.json" title="oEmbed">'))
