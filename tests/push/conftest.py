"""A browser's side of Web Push: subscriber keys, a push service on 127.0.0.1 that records
what it is sent, decryption (RFC 8291) and VAPID checks (RFC 8292) done independently."""

from __future__ import annotations

import base64
import json
import os
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unb64url(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


@dataclass
class BrowserKeys:
    """What PushManager.subscribe() creates: a P-256 key pair and a 16-byte auth secret."""

    private: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    auth: bytes = field(default_factory=lambda: os.urandom(16))

    @property
    def public_bytes(self) -> bytes:
        return self.private.public_key().public_bytes(serialization.Encoding.X962,
                                                      serialization.PublicFormat.UncompressedPoint)

    @property
    def p256dh(self) -> str:
        return b64url(self.public_bytes)

    @property
    def auth_b64(self) -> str:
        return b64url(self.auth)

    def form(self, endpoint: str, **extra) -> dict:
        """The form Mastodon.py posts (standard base64 keys, `policy` outside `data`)."""
        return {"subscription[endpoint]": endpoint,
                "subscription[keys][p256dh]": base64.b64encode(self.public_bytes).decode(),
                "subscription[keys][auth]": base64.b64encode(self.auth).decode(), **extra}

    def decrypt(self, body: bytes, encoding: str = "aes128gcm", headers: dict | None = None) -> dict:
        if encoding == "aes128gcm":
            plain = http_ece.decrypt(body, private_key=self.private, auth_secret=self.auth,
                                     version="aes128gcm")
        else:  # the legacy draft: salt and the sender's key travel in headers
            salt = unb64url(headers["Encryption"].split("salt=")[1])
            dh = unb64url(headers["Crypto-Key"].split("dh=")[1].split(";")[0])
            plain = http_ece.decrypt(body, salt=salt, dh=dh, private_key=self.private,
                                     auth_secret=self.auth, version="aesgcm")
        return json.loads(plain)


def vapid_claims(authorization: str, server_key: str) -> dict:
    """Check `vapid t=<JWT>,k=<key>`: k is the server key and signs the JWT (ES256)."""
    scheme, _, params = authorization.partition(" ")
    assert scheme == "vapid"
    parts = dict(item.strip().split("=", 1) for item in params.split(","))
    assert unb64url(parts["k"]) == unb64url(server_key)
    header_b64, claims_b64, signature_b64 = parts["t"].split(".")
    assert json.loads(unb64url(header_b64)) == {"typ": "JWT", "alg": "ES256"}
    signature = unb64url(signature_b64)
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(server_key))
    der = encode_dss_signature(int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big"))
    try:
        public.verify(der, f"{header_b64}.{claims_b64}".encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        pytest.fail("the VAPID JWT is not signed by the server key")
    return json.loads(unb64url(claims_b64))


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes


class PushService:
    """An HTTP push service on 127.0.0.1: records pushes; `answers[path]` is a list of
    (status, headers) given in turn (the last one repeats), 201 by default."""

    def __init__(self):
        self.received: list[Received] = []
        self.answers: dict[str, list[tuple[int, dict]]] = {}
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length)
                service.received.append(Received(self.path, dict(self.headers), body))
                queue = service.answers.get(self.path, [(201, {})])
                status, headers = queue.pop(0) if len(queue) > 1 else queue[0]
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def url(self, path: str) -> str:
        return self.origin + path

    def pushes_to(self, path: str) -> list[Received]:
        return [r for r in self.received if r.path == path]

    def wait(self, path: str, count: int = 1, timeout: float = 30) -> list[Received]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.pushes_to(path)) >= count:
                return self.pushes_to(path)
            time.sleep(0.05)
        raise AssertionError(f"{count} push(es) to {path} not received in {timeout}s")


@pytest.fixture
def push_service():
    service = PushService()
    service.thread.start()
    yield service
    service.server.shutdown()
    service.server.server_close()


@pytest.fixture
def browser():
    return BrowserKeys()


@pytest.fixture
def private_networks(settings, monkeypatch):
    """The push service is on 127.0.0.1: allowed here and in worker processes started after."""
    monkeypatch.setenv("PLEROMA_ALLOW_PRIVATE_NETWORKS", "true")
    settings.ALLOW_PRIVATE_NETWORKS = True
