"""Malformed remote instance URLs (found by the schema fuzzer as 500s) are the caller's 400."""

import pytest

REMOTE = "/api/v1/pleroma/emoji/packs/remote"
DOWNLOAD = "/api/v1/pleroma/emoji/packs/download"


class TestRemotePacksUrl:
    """GET /api/v1/pleroma/emoji/packs/remote?url=..."""

    @pytest.mark.parametrize("url", ["]x", "http://[", "https://[::1"])
    def test_an_unbalanced_ipv6_bracket_is_an_invalid_url(self, admin_api, url):
        response = admin_api.get(REMOTE, {"url": url})
        assert response.status_code == 400
        assert response.json() == {"error": "Invalid URL"}


class TestDownloadPackUrl:
    """POST /api/v1/pleroma/emoji/packs/download"""

    def test_an_unbalanced_ipv6_bracket_is_an_invalid_url(self, admin_api):
        response = admin_api.post(DOWNLOAD, {"url": "http://[", "name": "test_pack"})
        assert response.status_code == 400
        assert response.json() == {"error": "Invalid URL"}
