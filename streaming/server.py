"""The streaming API as an ASGI application (served by uvicorn, see pleroma_py/asgi.py).

- `GET /api/v1/streaming` as a WebSocket: the token in `access_token` or in
  `Sec-WebSocket-Protocol`; `stream=` (with `tag=` / `list=`) opens the first stream;
  `{"type": "subscribe"|"unsubscribe", "stream": ..., "tag"/"list": ...}` messages change
  them. Messages are `{"stream": [...], "event": ..., "payload": "<JSON text>"}`.
- `GET /api/v1/streaming/<stream path>` as Server-Sent Events (`event:` / `data:` lines,
  a `:thump` comment every PLEROMA_STREAMING_HEARTBEAT seconds), the token in `access_token` or
  `Authorization: Bearer`.
- `GET /api/v1/streaming/health` answers `OK`.

A bad token is refused before anything is streamed: HTTP 401 `{"error": ...}` (on a
WebSocket through the handshake response when the server supports it, else close 4001).
Everything else is handed to Django's ASGI application.
"""

from __future__ import annotations

import asyncio
import json
import logging
from functools import partial
from urllib.parse import parse_qs

from django.conf import settings

from streaming import streams
from streaming.hub import Connection, hub, run_sync

logger = logging.getLogger(__name__)

PREFIX = "/api/v1/streaming"
BAD_TOKEN = "Invalid access token"


class BadToken(Exception):
    pass


def authenticate(raw: str | None):
    """(user or None, scopes) for a raw token, as the REST API's bearer authentication
    decides; BadToken for one that is unknown, expired, revoked or of an unusable account."""
    from core.authentication import lookup_token, user_usable

    if not raw:
        return None, None
    token = lookup_token(raw)
    if token is None:
        raise BadToken()
    if token.user_id is None:
        return None, token.scope.split()  # an app token: public streams only
    if not user_usable(token.user):
        raise BadToken()
    return token.user, token.scope.split()


def _query(scope) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(scope.get("query_string", b"").decode("latin-1")).items()}


