"""The one outbound HTTP client: refuses private, loopback and link-local addresses (and
redirects to them) unless PLEROMA_ALLOW_PRIVATE_NETWORKS is set, and bounds time and size."""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import requests
import urllib3
from django.conf import settings

from core.exceptions import ApiError

USER_AGENT = "pleroma_py (+{url})"
MAX_REDIRECTS = 5


class OutboundError(ApiError):
    """A remote fetch failed or was refused; the message says why."""

    status = 502
    message = "Remote fetch failed"


class RemoteTimeout(OutboundError):
    message = "Remote server timed out"


@dataclass
class Fetched:
    status: int
    url: str
    content: bytes
    headers: dict = field(default_factory=dict)

    def json(self):
        import orjson

        try:
            return orjson.loads(self.content)
        except orjson.JSONDecodeError as exc:
            raise OutboundError("Remote answer is not JSON") from exc


def _address_allowed(host: str) -> bool:
    """Link-local (cloud metadata), multicast and reserved addresses are never fetched;
    private and loopback ones only when PLEROMA_ALLOW_PRIVATE_NETWORKS is set."""
    try:
        infos = socket.getaddrinfo(host, None)
    except (socket.gaierror, UnicodeError, ValueError):
        return False  # unknown name, or one IDNA cannot encode ("\U00106c1c.com")
    for info in infos:
        ip = ipaddress.ip_address(info[4][0].split("%")[0])
        if ip.is_link_local or ip.is_multicast or ip.is_unspecified or (
                ip.is_reserved and not ip.is_private):
            return False
        if (ip.is_private or ip.is_loopback) and not settings.ALLOW_PRIVATE_NETWORKS:
            return False
    return True


def check_url(url: str) -> str:
    try:
        parts = urlsplit(url)
    except ValueError as exc:  # "http://[" (invalid IPv6 literal)
        raise OutboundError("Invalid URL", status=400) from exc
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise OutboundError("Invalid URL", status=400)
    if not _address_allowed(parts.hostname):
        raise OutboundError("Refusing to fetch from a private address", status=400)
    return url


# sign(method, url, body) -> headers to add: called for every request sent, redirects
# included, so that a signature always names the URL it is sent to (federation signs).
Signer = Callable[[str, str, bytes | None], dict]


def get(url: str, *, max_bytes: int = 10_000_000, timeout: float = 10.0,
        headers: dict | None = None, sign: Signer | None = None,
        deadline: float | None = None) -> Fetched:
    """GET a public URL, following redirects (each checked), reading at most max_bytes."""
    return request("GET", url, max_bytes=max_bytes, timeout=timeout, headers=headers, sign=sign,
                   deadline=deadline)


def post(url: str, body: bytes, *, max_bytes: int = 1_000_000, timeout: float = 10.0,
         headers: dict | None = None, sign: Signer | None = None) -> Fetched:
    """POST `body` to a public URL; redirects are not followed (the answer is returned)."""
    return request("POST", url, body=body, max_bytes=max_bytes, timeout=timeout, headers=headers,
                   sign=sign)


def request(method: str, url: str, *, body: bytes | None = None, max_bytes: int = 10_000_000,
            timeout: float = 10.0, headers: dict | None = None, sign: Signer | None = None,
            deadline: float | None = None) -> Fetched:
    """One outbound request through the address checks and the size and time bounds.

    `timeout` bounds each connect and read; `deadline` (a time.monotonic() value) the whole
    exchange, redirects included, so a server dripping its answer cannot hold on for long."""
    base = {"User-Agent": USER_AGENT.format(url=settings.PLEROMA_URL), **(headers or {})}
    for _ in range(MAX_REDIRECTS + 1):
        _check_deadline(deadline)
        check_url(url)
        sent = {**base, **(sign(method, url, body) if sign is not None else {})}
        try:
            response = requests.request(method, url, data=body, headers=sent, timeout=timeout,
                                        stream=True, allow_redirects=False)
        except requests.Timeout as exc:
            raise RemoteTimeout() from exc
        except requests.RequestException as exc:
            raise OutboundError(f"Remote fetch failed: {exc.__class__.__name__}") from exc
        with response:
            if method == "GET" and response.is_redirect and response.headers.get("Location"):
                url = urljoin(url, response.headers["Location"])
                continue
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise OutboundError("Remote file is too large", status=413)
            chunks, size = [], 0
            try:
                for chunk in _body_chunks(response, deadline):
                    size += len(chunk)
                    _check_deadline(deadline)
                    if size > max_bytes:
                        raise OutboundError("Remote file is too large", status=413)
                    chunks.append(chunk)
            except (requests.RequestException, urllib3.exceptions.HTTPError) as exc:
                raise OutboundError("Remote fetch failed") from exc
            return Fetched(response.status_code, url, b"".join(chunks), dict(response.headers))
    raise OutboundError("Too many redirects")


def _body_chunks(response: requests.Response, deadline: float | None):
    """The body as it arrives. With a deadline each piece is what one read returned (read1),
    so the deadline is checked between reads: a 64 KB read would wait for all 64 KB."""
    if deadline is None:
        yield from response.iter_content(65536)
        return
    while chunk := response.raw.read1(65536, decode_content=True):
        yield chunk


def _check_deadline(deadline: float | None) -> None:
    if deadline is not None and time.monotonic() > deadline:
        raise RemoteTimeout()


def get_json(url: str, **kwargs) -> dict:
    fetched = get(url, headers={"Accept": "application/json", **kwargs.pop("headers", {})}, **kwargs)
    if fetched.status >= 400:
        raise OutboundError(f"Remote server answered {fetched.status}")
    return fetched.json()
