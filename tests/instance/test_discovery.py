"""Nodeinfo, webfinger, host-meta and the remote-follow landing page (actors: tests/federation)."""

from xml.etree import ElementTree

from tests.factories import UserFactory

XRD = "{http://docs.oasis-open.org/ns/xri/xrd-1.0}"


class TestNodeinfoLinks:
    """GET /.well-known/nodeinfo"""

    def test_links_both_schema_versions(self, anon, settings):
        response = anon.get("/.well-known/nodeinfo")
        assert response.status_code == 200
        assert response.json() == {"links": [
            {"rel": "http://nodeinfo.diaspora.software/ns/schema/2.0",
             "href": f"{settings.PLEROMA_URL}/nodeinfo/2.0.json"},
            {"rel": "http://nodeinfo.diaspora.software/ns/schema/2.1",
             "href": f"{settings.PLEROMA_URL}/nodeinfo/2.1.json"}]}


class TestNodeinfo:
    """GET /nodeinfo/2.0(.json) and /nodeinfo/2.1(.json)"""

    def test_describes_the_software_and_usage(self, anon, settings):
        UserFactory(nickname="boss", is_admin=True)
        UserFactory(nickname="mod", is_moderator=True)
        UserFactory()
        response = anon.get("/nodeinfo/2.1.json")
        assert response.status_code == 200
        assert response["Content-Type"] == (
            "application/json; profile=http://nodeinfo.diaspora.software/ns/schema/2.1#")
        body = response.json()
        assert body["version"] == "2.1"
        assert body["software"] == {"name": "pleroma", "version": "2.7.0",
                                    "repository": "https://git.pleroma.social/pleroma/pleroma"}
        assert body["protocols"] == ["activitypub"]
        assert body["openRegistrations"] is True
        assert body["usage"]["users"]["total"] == 3
        meta = body["metadata"]
        assert meta["staffAccounts"] == [f"{settings.PLEROMA_URL}/users/boss",
                                         f"{settings.PLEROMA_URL}/users/mod"]
        assert meta["postFormats"] == ["text/plain", "text/html", "text/markdown"]
        assert meta["uploadLimits"]["general"] == settings.UPLOAD_LIMIT
        assert meta["fieldsLimits"]["maxFields"] == 10
        assert "pleroma_api" in meta["features"]
        assert "users" in meta["restrictedNicknames"]
        for key in ("pollLimits", "federation", "roles", "nodeName", "suggestions"):
            assert key in meta

    def test_version_2_0_has_no_repository_and_works_without_suffix(self, anon):
        response = anon.get("/nodeinfo/2.0")
        assert response.status_code == 200
        assert response.json()["version"] == "2.0"
        assert "repository" not in response.json()["software"]

    def test_other_versions_are_not_handled(self, anon):
        response = anon.get("/nodeinfo/3.0.json")
        assert response.status_code == 404
        assert response.json() == {"error": "Nodeinfo schema version not handled"}


class TestWebfinger:
    """GET /.well-known/webfinger"""

    def test_finds_a_local_user_by_acct(self, anon, settings):
        user = UserFactory(nickname="alice")
        response = anon.get("/.well-known/webfinger",
                            {"resource": f"acct:alice@{settings.INSTANCE_DOMAIN}"})
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/jrd+json")
        body = response.json()
        assert body["subject"] == f"acct:alice@{settings.INSTANCE_DOMAIN}"
        assert body["aliases"] == [user.ap_id]
        links = {(link["rel"], link.get("type")): link for link in body["links"]}
        assert links[("self", "application/activity+json")]["href"] == user.ap_id
        assert links[("http://webfinger.net/rel/profile-page", "text/html")]["href"] == user.ap_id
        assert links[("http://ostatus.org/schema/1.0/subscribe", None)] == {
            "rel": "http://ostatus.org/schema/1.0/subscribe",
            "template": f"{settings.PLEROMA_URL}/ostatus_subscribe?acct={{uri}}"}

    def test_finds_a_user_by_actor_url_or_bare_acct(self, anon, settings):
        user = UserFactory(nickname="bob")
        for resource in (user.ap_id, f"bob@{settings.INSTANCE_DOMAIN}"):
            response = anon.get("/.well-known/webfinger", {"resource": resource})
            assert response.status_code == 200
            assert response.json()["aliases"] == [user.ap_id]

    def test_answers_xrd_when_asked(self, anon, settings):
        user = UserFactory(nickname="carol")
        response = anon.get("/.well-known/webfinger", {"resource": "acct:carol@" + settings.INSTANCE_DOMAIN},
                            HTTP_ACCEPT="application/xrd+xml")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/xrd+xml")
        root = ElementTree.fromstring(response.content)
        assert root.find(f"{XRD}Subject").text == f"acct:carol@{settings.INSTANCE_DOMAIN}"
        rels = {(link.get("rel"), link.get("type")): link for link in root.findall(f"{XRD}Link")}
        assert rels[("self", "application/activity+json")].get("href") == user.ap_id
        assert rels[("http://ostatus.org/schema/1.0/subscribe", None)].get("template").endswith(
            "/ostatus_subscribe?acct={uri}")

    def test_unknown_users_other_domains_and_deleted_users_are_not_found(self, anon, settings):
        UserFactory(nickname="gone", is_deleted=True)
        for resource in (f"acct:nobody@{settings.INSTANCE_DOMAIN}", "acct:alice@elsewhere.example",
                         f"acct:gone@{settings.INSTANCE_DOMAIN}"):
            response = anon.get("/.well-known/webfinger", {"resource": resource})
            assert response.status_code == 404
            assert response.json() == {"error": "Couldn't find user"}

    def test_a_missing_resource_is_a_bad_request(self, anon):
        response = anon.get("/.well-known/webfinger")
        assert response.status_code == 400
        assert response.json() == {"error": "Bad Request"}


class TestHostMeta:
    """GET /.well-known/host-meta"""

    def test_points_at_webfinger(self, anon, settings):
        response = anon.get("/.well-known/host-meta")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/xrd+xml")
        link = ElementTree.fromstring(response.content).find(f"{XRD}Link")
        assert link.get("rel") == "lrdd"
        assert link.get("template") == f"{settings.PLEROMA_URL}/.well-known/webfinger?resource={{uri}}"


class TestOstatusSubscribe:
    """GET /ostatus_subscribe?acct="""

    def test_sends_a_local_account_to_its_profile(self, anon, settings):
        user = UserFactory(nickname="frank")
        response = anon.get("/ostatus_subscribe", {"acct": f"frank@{settings.INSTANCE_DOMAIN}"})
        assert response.status_code == 302
        assert response["Location"] == user.ap_id

    def test_unknown_accounts_get_a_page_saying_so(self, anon):
        response = anon.get("/ostatus_subscribe", {"acct": "someone@remote.example"})
        assert response.status_code == 404
        assert b"No account someone@remote.example" in response.content
