"""The outbound client refuses private, loopback and link-local addresses, and redirects to
them; it bounds the size of what it reads."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from core import http


@pytest.fixture
def local_server():
    """A real HTTP server on loopback: /redirect?to=URL redirects, /big sends 2 MB."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path.startswith("/redirect?to="):
                self.send_response(302)
                self.send_header("Location", self.path.split("=", 1)[1])
                self.end_headers()
            elif self.path == "/big":
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"x" * 2_000_000)
            else:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"ok": true}')

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.mark.parametrize("url", [
    "http://127.0.0.1/", "http://localhost/", "http://10.1.2.3/", "http://192.168.0.1/",
    "http://172.16.0.1/", "http://169.254.169.254/latest/meta-data/", "http://[::1]/",
    "http://0.0.0.0/", "file:///etc/passwd", "gopher://127.0.0.1/",
])
def test_private_and_odd_targets_are_refused(settings, url):
    settings.ALLOW_PRIVATE_NETWORKS = False
    with pytest.raises(http.OutboundError):
        http.get(url)


def test_loopback_is_reachable_when_private_networks_are_allowed(settings, local_server):
    settings.ALLOW_PRIVATE_NETWORKS = True
    assert http.get_json(local_server + "/") == {"ok": True}


def test_loopback_is_refused_by_default(settings, local_server):
    settings.ALLOW_PRIVATE_NETWORKS = False
    with pytest.raises(http.OutboundError) as error:
        http.get(local_server + "/")
    assert error.value.status == 400


def test_redirect_to_link_local_is_refused_even_when_private_is_allowed(settings, local_server):
    settings.ALLOW_PRIVATE_NETWORKS = True
    with pytest.raises(http.OutboundError):
        http.get(local_server + "/redirect?to=http://169.254.169.254/latest/meta-data/")


def test_oversized_answers_are_cut_off(settings, local_server):
    settings.ALLOW_PRIVATE_NETWORKS = True
    with pytest.raises(http.OutboundError) as error:
        http.get(local_server + "/big", max_bytes=1_000_000)
    assert error.value.status == 413
