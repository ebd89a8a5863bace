"""Custom emoji listings (Pleroma and Mastodon shapes), their cache, the image files, features."""

from __future__ import annotations

import hashlib
from urllib.parse import urlsplit

from emoji import services
from emoji.models import Emoji
from tests.emoji.conftest import make_zip, png
from tests.emoji.test_files import static_server  # noqa: F401 (fixture)


class TestPleromaEmoji:
    """GET /api/v1/pleroma/emoji"""

    def test_maps_shortcodes_to_relative_urls_and_tags(self, anon, make_pack):
        make_pack("test_pack", {"blank": "blank.png", "firefox": "sub/Firefox.png"})
        services.set_tags(Emoji.objects.get(shortcode="firefox"), ["Gif", "Fun"])
        for path in ("/api/v1/pleroma/emoji", "/api/pleroma/emoji", "/api/pleroma/emoji.json"):
            response = anon.get(path)
            assert response.status_code == 200, path
            assert response.json() == {
                "blank": {"image_url": "/emoji/test_pack/blank.png", "tags": ["pack:test_pack"]},
                "firefox": {"image_url": "/emoji/test_pack/sub/Firefox.png",
                            "tags": ["pack:test_pack", "Gif", "Fun"]}}

    def test_ignores_credentials_even_broken_ones(self, anon, data_dir):
        anon.credentials(HTTP_AUTHORIZATION="Bearer nonsense")
        assert anon.get("/api/v1/pleroma/emoji").json() == {}

    def test_is_served_from_the_cache_until_a_pack_changes(self, anon, make_pack,
                                                          django_assert_num_queries, admin_api):
        pack = make_pack("test_pack", {"blank": "blank.png"})
        anon.get("/api/v1/pleroma/emoji")
        with django_assert_num_queries(0):
            assert list(anon.get("/api/v1/pleroma/emoji").json()) == ["blank"]
            assert len(anon.get("/api/v1/custom_emojis").json()) == 1
        services.add_file(pack, data=png(), filename="new.png", shortcode="new")
        assert list(anon.get("/api/v1/pleroma/emoji").json()) == ["blank", "new"]
        services.rename_file(pack, shortcode="new", new_shortcode="newer", new_filename="new.png")
        assert list(anon.get("/api/v1/custom_emojis").json()[i]["shortcode"] for i in (0, 1)) == [
            "blank", "newer"]
        services.delete_pack("test_pack")
        assert anon.get("/api/v1/pleroma/emoji").json() == {}


class TestCustomEmojis:
    """GET /api/v1/custom_emojis"""

    def test_lists_mastodon_custom_emoji_with_absolute_urls(self, anon, make_pack, settings):
        settings.PLEROMA_URL = "https://example.social"
        make_pack("test_pack", {"blank": "blank.png"})
        assert anon.get("/api/v1/custom_emojis").json() == [{
            "shortcode": "blank", "url": "https://example.social/emoji/test_pack/blank.png",
            "static_url": "https://example.social/emoji/test_pack/blank.png",
            "visible_in_picker": True, "tags": ["pack:test_pack"], "category": "pack:test_pack"}]


class TestEmojiFiles:
    """GET /emoji/<pack>/<file>"""

    def test_serves_the_image_and_nothing_outside_the_emoji_directory(self, anon, make_pack, data_dir):
        make_pack("test_pack", {"blank": "sub/blank.png"})
        response = anon.get("/emoji/test_pack/sub/blank.png")
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert b"".join(response.streaming_content) == (data_dir / "emoji/test_pack/sub/blank.png").read_bytes()
        (data_dir / "secret.png").write_bytes(png())
        for path in ("/emoji/test_pack/../../secret.png", "/emoji/test_pack/%2e%2e/%2e%2e/secret.png",
                     "/emoji/test_pack/pack.json", "/emoji/test_pack/missing.png"):
            assert anon.get(path).status_code == 404, path


class TestFeatures:
    """GET /nodeinfo/2.1 metadata.features"""

    def test_advertises_reactions_and_shareable_packs(self, anon):
        links = anon.get("/.well-known/nodeinfo").json()["links"]
        features = anon.get(urlsplit(links[-1]["href"]).path).json()["metadata"]["features"]
        for feature in ("pleroma_emoji_reactions", "pleroma_custom_emoji_reactions", "shareable_emoji_packs"):
            assert feature in features


class TestFallbackSource:
    """PATCH /api/v1/pleroma/emoji/pack?name= with a new fallback-src"""

    def test_stores_the_fallback_archive_hash(self, admin_api, make_pack, static_server, settings):  # noqa: F811
        settings.ALLOW_PRIVATE_NETWORKS = True
        make_pack("test_pack", {"blank": "blank.png"}, share=False)
        archive = make_zip({"blank.png": png()})
        (static_server.root / "pack.zip").write_bytes(archive)
        metadata = {"license": "CC0", "share-files": False, "fallback-src": f"{static_server.url}/pack.zip",
                    "fallback-src-sha256": "ignored"}
        response = admin_api.patch("/api/v1/pleroma/emoji/pack?name=test_pack", {"metadata": metadata},
                                   format="json")
        assert response.status_code == 200, response.content
        assert response.json() == {**metadata,
                                   "fallback-src-sha256": hashlib.sha256(archive).hexdigest().upper()}

    def test_refuses_a_fallback_archive_missing_files(self, admin_api, make_pack, static_server, settings):  # noqa: F811
        settings.ALLOW_PRIVATE_NETWORKS = True
        make_pack("test_pack", {"blank": "blank.png"})
        (static_server.root / "empty.zip").write_bytes(make_zip({}))
        response = admin_api.patch("/api/v1/pleroma/emoji/pack?name=test_pack",
                                   {"metadata": {"fallback-src": f"{static_server.url}/empty.zip"}},
                                   format="json")
        assert response.status_code == 400
        assert response.json() == {
            "error": "The fallback archive does not have all files specified in pack.json"}
