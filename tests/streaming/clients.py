"""Small real clients of the streaming API for tests: a WebSocket one (the `websockets`
library) and an SSE one (requests), both collecting decoded messages."""

from __future__ import annotations

import json
import queue
import threading
import time
from urllib.parse import urlencode

import requests
from websockets.sync.client import connect


class WebSocketStream:
    """GET /api/v1/streaming over a WebSocket; `.messages()` decodes each payload."""

    def __init__(self, server, token: str | None = None, *, via: str = "query", **params) -> None:
        query = dict(params)
        protocols = None
        if token and via == "query":
            query["access_token"] = token
        elif token:
            protocols = [token]
        url = f"{server.streaming_url}/api/v1/streaming"
        if query:
            url += "?" + urlencode(query)
        self.socket = connect(url, subprotocols=protocols, open_timeout=10)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.socket.close()

    def send(self, **message) -> None:
        self.socket.send(json.dumps(message))

    def subscribe(self, stream: str, **params) -> None:
        self.send(type="subscribe", stream=stream, **params)
        time.sleep(0.3)  # the server applies it before the next event: no reply to wait for

    def unsubscribe(self, stream: str, **params) -> None:
        self.send(type="unsubscribe", stream=stream, **params)
        time.sleep(0.3)

    def next(self, timeout: float = 5) -> dict:
        message = json.loads(self.socket.recv(timeout=timeout))
        if isinstance(message.get("payload"), str) and message["payload"][:1] in "{[":
            message["payload"] = json.loads(message["payload"])
        return message

    def until(self, predicate, timeout: float = 5) -> list[dict]:
        """Every message up to and including the first one `predicate` accepts."""
        deadline = time.monotonic() + timeout
        seen = []
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no matching message in {timeout}s; got {seen}")
            try:
                message = self.next(left)
            except TimeoutError:
                raise AssertionError(f"no matching message in {timeout}s; got {seen}") from None
            seen.append(message)
            if predicate(message):
                return seen


class EventStream:
    """GET /api/v1/streaming/<path> as Server-Sent Events, read in a thread."""

    def __init__(self, server, path: str, token: str | None = None, **params) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.response = requests.get(f"http://127.0.0.1:{server.streaming_port}/api/v1/streaming/{path}",
                                     params=params, headers=headers, stream=True, timeout=30)
        self.events: queue.Queue = queue.Queue()
        self.comments: list[str] = []
        if self.response.status_code == 200:
            threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        event, data = None, []
        try:
            for line in self.response.iter_lines(decode_unicode=True):
                if line.startswith(":"):
                    self.comments.append(line)
                elif line.startswith("event:"):
                    event = line[6:].strip()
                elif line.startswith("data:"):
                    data.append(line[5:].strip())
                elif line == "" and event is not None:
                    text = "\n".join(data)
                    self.events.put((event, json.loads(text) if text[:1] in "{[" else text))
                    event, data = None, []
        except (requests.RequestException, AttributeError, ValueError):
            return

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.response.close()

    def next(self, timeout: float = 5) -> tuple[str, object]:
        return self.events.get(timeout=timeout)
