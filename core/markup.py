"""Turning what users type into safe HTML: plain text, Markdown, HTML; always sanitised."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

import markdown as _markdown
import nh3

ALLOWED_TAGS = {
    "a", "abbr", "acronym", "b", "bdi", "bdo", "big", "blockquote", "br", "cite", "code",
    "del", "dfn", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "ins", "kbd", "li",
    "mark", "ol", "p", "pre", "q", "rp", "rt", "ruby", "s", "samp", "small", "span",
    "strike", "strong", "sub", "sup", "u", "ul", "img",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "class", "data-user", "data-tag"},
    "abbr": {"title"},
    "span": {"class", "lang"},
    "code": {"class"},
    "img": {"src", "alt", "title", "class", "width", "height"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto", "xmpp", "gemini", "magnet", "dat", "dweb", "ipfs",
               "ipns", "ssb", "gopher"}
CONTENT_TYPES = ("text/plain", "text/html", "text/markdown")

URL_RE = re.compile(r"(?<![\"'=\w/])(https?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]])")
MENTION_RE = re.compile(r"(?<![\w/@])@([a-zA-Z0-9_-]+)(?:@((?:[a-zA-Z0-9.-]+\.[a-zA-Z]{2,}|[a-zA-Z0-9.-]+(?=:))(?::[0-9]{1,5})?))?")
HASHTAG_RE = re.compile(r"(?<![\w&/#;])#(?!\d+\b)(\w+)", re.UNICODE)


def sanitize(value: str) -> str:
    """Strip everything but the safe tags, attributes and URL schemes."""
    return nh3.clean(value, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes=URL_SCHEMES, link_rel="ugc nofollow noopener noreferrer")


def strip_tags(value: str) -> str:
    return html.unescape(nh3.clean(value, tags=set()))


def text_as_html(value: str) -> str:
    """Tags removed, the text left escaped: safe where clients render it as HTML (profile
    field names, Pleroma's `strip_tags`)."""
    return nh3.clean(value, tags=set())


def _linkify_text(text: str, mention_url: Callable[[str, str | None], str | None] | None,
                  tag_url: Callable[[str], str] | None) -> str:
    """Linkify URLs, @mentions and #hashtags in already-escaped text."""
    def url_sub(match):
        url = match.group(1)
        return f'<a href="{url}" rel="ugc">{url}</a>'

    text = URL_RE.sub(url_sub, text)
    if mention_url is not None:
        def mention_sub(match):
            nick, host = match.group(1), match.group(2)
            url = mention_url(nick, host)
            if url is None:
                return match.group(0)
            return (f'<span class="h-card"><a class="u-url mention" data-user="{nick}" '
                    f'href="{url}" rel="ugc">@<span>{nick}</span></a></span>')
        text = _outside_tags(text, MENTION_RE, mention_sub)
    if tag_url is not None:
        def tag_sub(match):
            name = match.group(1)
            return (f'<a class="hashtag" data-tag="{name.lower()}" href="{tag_url(name)}" '
                    f'rel="tag ugc">#{name}</a>')
        text = _outside_tags(text, HASHTAG_RE, tag_sub)
    return text


def _outside_tags(text: str, pattern: re.Pattern, repl) -> str:
    """Apply a substitution only to text outside of HTML tags and links."""
    parts = re.split(r"(<a\b.*?</a>|<[^>]+>)", text, flags=re.S)
    return "".join(p if p.startswith("<") else pattern.sub(repl, p) for p in parts)


def render(text: str, content_type: str = "text/plain", *,
           mention_url: Callable[[str, str | None], str | None] | None = None,
           tag_url: Callable[[str], str] | None = None) -> str:
    """HTML for a status or bio body in the given content type, sanitised."""
    if content_type not in CONTENT_TYPES:
        content_type = "text/plain"
    if content_type == "text/html":
        body = sanitize(text)
        return sanitize(_linkify_text(body, mention_url, tag_url))
    if content_type == "text/markdown":
        body = _markdown.markdown(html.escape(text, quote=False).replace("&gt;", ">"),
                                  extensions=["fenced_code", "sane_lists"])
        return sanitize(_linkify_text(sanitize(body), mention_url, tag_url))
    escaped = html.escape(text)
    linked = _linkify_text(escaped, mention_url, tag_url)
    return sanitize(linked.replace("\r\n", "\n").replace("\n", "<br/>"))


def render_bio(text: str) -> str:
    if not text:
        return ""
    return render(text, "text/plain")


def mentions_in(text: str) -> list[tuple[str, str | None]]:
    return [(m.group(1), m.group(2)) for m in MENTION_RE.finditer(text)]


def hashtags_in(text: str) -> list[str]:
    seen: list[str] = []
    for m in HASHTAG_RE.finditer(text):
        name = m.group(1).lower()
        if name not in seen and not name.isdigit():
            seen.append(name)
    return seen
