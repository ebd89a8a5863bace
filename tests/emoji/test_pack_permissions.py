"""Every admin-only emoji pack route refuses non-staff before looking at the token's scope
(pleroma-content 1.2: the :admin_api pipeline runs before the controller's scope check)."""

import pytest

ADMIN_PACK_ROUTES = [
    ("post", "/api/v1/pleroma/emoji/pack?name=x"),
    ("patch", "/api/v1/pleroma/emoji/pack?name=x"),
    ("delete", "/api/v1/pleroma/emoji/pack?name=x"),
    ("get", "/api/v1/pleroma/emoji/packs/import"),
    ("get", "/api/v1/pleroma/emoji/packs/remote?url=https://example.org"),
    ("post", "/api/v1/pleroma/emoji/packs/download"),
    ("post", "/api/v1/pleroma/emoji/packs/files?name=x"),
    ("patch", "/api/v1/pleroma/emoji/packs/files?name=x"),
    ("delete", "/api/v1/pleroma/emoji/packs/files?name=x"),
    # the /api/pleroma form of the same routes
    ("post", "/api/pleroma/emoji/pack?name=x"),
    ("get", "/api/pleroma/emoji/packs/import"),
]


@pytest.mark.parametrize("method,path", ADMIN_PACK_ROUTES)
@pytest.mark.parametrize("scopes", [["read", "write"], ["admin:write"]])
def test_a_non_staff_user_is_not_a_staff_member_whatever_the_token(api, data_dir, method, path, scopes):
    response = getattr(api(scopes=scopes), method)(path)
    assert response.status_code == 403
    assert response.json() == {"error": "User is not a staff member."}


@pytest.mark.parametrize("method,path", ADMIN_PACK_ROUTES[:3])
def test_staff_without_admin_write_lacks_the_scope(api, data_dir, method, path):
    response = getattr(api(scopes=["read", "write"], is_admin=True), method)(path)
    assert response.status_code == 403
    assert response.json() == {"error": "Insufficient permissions: admin:write."}


def test_anonymous_callers_are_refused_first(anon, data_dir):
    response = anon.post("/api/v1/pleroma/emoji/pack?name=x")
    assert response.status_code == 403
    assert response.json() == {"error": "Invalid credentials."}
