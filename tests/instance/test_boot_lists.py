"""Lists clients fetch at boot: empty for a new account, refused without a token."""

import pytest

USER_LISTS = [
    ("/api/v1/announcements", None),
    ("/api/v1/lists", "read:lists"),
    ("/api/v1/filters", "read:filters"),
]


class TestUserLists:
    """GET /api/v1/announcements, /api/v1/lists, /api/v1/filters"""

    @pytest.mark.parametrize(("path", "scope"), USER_LISTS)
    def test_answers_an_empty_list_to_a_user(self, api, path, scope):
        response = api(scopes=[scope or "read"]).get(path)
        assert response.status_code == 200
        assert response.json() == []

    @pytest.mark.parametrize(("path", "scope"), USER_LISTS)
    def test_refuses_anonymous_callers(self, anon, path, scope):
        response = anon.get(path)
        assert response.status_code == 403
        assert response.json() == {"error": "Invalid credentials."}

    @pytest.mark.parametrize(("path", "scope"), [row for row in USER_LISTS if row[1]])
    def test_refuses_a_token_without_the_scope(self, api, path, scope):
        response = api(scopes=["write"]).get(path)
        assert response.status_code == 403
        assert response.json() == {"error": f"Insufficient permissions: {scope}."}


class TestTrends:
    """GET /api/v1/trends"""

    def test_is_empty_for_anyone_on_a_quiet_server(self, anon):
        response = anon.get("/api/v1/trends")
        assert response.status_code == 200
        assert response.json() == []
