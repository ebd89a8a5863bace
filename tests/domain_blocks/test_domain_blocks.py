"""GET/POST/DELETE /api/v1/domain_blocks and the Relationship's domain_blocking."""

from __future__ import annotations

import pytest

from core import ids
from domain_blocks import services
from domain_blocks.models import DomainBlock
from tests.factories import UserFactory


class TestBlockDomain:
    """POST /api/v1/domain_blocks"""

    def test_blocks_a_domain_once(self, api):
        client = api(scopes=["write:blocks"])
        response = client.post("/api/v1/domain_blocks", {"domain": "Bad.Example"})
        assert response.status_code == 200, response.content
        assert response.json() == {}
        assert client.post("/api/v1/domain_blocks", {"domain": "bad.example"}, format="json").status_code == 200
        assert list(DomainBlock.objects.filter(user=client.user).values_list("domain", flat=True)) == ["bad.example"]

    def test_follow_scope_is_enough(self, api):
        assert api(scopes=["follow"]).post("/api/v1/domain_blocks", {"domain": "x.example"}).status_code == 200

    @pytest.mark.parametrize(("domain", "status"), [
        ("", 400), ("not a domain", 422), ("-bad-.example", 422), ("a" * 300 + ".example", 422)])
    def test_refuses_bad_domains(self, api, domain, status):
        client = api(scopes=["write:blocks"])
        response = client.post("/api/v1/domain_blocks", {"domain": domain})
        assert response.status_code == status
        assert "error" in response.json()
        assert not DomainBlock.objects.exists()

    def test_refuses_a_missing_domain(self, api):
        response = api(scopes=["write:blocks"]).post("/api/v1/domain_blocks", {})
        assert response.status_code == 400

    def test_refuses_this_servers_domain(self, api, settings):
        response = api(scopes=["write:blocks"]).post("/api/v1/domain_blocks", {"domain": settings.INSTANCE_DOMAIN})
        assert response.status_code == 422
        assert not DomainBlock.objects.exists()

    def test_refuses_a_read_token(self, api):
        response = api(scopes=["read"]).post("/api/v1/domain_blocks", {"domain": "x.example"})
        assert response.status_code == 403
        assert response.json() == {"error": "Insufficient permissions: follow | write:blocks."}


class TestListAndUnblockDomains:
    """GET/DELETE /api/v1/domain_blocks"""

    def test_lists_own_blocks_as_strings_newest_first_with_pages(self, api):
        client = api(scopes=["read:blocks", "write:blocks"])
        for name in ("a.example", "b.example", "c.example"):
            services.block_domain(client.user, name)
        services.block_domain(UserFactory(), "other.example")
        assert client.get("/api/v1/domain_blocks").json() == ["c.example", "b.example", "a.example"]
        first = client.get("/api/v1/domain_blocks", {"limit": 2})
        assert first.json() == ["c.example", "b.example"]
        cursor = ids.encode(DomainBlock.objects.get(domain="b.example").pk)
        assert f"max_id={cursor}" in first["Link"]
        assert client.get("/api/v1/domain_blocks", {"max_id": cursor}).json() == ["a.example"]

    def test_unblocks_from_body_or_query(self, api):
        client = api(scopes=["read:blocks", "write:blocks"])
        services.block_domain(client.user, "a.example")
        services.block_domain(client.user, "b.example")
        assert client.delete("/api/v1/domain_blocks", {"domain": "a.example"}).json() == {}
        assert client.delete("/api/v1/domain_blocks?domain=B.example").status_code == 200
        assert client.get("/api/v1/domain_blocks").json() == []

    def test_constant_queries(self, api, django_assert_max_num_queries):
        client = api(scopes=["read:blocks"])
        DomainBlock.objects.bulk_create([DomainBlock(user=client.user, domain=f"d{i}.example") for i in range(50)])
        with django_assert_max_num_queries(2):
            assert len(client.get("/api/v1/domain_blocks").json()) == 50


class TestDomainBlocking:
    """Relationship.domain_blocking and the filter helpers"""

    def test_relationships_carry_domain_blocking(self, api):
        client = api(scopes=["read:follows"])
        other = UserFactory()
        rel = client.get("/api/v1/accounts/relationships", {"id[]": [ids.encode(other.pk)]}).json()[0]
        assert rel["domain_blocking"] is False

    def test_an_account_on_a_blocked_domain_is_domain_blocked(self, user):
        # Remote accounts come with federation; an account with a domain is answered now.
        services.block_domain(user, "remote.example")
        remote = UserFactory.build(nickname="someone")
        remote.domain = "remote.example"
        local = UserFactory()
        fields = services.relationship_fields(user, [remote, local])
        assert fields[remote.pk] == {"domain_blocking": True}
        assert fields[local.pk] == {"domain_blocking": False}
        assert services.blocks_domain(user, "sub.remote.example") is True
        assert services.blocks_domain(user, "example") is False
        assert services.blocked_domains(user) == {"remote.example"}

    def test_the_sql_filter_is_ready_for_the_timelines(self, user):
        from django.db import connection

        services.block_domain(user, "remote.example")
        with connection.cursor() as cursor:
            for domain, shown in (("'remote.example'", False), ("'fine.example'", True), ("NULL", True)):
                cursor.execute(f"SELECT {services.not_blocked_sql(user.pk, domain)}")
                assert cursor.fetchone()[0] is shown
