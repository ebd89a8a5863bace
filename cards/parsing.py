"""Reading what a card is made of: the link a status shows first, a page's OpenGraph /
Twitter card / <title> metadata and its oEmbed link, an oEmbed document's embed HTML.

Pure functions over text: nothing here fetches or stores (cards.services does).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit, urlunsplit

import nh3

from core import markup

MAX_URL_LENGTH = 2048
TITLE_LIMIT = 512
DESCRIPTION_LIMIT = 1000
NAME_LIMIT = 255
OPENGRAPH_KEYS = 32
OPENGRAPH_KEY_LENGTH = 64
# Links that are not "the link of the post": mentions, hashtags, attachments (Pleroma's
# selector `a:not(.mention,.hashtag,.attachment,[rel~="tag"])`), and the hidden `RT: <url>`
# of a quote post (its `quote-inline` span).
SKIPPED_LINK_CLASSES = frozenset({"mention", "hashtag", "attachment", "u-url"})
OEMBED_TYPES = ("application/json+oembed",)
# Only iframes reach a client from an oEmbed `html` (Mastodon keeps the embed's iframe and
# drops the rest: scripts, styles, blockquotes of the provider's widget).
EMBED_ATTRIBUTES = {"iframe": {"src", "width", "height", "frameborder", "allowfullscreen", "scrolling"}}
SPACE_RE = re.compile(r"\s+")
IFRAME_RE = re.compile(r"<iframe\b[^>]*>")
CONTROL_RE = re.compile(r"[\x00-\x20\x7f]")


def _http_url(value: str | None, base: str | None = None) -> str | None:
    """`value` as an absolute http(s) URL (resolved against `base`), else None."""
    if not value or not isinstance(value, str):
        return None
    value = value.strip()
    try:
        url = urljoin(base, value) if base else value
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname or len(url) > MAX_URL_LENGTH \
            or CONTROL_RE.search(url):
        return None
    return url


def card_key(url: str) -> str:
    """The URL a card is stored under: the fragment never reaches the server."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))


class _LinkFinder(HTMLParser):
    """The first <a href> of status content that is not a mention, hashtag or quote link."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: str | None = None
        self.stack: list[bool] = []  # per open element: does it hide the links inside it?

    def handle_starttag(self, tag: str, attrs: list) -> None:
        values = dict(attrs)
        classes = set((values.get("class") or "").split())
        hidden = "quote-inline" in classes or any(self.stack)
        if tag not in ("br", "img", "hr"):
            self.stack.append(hidden)
        if tag != "a" or self.found is not None or hidden:
            return
        rel = set((values.get("rel") or "").split())
        if classes & SKIPPED_LINK_CLASSES or "tag" in rel:
            return
        self.found = _http_url(values.get("href"))

    def handle_endtag(self, tag: str) -> None:
        if tag not in ("br", "img", "hr") and self.stack:
            self.stack.pop()


def first_link(content: str, *, exclude_host: str | None = None) -> str | None:
    """The link a status's preview card shows: its first external http(s) link, or None.
    Links to `exclude_host` (the instance itself) get no card."""
    if not content or "<a" not in content:
        return None
    finder = _LinkFinder()
    try:
        finder.feed(content)
        finder.close()
    except (AssertionError, ValueError):  # markup html.parser gives up on: keep what it read
        pass
    url = finder.found
    if url is None:
        return None
    if exclude_host and urlsplit(url).netloc.lower() == exclude_host.lower():
        return None
    return card_key(url)


@dataclass
class PageMetadata:
    """What a page says about itself: its <meta> values, <title> and oEmbed link."""

    meta: dict[str, str] = field(default_factory=dict)
    title: str = ""
    oembed_url: str | None = None
    canonical_url: str | None = None
    language: str | None = None

    def first(self, *names: str) -> str:
        for name in names:
            value = self.meta.get(name)
            if value:
                return value
        return ""


class _StopParsing(Exception):
    pass


class _PageParser(HTMLParser):
    """Collects <meta property|name content>, the first <title>, the oEmbed and canonical
    <link>s; stops at <body> (everything a card needs is in the head)."""

    def __init__(self, base_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.base_url = base_url
        self.page = PageMetadata()
        self.in_title = False
        self.title_parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        values = {k.lower(): (v or "") for k, v in attrs}
        if tag == "body":
            raise _StopParsing()
        if tag == "html" and values.get("lang"):
            self.page.language = values["lang"][:16]
        elif tag == "meta":
            name = (values.get("property") or values.get("name") or "").strip().lower()
            content = values.get("content", "")
            if name and content and name not in self.page.meta:
                self.page.meta[name] = content
        elif tag == "title" and not self.page.title:
            self.in_title = True
        elif tag == "link":
            rel = set(values.get("rel", "").lower().split())
            kind = values.get("type", "").lower().strip()
            if "alternate" in rel and kind in OEMBED_TYPES and self.page.oembed_url is None:
                self.page.oembed_url = _http_url(values.get("href"), self.base_url)
            elif "canonical" in rel and self.page.canonical_url is None:
                self.page.canonical_url = _http_url(values.get("href"), self.base_url)

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title_parts.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "title" and self.in_title:
            self.in_title = False
            self.page.title = "".join(self.title_parts)
        elif tag == "head":
            raise _StopParsing()


def decode_html(body: bytes, content_type: str) -> str:
    """The page's text in the charset its Content-Type (or a <meta charset>) names, else UTF-8."""
    charset = None
    match = re.search(r"charset=[\"']?([\w.:-]+)", content_type or "", re.I)
    if match is None:
        match = re.search(rb"<meta[^>]+charset=[\"']?([\w.:-]+)", body[:4096], re.I)
        if match is not None:
            charset = match.group(1).decode("ascii", "replace")
    else:
        charset = match.group(1)
    try:
        codec = codecs.lookup(charset or "utf-8").name
    except LookupError:
        codec = "utf-8"
    return body.decode(codec, errors="replace")


