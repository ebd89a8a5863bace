"""GET /api/openapi: the OpenAPI document of every API route."""

import jsonschema
import pytest
from schemathesis.specs.openapi.definitions import OPENAPI_30

KNOWN_ROUTES = {
    "/api/v1/instance": "get", "/api/v2/instance": "get", "/api/v1/apps": "post",
    "/api/v1/accounts/verify_credentials": "get", "/api/v1/pleroma/healthcheck": "get",
    "/api/v1/lists": "get", "/api/v1/announcements": "get", "/oauth/token": "post",
}


@pytest.fixture(scope="module")
def document(django_db_setup, django_db_blocker):
    from rest_framework.test import APIClient

    with django_db_blocker.unblock():
        response = APIClient().get("/api/openapi")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi+json")
    return response.json()


class TestOpenApiDocument:
    """GET /api/openapi"""

    def test_is_a_valid_openapi_3_document(self, document):
        assert document["openapi"].startswith("3.0")
        jsonschema.Draft4Validator(OPENAPI_30).validate(document)
        assert document["info"]["version"] == "2.7.2 (compatible; Pleroma 2.7.0)"

    def test_lists_the_known_routes(self, document):
        for path, method in KNOWN_ROUTES.items():
            assert method in document["paths"].get(path, {}), path

    def test_every_operation_has_a_unique_id_and_responses(self, document):
        ids = []
        for path, operations in document["paths"].items():
            for method, operation in operations.items():
                if method == "parameters":
                    continue
                assert operation.get("responses"), f"{method} {path}"
                ids.append(operation["operationId"])
        assert len(ids) == len(set(ids))

    def test_security_comes_from_the_views_scopes(self, document):
        lists = document["paths"]["/api/v1/lists"]["get"]
        assert {"OAuth": ["read:lists"]} in lists["security"]
        assert {} not in lists["security"]
        assert document["paths"]["/api/v1/instance"]["get"].get("security", []) in ([], [{}])
        assert document["paths"]["/api/v1/pleroma/healthcheck"]["get"]["operationId"] == (
            "instance.InstanceViewSet.healthcheck")
        assert "503" in document["paths"]["/api/v1/pleroma/healthcheck"]["get"]["responses"]