def _header(scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def _bearer(scope, query: dict) -> str | None:
    if query.get("access_token"):
        return query["access_token"]
    header = (_header(scope, b"authorization") or "").strip()
    if header[:7].lower() == "bearer ":
        return header[7:].strip() or None
    return None


def _json(data) -> bytes:
    return json.dumps(data).encode()


async def _respond(send, status: int, body: bytes, content_type: bytes = b"application/json") -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", content_type), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def _subscription(query: dict, user, scopes) -> streams.Subscription:
    return streams.subscription(query.get("stream"), tag=query.get("tag"), list_id=query.get("list"),
                                user=user, scopes=scopes)


# -- WebSocket ----------------------------------------------------------------------------------

async def _deny(scope, send, status: int, message: str) -> None:
    if "websocket.http.response" in scope.get("extensions", {}):
        body = _json({"error": message})
        await send({"type": "websocket.http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "websocket.http.response.body", "body": body})
    else:
        await send({"type": "websocket.close", "code": 4000 + status})


async def websocket(scope, receive, send) -> None:
    if (await receive())["type"] != "websocket.connect":
        return
    query = _query(scope)
    protocol = _header(scope, b"sec-websocket-protocol")
    raw = query.get("access_token") or (protocol.split(",")[0].strip() if protocol else None) or _bearer(scope, query)
    try:
        user, scopes = await run_sync(authenticate, raw)
        first = await run_sync(_subscription, query, user, scopes) if query.get("stream") else None
    except BadToken:
        return await _deny(scope, send, 401, BAD_TOKEN)
    except streams.StreamError as error:
        return await _deny(scope, send, error.status, error.message)
    await hub.start()
    accept = {"type": "websocket.accept"}
    if protocol and not query.get("access_token"):
        accept["subprotocol"] = protocol.split(",")[0].strip()
    await send(accept)
    connection = Connection(user, scopes)
    if first is not None:
        connection.subscriptions.add(first)
    hub.add(connection)
    writer = asyncio.create_task(_write_websocket(connection, send))
    try:
        await _read_websocket(connection, receive, send)
    finally:
        hub.remove(connection)
        writer.cancel()


async def _read_websocket(connection: Connection, receive, send) -> None:
    while True:
        message = await receive()
        if message["type"] == "websocket.disconnect":
            return
        if message["type"] != "websocket.receive":
            continue
        try:
            request = json.loads(message.get("text") or message.get("bytes") or "")
            kind = request.get("type") if isinstance(request, dict) else None
        except (ValueError, UnicodeDecodeError):
            kind = None
        if kind not in ("subscribe", "unsubscribe"):
            await send({"type": "websocket.send", "text": json.dumps({"error": "Bad request", "status": 400})})
            continue
        try:
            subscription = await run_sync(partial(
                streams.subscription, str(request.get("stream") or ""), tag=_str(request.get("tag")),
                list_id=_str(request.get("list")), user=connection.user, scopes=connection.scopes))
        except streams.StreamError as error:
            await send({"type": "websocket.send",
                        "text": json.dumps({"error": error.message, "status": error.status})})
            continue
        if kind == "subscribe":
            connection.subscriptions.add(subscription)
        else:
            connection.subscriptions.discard(subscription)


def _str(value) -> str | None:
    return None if value is None else str(value)


async def _write_websocket(connection: Connection, send) -> None:
    try:
        while True:
            if connection.overflowed.is_set():
                # Too far behind: closed rather than buffered without end (clients reconnect).
                await send({"type": "websocket.close", "code": 1013})
                return
            message = await connection.queue.get()
            frame = {"stream": message.subscription.names(), "event": message.event}
            if message.payload is not None:
                frame["payload"] = message.payload
            await send({"type": "websocket.send", "text": json.dumps(frame)})
    except (asyncio.CancelledError, OSError):
        pass
    except Exception:  # the client went away mid-send
        logger.debug("streaming: websocket send failed", exc_info=True)


# -- Server-Sent Events -------------------------------------------------------------------------

async def server_sent_events(scope, receive, send, stream: str) -> None:
    query = _query(scope)
    if stream.startswith("public") and not stream.endswith(":media") and _truthy(query.get("only_media")):
        stream += ":media"  # Mastodon's `/public?only_media=true`
    try:
        user, scopes = await run_sync(authenticate, _bearer(scope, query))
        subscription = await run_sync(_subscription, {**query, "stream": stream}, user, scopes)
    except BadToken:
        return await _respond(send, 401, _json({"error": BAD_TOKEN}))
    except streams.StreamError as error:
        return await _respond(send, error.status, _json({"error": error.message}))
    await hub.start()
    connection = Connection(user, scopes)
    connection.subscriptions.add(subscription)
    hub.add(connection)
    await send({"type": "http.response.start", "status": 200, "headers": [
        (b"content-type", b"text/event-stream; charset=utf-8"), (b"cache-control", b"no-store"),
        (b"x-accel-buffering", b"no")]})
    disconnected = asyncio.create_task(_wait_disconnect(receive))
    try:
        await send({"type": "http.response.body", "body": b":)\n\n", "more_body": True})
        while not disconnected.done() and not connection.overflowed.is_set():
            getter = asyncio.ensure_future(connection.queue.get())
            done, _ = await asyncio.wait({getter, disconnected}, timeout=settings.STREAMING_HEARTBEAT_SECONDS,
                                         return_when=asyncio.FIRST_COMPLETED)
            if getter in done:
                message = getter.result()
                # An event without payload is `data: undefined`, as Mastodon writes it.
                payload = "undefined" if message.payload is None else message.payload
                chunk = f"event: {message.event}\ndata: {payload}\n\n"
            else:
                getter.cancel()
                chunk = ":thump\n\n"
            if disconnected.done():
                break
            await send({"type": "http.response.body", "body": chunk.encode(), "more_body": True})
    except OSError:
        pass
    finally:
        hub.remove(connection)
        disconnected.cancel()


def _truthy(value: str | None) -> bool:
    return (value or "").lower() in ("1", "true", "t", "on", "yes")


async def _wait_disconnect(receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


# -- the application ----------------------------------------------------------------------------

def application(django_app):
    """The ASGI application: the streaming routes, everything else to `django_app`."""

    async def app(scope, receive, send):
        kind = scope["type"]
        if kind == "lifespan":
            return await _lifespan(receive, send)
        path = scope.get("path", "").rstrip("/")
        if kind == "websocket":
            if path == PREFIX:
                return await websocket(scope, receive, send)
            await receive()
            return await send({"type": "websocket.close", "code": 4004})
        if kind == "http" and path.startswith(PREFIX):
            rest = path[len(PREFIX):].lstrip("/")
            if scope["method"] not in ("GET", "HEAD"):
                return await _respond(send, 405, _json({"error": "Method not allowed"}))
            if rest == "health":
                return await _respond(send, 200, b"OK", b"text/plain; charset=utf-8")
            if rest in streams.SSE_PATHS:
                return await server_sent_events(scope, receive, send, streams.SSE_PATHS[rest])
            if rest == "":
                return await _respond(send, 400, _json({"error": "Use a WebSocket or a stream path"}))
            return await _respond(send, 404, _json({"error": "Not found"}))
        return await django_app(scope, receive, send)

    return app


async def _lifespan(receive, send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            try:
                await hub.start()
            except Exception as error:
                await send({"type": "lifespan.startup.failed", "message": str(error)})
                return
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await hub.stop()
            await send({"type": "lifespan.shutdown.complete"})
            return
