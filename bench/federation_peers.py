"""Simulated remote instances for the federation benchmarks: one aiohttp process listening on
many loopback ports, each port one instance (`127.0.0.1:<port>`).

    .venv/bin/python bench/federation_peers.py CONFIG.json

CONFIG: {"count": instances (each on a free port the process binds itself), "dead": [ports
that accept a request and never answer],
"actor_key_pem": the public key every simulated actor publishes, "verify_keys": {keyId:
public PEM} of the local accounts whose deliveries are expected (optional: without it a
Signature header is only required to be there), "ready": a file written once every port
listens, with the ports as JSON}. POST /_reset {"dead": [...], "verify_keys": {...}}
clears the counters and sets both.

Each instance serves actor documents (`GET /users/<name>`, so key fetches are real HTTP) and
inboxes (`POST /inbox`, `POST /users/<name>/inbox`) that check the Digest and the RSA
signature of what they receive (a public-key operation: cheap next to the sender's signing)
and record it. `GET /_stats` on any port answers what every instance received.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import re
import socket
import sys
import time
from pathlib import Path

from aiohttp import web
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

PARAM = re.compile(r'(\w+)="([^"]*)"')


class Peers:
    """What the simulated instances received, for /_stats."""

    def __init__(self, config: dict):
        self.config = config
        self.dead = set(config.get("dead", []))
        self.actor_key_pem = config["actor_key_pem"]
        self.verify_keys = {key_id: serialization.load_pem_public_key(pem.encode())
                            for key_id, pem in config.get("verify_keys", {}).items()}
        self.received: dict[int, list[float]] = {}
        self.bad = 0
        self.actor_fetches = 0
        self.started = time.time()

    def actor_document(self, port: int, name: str) -> dict:
        base = f"http://127.0.0.1:{port}"
        actor_id = f"{base}/users/{name}"
        return {
            "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
            "id": actor_id, "type": "Person", "preferredUsername": name, "name": name,
            "inbox": f"{actor_id}/inbox", "outbox": f"{actor_id}/outbox",
            "followers": f"{actor_id}/followers", "endpoints": {"sharedInbox": f"{base}/inbox"},
            "publicKey": {"id": f"{actor_id}#main-key", "owner": actor_id,
                          "publicKeyPem": self.actor_key_pem},
        }

    def signature_ok(self, request: web.Request, body: bytes) -> bool:
        digest = request.headers.get("Digest", "")
        if digest != "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode():
            return False
        if not self.verify_keys:
            return "Signature" in request.headers
        params = dict(PARAM.findall(request.headers.get("Signature", "")))
        key = self.verify_keys.get(params.get("keyId", ""))
        if key is None:
            return False
        lines = []
        for name in params.get("headers", "date").split():
            if name == "(request-target)":
                lines.append(f"(request-target): {request.method.lower()} {request.path_qs}")
            else:
                lines.append(f"{name}: {request.headers.get(name, '')}")
        try:
            key.verify(base64.b64decode(params.get("signature", "")), "\n".join(lines).encode(),
                                   padding.PKCS1v15(), hashes.SHA256())
        except Exception:  # noqa: BLE001 (any failure is a bad signature)
            return False
        return True

    async def actor(self, request: web.Request) -> web.Response:
        self.actor_fetches += 1
        port = request.transport.get_extra_info("sockname")[1]
        return web.json_response(self.actor_document(port, request.match_info["name"]),
                                 content_type="application/activity+json")

    async def inbox(self, request: web.Request) -> web.Response:
        port = request.transport.get_extra_info("sockname")[1]
        if port in self.dead:
            await asyncio.sleep(3600)  # an instance that takes the request and never answers
        body = await request.read()
        if not self.signature_ok(request, body):
            self.bad += 1
            return web.json_response({"error": "bad signature"}, status=401)
        self.received.setdefault(port, []).append(time.time())
        return web.Response(status=202)

    async def stats(self, request: web.Request) -> web.Response:
        return web.json_response({
            "requests": sum(len(v) for v in self.received.values()), "bad_signatures": self.bad,
            "instances": len(self.received), "actor_fetches": self.actor_fetches,
            "last": max((max(v) for v in self.received.values()), default=None),
            "per_port_last": {str(p): max(v) for p, v in self.received.items()},
            "per_port_count": {str(p): len(v) for p, v in self.received.items()},
        })

    async def reset(self, request: web.Request) -> web.Response:
        self.received.clear()
        self.bad = 0
        self.actor_fetches = 0
        body = await request.json()
        self.dead = set(body.get("dead", []))
        if "verify_keys" in body:
            self.verify_keys = {key_id: serialization.load_pem_public_key(pem.encode())
                                for key_id, pem in body["verify_keys"].items()}
        return web.json_response({"ok": True})


async def serve(config: dict) -> None:
    peers = Peers(config)
    app = web.Application(client_max_size=2_000_000)
    app.router.add_get("/users/{name}", peers.actor)
    app.router.add_post("/inbox", peers.inbox)
    app.router.add_post("/users/{name}/inbox", peers.inbox)
    app.router.add_get("/_stats", peers.stats)
    app.router.add_post("/_reset", peers.reset)
    runner = web.AppRunner(app, access_log=None, handler_cancellation=True)
    await runner.setup()
    ports = []
    for _ in range(config["count"]):
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))  # the kernel's free port: nothing else can take it meanwhile
        sock.listen(1024)
        await web.SockSite(runner, sock).start()
        ports.append(sock.getsockname()[1])
    if config.get("ready"):
        Path(config["ready"]).write_text(json.dumps(ports))
    await asyncio.Event().wait()


def main() -> None:
    config = json.loads(Path(sys.argv[1]).read_text())
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    asyncio.run(serve(config))


if __name__ == "__main__":
    main()
