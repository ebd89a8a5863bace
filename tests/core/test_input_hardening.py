"""Inputs the schema fuzzer found answered with 500: each is now a 4xx `{"error": ...}`."""

import pytest

from core import http
from core.ids import decode, encode
from tests.factories import StatusFactory


class TestOptions:
    """OPTIONS on any API route"""

    @pytest.mark.parametrize("path", ["/api/v1/statuses", "/api/v1/accounts/1/follow",
                                      "/api/v1/markers", "/api/v1/pleroma/emoji/pack"])
    def test_answers_the_route_name_instead_of_crashing(self, api, path):
        response = api(scopes=["read"]).options(path)
        assert response.status_code == 200
        assert set(response.json()) == {"name", "description"}


class TestNulBytes:
    """GET /api/v1/accounts/lookup, GET /api/v1/timelines/tag/:tag with a NUL byte"""

    def test_lookup_with_a_nul_byte_is_bad_input(self, api):
        response = api(scopes=["read"]).get("/api/v1/accounts/lookup", {"acct": "\x00fuzz"})
        assert response.status_code == 400
        assert response.json() == {"error": "Invalid input"}

    def test_tag_timeline_with_a_nul_byte_is_bad_input(self, anon):
        response = anon.get("/api/v1/timelines/tag/fuzz\x00")
        assert response.status_code in (400, 404)
        assert "error" in response.json()


class TestMultifetchJunkIds:
    """GET /api/v1/statuses?id[]=..."""

    def test_non_ascii_digits_are_junk_ids_not_a_crash(self, api):
        status = StatusFactory()
        client = api(scopes=["read"])
        response = client.get("/api/v1/statuses", {"id[]": ["¹¹", encode(status.pk), "٣"]})
        assert response.status_code == 200
        assert [s["id"] for s in response.json()] == [encode(status.pk)]

    def test_decode_refuses_unicode_digits(self):
        assert decode("¹¹") is None
        assert decode("٣٣") is None
        assert decode("12").int == 12


class TestOutboundUrls:
    """core.http.check_url"""

    @pytest.mark.parametrize("url", ["http://\U00106c1c.com/", "http://[/", "http://a..b/"])
    def test_unencodable_or_malformed_hosts_are_refused_with_400(self, url):
        with pytest.raises(http.OutboundError) as caught:
            http.check_url(url)
        assert caught.value.status == 400
