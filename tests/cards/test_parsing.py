"""cards.parsing on hostile and odd markup: rules HTTP tests cannot reach one by one."""

from __future__ import annotations

import pytest

from cards import parsing


class TestFirstLink:
    """cards.parsing.first_link"""

    @pytest.mark.parametrize("content, expected", [
        ('<p><a href="https://a.example/x">x</a> <a href="https://b.example/">b</a></p>', "https://a.example/x"),
        ('<span class="h-card"><a class="u-url mention" href="https://m.example/@bob">@bob</a></span>'
         '<a class="hashtag" href="https://m.example/tag/t">#t</a><a href="https://c.example/">c</a>',
         "https://c.example/"),
        ('<a href="https://t.example/tag/x" rel="tag">#x</a>', None),
        ('hi<span class="quote-inline"><br><a href="https://q.example/objects/1">RT</a></span>', None),
        ('<a href="javascript:alert(1)">x</a><a href="mailto:a@b.example">m</a>', None),
        ('<a href="https://ctl.example/\x00">x</a>', None),
        ('<a href="https://frag.example/page?q=1#part">x</a>', "https://frag.example/page?q=1"),
        ('<![if !supportLists]><a href="https://broken.example/">x</a>', "https://broken.example/"),
        ("plain text https://not-linked.example/", None),
        ("", None),
    ])
    def test_picks_the_first_external_link(self, content, expected):
        assert parsing.first_link(content) == expected

    def test_links_to_an_excluded_host_give_none(self):
        assert parsing.first_link('<a href="https://home.example/notice/1">x</a>', exclude_host="home.example") is None


class TestSanitizeEmbed:
    """cards.parsing.sanitize_embed"""

    @pytest.mark.parametrize("html, expected", [
        ('<iframe src="https://v.example/e/1" width="5" height="6" frameborder="0" style="x" '
         'sandbox="allow-scripts"></iframe>',
         '<iframe src="https://v.example/e/1" width="5" height="6" frameborder="0"></iframe>'),
        ('<iframe src="https://v.example/e/1">inner <b>text</b></iframe>', '<iframe src="https://v.example/e/1"></iframe>'),
        ('<iframe src="data:text/html,<script>alert(1)</script>"></iframe>', ""),
        ('<script>document.write("<iframe src=https://x.example>")</script>', ""),
        ('<object data="https://x.example/f.swf"></object>', ""),
        (None, ""),
        (42, ""),
    ])
    def test_keeps_only_iframes_with_http_sources(self, html, expected):
        assert parsing.sanitize_embed(html) == expected


class TestPage:
    """cards.parsing.parse_page and decode_html"""

    def test_meta_charset_is_honoured_without_a_content_type_charset(self):
        body = '<html><head><meta charset="windows-1252"><title>\x93quoted\x94</title>'.encode("latin-1")
        text = parsing.decode_html(body, "text/html")
        assert parsing.parse_page(text, "https://p.example/").title == "\u201cquoted\u201d"

    def test_unknown_charset_falls_back_to_utf8(self):
        assert parsing.decode_html("é".encode(), "text/html; charset=no-such-codec") == "é"

    def test_first_values_win_and_body_is_not_read(self):
        page = parsing.parse_page(
            '<head><meta property="og:title" content="one"><meta property="og:title" content="two">'
            '<link rel="alternate" type="application/json+oembed" href="/o.json"></head>'
            '<body><meta property="og:description" content="from the body"></body>', "https://p.example/a/b")
        assert page.meta == {"og:title": "one"}
        assert page.oembed_url == "https://p.example/o.json"

    def test_opengraph_keys_lose_their_prefix_and_og_wins(self):
        page = parsing.parse_page('<meta name="twitter:title" content="tw"><meta property="og:title" content="og">'
                                  '<meta name="twitter:card" content="summary">', "https://p.example/")
        assert parsing.opengraph_of(page) == {"title": "og", "card": "summary"}

    def test_dimensions_are_bounded(self):
        assert [parsing.dimension(v) for v in ("480", 1e12, -5, "x", None, 33.7)] == [480, 10000, 0, 0, 0, 33]

    def test_opengraph_is_bounded(self):
        metas = "".join(f'<meta property="og:k{i}" content="{"v" * 5000}">' for i in range(100))
        values = parsing.opengraph_of(parsing.parse_page(metas + f'<meta property="og:{"x" * 100}" content="y">',
                                                         "https://p.example/"))
        assert len(values) == parsing.OPENGRAPH_KEYS
        assert all(len(v) <= parsing.DESCRIPTION_LIMIT for v in values.values())
