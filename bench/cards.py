"""What link preview cards cost: the link scan every cold status render runs, parsing a
page, and one whole card fetch (page, oEmbed document, image resized) from a local server.

    .venv/bin/python bench/cards.py [-n 50]

Needs no database: the pieces measured read and parse, they do not store. Prints a
markdown table (docs/performance.md, "Link preview cards").
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def timed(fn, n: int) -> tuple[float, float]:
    """(p50, mean) wall time of `fn()` in milliseconds over n runs, after one warm-up."""
    fn()
    runs = []
    for _ in range(n):
        started = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - started) * 1000)
    return statistics.median(runs), statistics.fmean(runs)


def news_head() -> str:
    """A head shaped like a news site's: many meta and link tags, inline scripts and styles."""
    metas = "".join(f'<meta name="x-tag-{i}" content="value {i}">' for i in range(200))
    script = "<script>" + "var a=1;" * 6000 + "</script>"
    style = "<style>" + ".c{color:red}" * 3000 + "</style>"
    return (f'<title>Breaking: things happened</title>{metas}{script}{style}'
            '<meta property="og:title" content="Things happened"><meta property="og:image" content="/cover.jpg">'
            '<meta property="og:description" content="A long description of what happened.">'
            '<link rel="alternate" type="application/json+oembed" href="/oembed.json">')


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=50)
    args = parser.parse_args()
    os.environ.update(DJANGO_SETTINGS_MODULE="pleroma_py.settings", PLEROMA_ALLOW_PRIVATE_NETWORKS="true")
    import django

    django.setup()
    from PIL import Image

    from cards import parsing, services

    image = io.BytesIO()
    Image.new("RGB", (1920, 1080), (30, 90, 160)).save(image, format="JPEG", quality=90)
    head = news_head()
    page = f"<!doctype html><html><head>{head}</head><body>{'<p>text</p>' * 80_000}</body></html>".encode()
    worst = f"<html><head>{'<meta name=a content=b>' * 45_000}</head></html>".encode()[:1_000_000]
    routes = {
        "/article": ("text/html; charset=utf-8", page[:1_000_000]),
        "/cover.jpg": ("image/jpeg", image.getvalue()),
        "/oembed.json": ("application/json", json.dumps({
            "type": "video", "html": '<iframe src="https://v.example/e/1" width="640" height="360"></iframe>',
            "width": 640, "height": 360}).encode()),
    }

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            kind, body = routes[self.path]
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"

    statuses = [
        f'<p><span class="h-card"><a class="u-url mention" href="https://ex.example/@u{i}">@<span>u{i}</span></a>'
        f'</span> a post with <a class="hashtag" href="https://ex.example/tag/t">#t</a> and a link '
        f'<a href="https://news.example/{i}" rel="ugc">https://news.example/{i}</a> in it</p>'
        for i in range(20)]
    rows = [
        ("link scan of a 20-status page (cold render)", timed(lambda: [parsing.first_link(s) for s in statuses], args.n)),
        (f"parse a news page head ({len(head) // 1000} KB head, 1 MB page)",
         timed(lambda: parsing.parse_page(page[:1_000_000].decode(), base), args.n)),
        ("parse a 1 MB head of meta tags (worst case)", timed(lambda: parsing.parse_page(worst.decode(), base), args.n)),
        ("resize a 1920x1080 JPEG to the card size", timed(
            lambda: services.images.thumbnail(image.getvalue(), services.IMAGE_SIZE), args.n)),
        ("whole card fetch: page + oEmbed + image, loopback", timed(lambda: services.fetch_card(f"{base}/article"),
                                                                      args.n)),
    ]
    server.shutdown()
    print("| step | p50 ms | mean ms |")
    print("|---|---:|---:|")
    for name, (p50, mean) in rows:
        print(f"| {name} | {p50:.2f} | {mean:.2f} |")


if __name__ == "__main__":
    main()
