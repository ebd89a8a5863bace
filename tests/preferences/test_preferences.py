"""update_credentials' `source`, its use as posting defaults, and GET /api/v1/preferences."""

from __future__ import annotations

import pytest

from preferences.models import Preferences
from statuses.models import Status


class TestUpdateSource:
    """PATCH /api/v1/accounts/update_credentials with source[...]"""

    def test_form_source_sets_privacy_sensitive_and_language(self, api):
        client = api(scopes=["write:accounts"])
        response = client.patch("/api/v1/accounts/update_credentials", {
            "source[privacy]": "private", "source[sensitive]": "1", "source[language]": "de"},
            format="multipart")
        assert response.status_code == 200, response.content
        source = response.json()["source"]
        assert (source["privacy"], source["sensitive"], source["language"]) == ("private", True, "de")
        client.user.refresh_from_db()
        assert (client.user.default_scope, client.user.language) == ("private", "de")
        assert Preferences.objects.get(user=client.user).posting_sensitive is True

    def test_json_source_object_is_read_too(self, api):
        client = api(scopes=["read:accounts", "write:accounts"])
        response = client.patch("/api/v1/accounts/update_credentials",
                                {"source": {"privacy": "unlisted", "sensitive": True}}, format="json")
        assert response.status_code == 200
        me = client.get("/api/v1/accounts/verify_credentials").json()
        assert me["source"]["privacy"] == "unlisted"
        assert me["source"]["sensitive"] is True

    def test_urlencoded_form_like_toot_sends_it(self, api):
        client = api(scopes=["write:accounts"])
        response = client.patch("/api/v1/accounts/update_credentials", "source%5Bprivacy%5D=direct",
                                content_type="application/x-www-form-urlencoded")
        assert response.status_code == 200
        assert response.json()["source"]["privacy"] == "direct"

    def test_default_scope_still_works_and_absent_source_keeps_values(self, api):
        client = api(scopes=["write:accounts"])
        client.patch("/api/v1/accounts/update_credentials", {"source[sensitive]": "true"})
        response = client.patch("/api/v1/accounts/update_credentials", {"default_scope": "private"})
        assert response.json()["source"]["privacy"] == "private"
        assert response.json()["source"]["sensitive"] is True

    def test_unsetting_sensitive(self, api):
        client = api(scopes=["write:accounts"])
        client.patch("/api/v1/accounts/update_credentials", {"source[sensitive]": "true"})
        response = client.patch("/api/v1/accounts/update_credentials", {"source[sensitive]": "false"})
        assert response.json()["source"]["sensitive"] is False

    def test_refuses_an_unknown_visibility(self, api):
        client = api(scopes=["write:accounts"])
        response = client.patch("/api/v1/accounts/update_credentials", {"source[privacy]": "everyone"})
        assert response.status_code == 400
        assert "privacy" in response.json()["error"]
        client.user.refresh_from_db()
        assert client.user.default_scope == "public"

    def test_ignores_source_keys_nobody_documents(self, api):
        client = api(scopes=["write:accounts"])
        response = client.patch("/api/v1/accounts/update_credentials", {"source[note]": "x",
                                                                        "source[privacy]": "private"})
        assert response.status_code == 200
        assert response.json()["source"]["privacy"] == "private"
        assert response.json()["source"]["note"] == ""

    def test_refuses_a_read_only_token(self, api):
        client = api(scopes=["read"])
        response = client.patch("/api/v1/accounts/update_credentials", {"source[privacy]": "private"})
        assert response.status_code == 403


class TestPostingDefaults:
    """POST /api/v1/statuses after source[...] was set"""

    @pytest.fixture
    def client(self, api):
        client = api()
        client.patch("/api/v1/accounts/update_credentials", {
            "source[privacy]": "unlisted", "source[sensitive]": "true", "source[language]": "fr"})
        return client

    def test_a_post_naming_nothing_gets_the_defaults(self, client):
        response = client.post("/api/v1/statuses", {"status": "bonjour"})
        assert response.status_code == 200, response.content
        body = response.json()
        assert (body["visibility"], body["sensitive"], body["language"]) == ("unlisted", True, "fr")
        status = Status.objects.get(pk__isnull=False, account=client.user)
        assert (status.visibility, status.sensitive, status.language) == ("unlisted", True, "fr")

    def test_what_the_post_names_wins(self, client):
        response = client.post("/api/v1/statuses", {"status": "hello", "visibility": "public",
                                                    "sensitive": "false", "language": "en"})
        body = response.json()
        assert (body["visibility"], body["sensitive"], body["language"]) == ("public", False, "en")


class TestPreferences:
    """GET /api/v1/preferences"""

    def test_shows_the_posting_defaults(self, api):
        client = api(scopes=["read:accounts", "write:accounts"])
        assert client.get("/api/v1/preferences").json() == {
            "posting:default:visibility": "public", "posting:default:sensitive": False,
            "posting:default:language": None, "reading:expand:media": "default",
            "reading:expand:spoilers": False}
        client.patch("/api/v1/accounts/update_credentials", {
            "source[privacy]": "private", "source[sensitive]": "1", "source[language]": "ja"})
        body = client.get("/api/v1/preferences").json()
        assert body["posting:default:visibility"] == "private"
        assert body["posting:default:sensitive"] is True
        assert body["posting:default:language"] == "ja"

    def test_needs_read_accounts(self, api, anon):
        assert api(scopes=["read:statuses"]).get("/api/v1/preferences").status_code == 403
        assert anon.get("/api/v1/preferences").json() == {"error": "Invalid credentials."}
