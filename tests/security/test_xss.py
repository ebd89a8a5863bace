"""Known XSS payloads through every content type of posting, the bio and profile fields:
whatever comes back holds only safe tags, attributes and URL schemes."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from core.markup import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, URL_SCHEMES

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    "<iframe src=https://evil.example></iframe>",
    "<body onload=alert(1)>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '"><script>alert(1)</script>',
    "<scr<script>ipt>alert(1)</script>",
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    "<object data=javascript:alert(1)>",
    '<form action="javascript:alert(1)"><input type=submit></form>',
    "<details open ontoggle=alert(1)>",
    "[x](javascript:alert(1))",
    "![x](javascript:alert(1))",
    '<p title="</p><script>alert(1)</script>">',
    "<meta http-equiv=refresh content='0;url=javascript:alert(1)'>",
    '<base href="javascript:alert(1)//">',
    "<link rel=stylesheet href=https://evil.example/x.css>",
    "<img src=\"x\" alt=\"\" onmouseover=\"alert(1)\">",
    "<<SCRIPT>alert(1);//<</SCRIPT>",
]


class SafeHtmlChecker(HTMLParser):
    def __init__(self):
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"tag <{tag}>")
        # rel is set by the sanitiser on every link; title and lang are its generic attributes
        allowed = ALLOWED_ATTRIBUTES.get(tag, set()) | {"title", "lang"} | ({"rel"} if tag == "a" else set())
        for name, value in attrs:
            if name not in allowed:
                self.problems.append(f"attribute {name} on <{tag}>")
            if name in ("href", "src") and value and ":" in value.split("/")[0]:
                scheme = value.split(":", 1)[0].strip().lower()
                if scheme not in URL_SCHEMES:
                    self.problems.append(f"scheme {scheme} in {name}")


def assert_safe(html: str) -> None:
    checker = SafeHtmlChecker()
    checker.feed(html)
    assert checker.problems == [], (html, checker.problems)
    assert "<script" not in html.lower()  # escaped text (&lt;script) is harmless


@pytest.mark.parametrize("content_type", ["text/plain", "text/markdown", "text/html"])
@pytest.mark.parametrize("payload", PAYLOADS)
def test_status_content_is_sanitised(api, content_type, payload):
    client = api(scopes=["write:statuses", "read:statuses"])
    response = client.post("/api/v1/statuses", {"status": payload, "content_type": content_type,
                                                 "spoiler_text": payload})
    assert response.status_code == 200, response.content
    body = response.json()
    # `content` is HTML; `spoiler_text` and `pleroma.content["text/plain"]` are plain text
    # that clients insert as text, so only `content` must be safe markup.
    assert_safe(body["content"])


@pytest.mark.parametrize("payload", PAYLOADS)
def test_bio_and_profile_fields_are_sanitised(api, payload):
    client = api(scopes=["write:accounts", "read:accounts"])
    response = client.patch("/api/v1/accounts/update_credentials", {
        "note": payload, "fields_attributes[0][name]": "site", "fields_attributes[0][value]": payload,
    })
    assert response.status_code == 200, response.content
    body = response.json()
    assert_safe(body["note"])
    for field in body["fields"]:
        assert_safe(field["value"])


class NoTagsChecker(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)


@pytest.mark.parametrize("payload", [*PAYLOADS, "&lt;img src=x onerror=alert(1)&gt;"])
def test_profile_field_names_are_plain_text_and_source_keeps_what_was_typed(api, payload):
    """Pleroma clients insert field.name as HTML: no tag may survive in it."""
    client = api(scopes=["write:accounts", "read:accounts"])
    response = client.patch("/api/v1/accounts/update_credentials", {
        "fields_attributes[0][name]": payload, "fields_attributes[0][value]": "value",
    })
    assert response.status_code == 200, response.content
    body = response.json()
    name = body["fields"][0]["name"]
    checker = NoTagsChecker()
    checker.feed(name)
    assert checker.tags == [], name
    assert "<" not in name
    assert body["source"]["fields"] == [{"name": payload, "value": "value"}]
    public = api(scopes=["read:accounts"]).get(f"/api/v1/accounts/{body['id']}").json()
    assert public["fields"] == body["fields"]


def test_profile_field_name_keeps_its_text(api):
    client = api(scopes=["write:accounts"])
    body = client.patch("/api/v1/accounts/update_credentials", {
        "fields_attributes[0][name]": "<b>Site</b> & more", "fields_attributes[0][value]": "https://x.example",
    }).json()
    assert body["fields"][0]["name"] == "Site &amp; more"
    assert body["fields"][0]["value"].startswith("<a ")
    assert body["source"]["fields"] == [{"name": "<b>Site</b> & more", "value": "https://x.example"}]
