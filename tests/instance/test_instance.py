"""Instance documents: v1, v2, peers, frontend configurations, the features list."""

from django.apps import apps

from instance.features import features
from push import vapid
from tests.factories import StatusFactory, UserFactory

VERSION = "2.7.2 (compatible; Pleroma 2.7.0)"


class TestInstanceV1:
    """GET /api/v1/instance"""

    def test_describes_the_instance_for_anonymous_clients(self, anon, settings):
        settings.INSTANCE_NAME = "Example"
        settings.MAX_TOOT_CHARS = 777
        UserFactory.create_batch(2)
        UserFactory(is_active=False)
        StatusFactory()
        response = anon.get("/api/v1/instance/")
        assert response.status_code == 200
        body = response.json()
        assert body["title"] == "Example"
        assert body["version"] == VERSION
        assert body["uri"] == settings.INSTANCE_DOMAIN
        assert body["stats"] == {"user_count": 3, "status_count": 1, "domain_count": 0}
        assert body["max_toot_chars"] == 777
        assert body["configuration"]["statuses"]["max_characters"] == 777
        assert body["upload_limit"] == settings.UPLOAD_LIMIT
        assert body["avatar_upload_limit"] == settings.AVATAR_UPLOAD_LIMIT
        assert body["banner_upload_limit"] == settings.BANNER_UPLOAD_LIMIT
        assert body["background_upload_limit"] == settings.BACKGROUND_UPLOAD_LIMIT
        assert body["urls"] == {"streaming_api": settings.STREAMING_URL}
        assert body["registrations"] is True and body["approval_required"] is False
        assert body["pleroma"]["vapid_public_key"] == vapid.public_key()
        assert body["rules"] == [] and body["contact_account"] is None

    def test_metadata_lists_features_limits_and_formats(self, anon):
        meta = anon.get("/api/v1/instance").json()["pleroma"]["metadata"]
        assert meta["post_formats"] == ["text/plain", "text/html", "text/markdown"]
        assert meta["fields_limits"] == {"max_fields": 10, "max_remote_fields": 10,
                                         "name_length": 512, "value_length": 2048}
        assert meta["features"][:2] == ["pleroma_api", "mastodon_api"]
        assert meta["features"] == features()
        assert meta["account_activation_required"] is False
        assert meta["federation"]["enabled"] is True  # PLEROMA_FEDERATING, on by default

    def test_registration_settings_are_reported(self, anon, settings):
        settings.REGISTRATIONS_OPEN = False
        settings.ACCOUNT_APPROVAL_REQUIRED = True
        settings.ACCOUNT_ACTIVATION_REQUIRED = True
        body = anon.get("/api/v1/instance").json()
        assert body["registrations"] is False
        assert body["approval_required"] is True
        assert body["pleroma"]["metadata"]["account_activation_required"] is True


class TestInstanceV2:
    """GET /api/v2/instance"""

    def test_has_the_v2_shape_with_limits_in_metadata(self, anon, settings):
        response = anon.get("/api/v2/instance/")
        assert response.status_code == 200
        body = response.json()
        assert body["domain"] == settings.INSTANCE_DOMAIN
        assert body["version"] == VERSION
        assert body["registrations"] == {"enabled": True, "approval_required": False,
                                         "message": None, "url": None}
        assert body["configuration"]["statuses"]["characters_reserved_per_url"] == 0
        assert body["configuration"]["urls"] == {"streaming": settings.STREAMING_URL, "status": None}
        assert "max_pinned_statuses" in body["configuration"]["accounts"]
        assert body["usage"] == {"users": {"active_month": 0}}
        meta = body["pleroma"]["metadata"]
        assert meta["avatar_upload_limit"] == settings.AVATAR_UPLOAD_LIMIT
        assert meta["description_limit"] == 5000
        assert "upload_limit" not in meta
        assert body["contact"] == {"email": settings.INSTANCE_EMAIL, "account": None}


class TestFeatures:
    """The features list: every installed app's `pleroma_features`"""

    def test_collects_every_app_in_pleromas_order(self, monkeypatch):
        config = apps.get_app_config("events")
        monkeypatch.setattr(config, "pleroma_features", ["events", "zzz_custom", "pleroma_api"])
        listed = features()
        assert listed.count("pleroma_api") == 1
        assert listed.index("pleroma_api") < listed.index("events") < listed.index("zzz_custom")


class TestPeers:
    """GET /api/v1/instance/peers"""

    def test_is_empty(self, anon):
        response = anon.get("/api/v1/instance/peers")
        assert response.status_code == 200
        assert response.json() == []


class TestFrontendConfigurations:
    """GET /api/pleroma/frontend_configurations"""

    def test_is_an_empty_object_under_both_prefixes(self, anon):
        for path in ("/api/pleroma/frontend_configurations", "/api/v1/pleroma/frontend_configurations"):
            response = anon.get(path)
            assert response.status_code == 200
            assert response.json() == {}
