"""Bodies over DATA_UPLOAD_MAX_MEMORY_SIZE, requests with more than
DATA_UPLOAD_MAX_NUMBER_FIELDS fields and huge numbers in parameters: a clear 4xx with
`{"error": ...}`, never a 500, on anonymous and authenticated routes alike."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import AppFactory

HUGE = "349899409171747000000000000000"
TOO_LARGE = {"error": "Request body is too large"}
TOO_MANY = {"error": "Too many fields in the request"}


@pytest.fixture
def small_limits(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 50


WRITE_ROUTES = ["/oauth/token", "/api/v1/apps", "/oauth/revoke", "/api/v1/statuses",
                "/api/v1/accounts", "/oauth/mfa/challenge"]


@pytest.mark.usefixtures("small_limits")
class TestBodySize:
    """POST bodies past the configured limits"""

    @pytest.mark.parametrize("path", WRITE_ROUTES)
    def test_a_large_form_body_is_413(self, api, path):
        response = api().post(path, {"status": "x" * 20_000, "client_name": "x" * 20_000})
        assert (response.status_code, response.json()) == (413, TOO_LARGE)

    @pytest.mark.parametrize("path", WRITE_ROUTES)
    def test_a_large_json_body_is_413(self, api, path):
        body = json.dumps({"status": "x" * 20_000})
        response = api().post(path, body, content_type="application/json")
        assert (response.status_code, response.json()) == (413, TOO_LARGE)

    @pytest.mark.parametrize("path", WRITE_ROUTES)
    def test_a_large_multipart_field_is_413(self, api, path):
        response = api().post(path, {"status": "x" * 20_000, "client_name": "c"}, format="multipart")
        assert (response.status_code, response.json()) == (413, TOO_LARGE)

    @pytest.mark.parametrize("path", WRITE_ROUTES)
    def test_too_many_form_fields_is_400(self, api, path):
        response = api().post(path, {f"f{i}": "1" for i in range(60)})
        assert (response.status_code, response.json()) == (400, TOO_MANY)

    @pytest.mark.parametrize("path", WRITE_ROUTES)
    def test_too_many_multipart_fields_is_400(self, api, path):
        response = api().post(path, {f"f{i}": "1" for i in range(60)}, format="multipart")
        assert (response.status_code, response.json()) == (400, TOO_MANY)

    def test_too_many_query_parameters_is_400(self, anon):
        query = "&".join(f"f{i}=1" for i in range(60))
        response = anon.get(f"/api/v1/timelines/public?{query}")
        assert (response.status_code, response.json()) == (400, TOO_MANY)

    def test_an_anonymous_token_request_under_the_limits_still_works(self, anon):
        app = AppFactory()
        response = anon.post("/oauth/token", {"grant_type": "client_credentials", "client_id": app.client_id,
                                              "client_secret": app.client_secret})
        assert response.status_code == 200

    def test_a_file_upload_is_not_held_to_the_field_limit(self, api, data_dir):
        from tests.statuses.conftest import png_bytes

        client = api(scopes=["write:media"])
        data = png_bytes() + b"\0" * 20_000  # trailing bytes after IEND: still a PNG
        response = client.post("/api/v1/media", {"file": SimpleUploadedFile("a.png", data, "image/png")},
                               format="multipart")
        assert response.status_code == 200, response.json()

    def test_the_authorize_page_answers_413_in_json(self, client):
        response = client.post("/oauth/authorize", {"authorization[name]": "x" * 20_000})
        assert response.status_code == 413
        assert response.json() == TOO_LARGE


class TestHugeNumbers:
    """Numeric parameters far out of range"""

    @pytest.mark.parametrize("query", [
        f"page={HUGE}&page_size=26704885770371208", "page=349899409171747&page_size=26704885770371208",
        f"page=1&page_size={HUGE}", f"page=-{HUGE}", "page_size=-1",
    ])
    def test_emoji_pack_listing(self, anon, data_dir, query):
        from emoji import services

        services.create_pack("listed")
        response = anon.get(f"/api/v1/pleroma/emoji/packs?{query}")
        assert response.status_code in (400, 422), response.content
        assert "error" in response.json()

    @pytest.mark.parametrize("query", [f"page={HUGE}", f"page_size={HUGE}", "page=349899409171747&page_size=26704885770371208"])
    def test_emoji_pack_show(self, anon, data_dir, query):
        from emoji import services

        services.create_pack("shown")
        response = anon.get(f"/api/v1/pleroma/emoji/pack?name=shown&{query}")
        assert response.status_code in (400, 422), response.content
        assert "error" in response.json()

    @pytest.mark.parametrize("query", [f"page={HUGE}", f"page_size={HUGE}"])
    def test_remote_emoji_packs(self, api, query):
        client = api(scopes=["admin:write"], is_admin=True)
        response = client.get(f"/api/v1/pleroma/emoji/packs/remote?url=https://x.example&{query}")
        assert response.status_code in (400, 422), response.content
        assert "error" in response.json()

    @pytest.mark.parametrize("query", [f"limit={HUGE}", f"offset={HUGE}", "offset=9223372036854775807"])
    def test_search(self, api, query):
        response = api(scopes=["read"]).get(f"/api/v2/search?q=hello&{query}")
        assert response.status_code in (400, 422), response.content
        assert "error" in response.json()

    @pytest.mark.parametrize("param", ["max_id", "since_id", "min_id"])
    def test_timeline_cursors(self, anon, param):
        response = anon.get(f"/api/v1/timelines/public?{param}={HUGE}{HUGE}{HUGE}")
        assert response.status_code in (200, 400, 422), response.content

    def test_timeline_limit(self, anon):
        response = anon.get(f"/api/v1/timelines/public?limit={HUGE}")
        assert response.status_code == 200

    @pytest.mark.parametrize("field", ["duration", "expires_in"])
    def test_mute_duration(self, api, field):
        from tests.factories import UserFactory

        target = UserFactory()
        from core import ids

        response = api(scopes=["write:mutes"]).post(f"/api/v1/accounts/{ids.encode(target.pk)}/mute",
                                                   {field: HUGE})
        assert response.status_code in (400, 422), response.content
        assert "error" in response.json()

    def test_status_expiry(self, api):
        response = api(scopes=["write:statuses"]).post("/api/v1/statuses", {"status": "x", "expires_in": HUGE})
        assert response.status_code in (400, 422), response.content
        assert "error" in response.json()

    def test_scrobble_length(self, api):
        response = api(scopes=["write"]).post("/api/v1/pleroma/scrobble", {"title": "t", "length": HUGE})
        assert response.status_code in (400, 422), response.content
        assert "error" in response.json()


def test_a_row_deleted_between_lookup_and_lock_is_a_404():
    """DELETE /api/v1/pleroma/emoji/packs/files while the pack is being deleted (found by the
    fuzzer running requests side by side): the service's locked re-read finds no row."""
    from core.exceptions import error_body
    from emoji.models import EmojiPack

    assert error_body(EmojiPack.DoesNotExist("EmojiPack matching query does not exist.")) == \
        (404, {"error": "Record not found"})