def parse_page(text: str, base_url: str) -> PageMetadata:
    parser = _PageParser(base_url)
    try:
        parser.feed(text)
        parser.close()
    except (_StopParsing, AssertionError, ValueError):  # the head is read, or the markup is beyond repair
        pass
    if parser.in_title and not parser.page.title:  # <title> never closed
        parser.page.title = "".join(parser.title_parts)
    return parser.page


def clean_text(value, limit: int) -> str:
    """Plain text for a card field: no tags, whitespace collapsed, at most `limit` characters."""
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        return ""
    return SPACE_RE.sub(" ", markup.strip_tags(str(value))).strip()[:limit]


def opengraph_of(page: PageMetadata) -> dict[str, str]:
    """Pleroma's `pleroma.opengraph`: the og:* and twitter:* values without their prefix
    (og:* win), each plain text."""
    values: dict[str, str] = {}
    for prefix in ("og:", "twitter:"):
        for name, value in page.meta.items():
            if name.startswith(prefix):
                key = name[len(prefix):]
                if key and len(key) <= OPENGRAPH_KEY_LENGTH and key not in values:
                    values[key] = clean_text(value, DESCRIPTION_LIMIT)
                    if len(values) == OPENGRAPH_KEYS:  # every status showing the card carries them
                        return values
    return values


def image_url_of(page: PageMetadata, base_url: str) -> str | None:
    return _http_url(page.first("og:image", "og:image:url", "og:image:secure_url",
                                "twitter:image", "twitter:image:src"), base_url)


def sanitize_embed(html: str) -> str:
    """An oEmbed `html` reduced to its iframes with http(s) sources, or "" if none is left."""
    if not isinstance(html, str) or not html:
        return ""
    cleaned = nh3.clean(html, tags={"iframe"}, attributes=EMBED_ATTRIBUTES, url_schemes={"http", "https"},
                        clean_content_tags={"script", "style"}, link_rel=None, strip_comments=True)
    # The sanitiser's output is regular: keep each iframe's opening tag (only when it has a
    # source), never what was around or inside it.
    frames = [m.group(0) for m in IFRAME_RE.finditer(cleaned) if ' src="' in m.group(0)]
    return "".join(f"{frame}</iframe>" for frame in frames)


def dimension(value) -> int:
    """An oEmbed width/height as a small non-negative integer (junk is 0)."""
    try:
        number = int(float(value))
    except (TypeError, ValueError, OverflowError):
        return 0
    return min(max(number, 0), 10_000)


def http_url(value, base: str | None = None) -> str | None:
    return _http_url(value if isinstance(value, str) else None, base)
