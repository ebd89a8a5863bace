"""What the instance documents advertise is served: every URL in instance v1/v2 and nodeinfo
answers, every feature string maps to a request that proves it, every limit is enforced."""

from __future__ import annotations

import io
import json
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core import ids
from emoji import services as emoji_services
from instance.features import features
from statuses import services as status_services
from tests.factories import UserFactory

DOCUMENTS = ["/api/v1/instance", "/api/v2/instance", "/nodeinfo/2.0", "/nodeinfo/2.1",
             "/.well-known/nodeinfo"]


def png(size=(8, 8), padding: int = 0) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(out, "PNG")
    return out.getvalue() + b"\0" * padding


@pytest.fixture
def make_pack(data_dir):
    """make_pack(name, {shortcode: filename}, share=True): a pack with real PNG files."""

    def make(name, files, *, share=True):
        pack = emoji_services.create_pack(name)
        for shortcode, filename in files.items():
            emoji_services.add_file(pack, data=png(), filename=filename, shortcode=shortcode)
        emoji_services.update_metadata(name, {"description": "d", "license": "l",
                                              "homepage": "https://pleroma.social", "share-files": share})
        return pack

    return make


def strings_in(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)
    elif isinstance(value, str):
        yield value


def advertised_urls(anon, settings) -> set[str]:
    found = set()
    for document in DOCUMENTS:
        for text in strings_in(anon.get(document).json()):
            if text.startswith(("http://", "https://", "ws://", "wss://")):
                found.add(text)
    return found


class TestAdvertisedUrls:
    """Every URL in GET /api/v1/instance, /api/v2/instance, /nodeinfo/2.x, /.well-known/nodeinfo"""

    def test_every_url_of_this_host_answers(self, anon, settings):
        # Deployments serve /static/ from what `make run` collects; here from the same finders.
        settings.WHITENOISE_USE_FINDERS = True
        UserFactory(is_admin=True)  # staffAccounts lists the admins' actor URLs
        urls = advertised_urls(anon, settings)
        ours = {u for u in urls if urlsplit(u).netloc == urlsplit(settings.PLEROMA_URL).netloc}
        assert len(ours) >= 5, urls  # thumbnail, background, nodeinfo links, an actor
        for url in sorted(ours):
            parts = urlsplit(url)
            response = anon.get(parts.path + (f"?{parts.query}" if parts.query else ""),
                                HTTP_ACCEPT="application/activity+json, application/json, */*")
            assert response.status_code < 400, (url, response.status_code)

    def test_no_websocket_is_advertised(self, anon, settings):
        assert not [u for u in advertised_urls(anon, settings) if u.startswith(("ws://", "wss://"))]
        assert anon.get("/api/v1/instance").json()["urls"] == {}
        assert "streaming" not in anon.get("/api/v2/instance").json()["configuration"]["urls"]
        assert anon.get("/api/v1/streaming").status_code == 404
        assert "mastodon_api_streaming" not in features()

    def test_the_features_lists_agree(self, anon):
        listed = features()
        assert anon.get("/api/v1/instance").json()["pleroma"]["metadata"]["features"] == listed
        assert anon.get("/api/v2/instance").json()["pleroma"]["metadata"]["features"] == listed
        for version in ("2.0", "2.1"):
            assert anon.get(f"/nodeinfo/{version}").json()["metadata"]["features"] == listed


# -- features: each string and a request that proves it -----------------------------------------

def _post(client, **fields) -> dict:
    response = client.post("/api/v1/statuses", fields, format="json")
    assert response.status_code == 200, response.json()
    return response.json()


def prove_pleroma_api(api, anon, make_pack):
    assert anon.get("/api/v1/pleroma/emoji").status_code == 200
    assert anon.get("/api/pleroma/frontend_configurations").status_code == 200


def prove_mastodon_api(api, anon, make_pack):
    assert anon.get("/api/v1/timelines/public").status_code == 200
    assert api().get("/api/v1/accounts/verify_credentials").status_code == 200


def prove_v2_suggestions(api, anon, make_pack):
    response = api().get("/api/v2/suggestions")
    assert response.status_code == 200 and isinstance(response.json(), list)


def prove_explicit_addressing(api, anon, make_pack):
    named, mentioned = UserFactory(), UserFactory()
    body = _post(api(), status=f"hi @{mentioned.nickname}", to=[named.nickname], visibility="direct")
    assert [m["id"] for m in body["mentions"]] == [ids.encode(named.pk)]


def prove_shareable_emoji_packs(api, anon, make_pack):
    make_pack("shared", {"blank": "blank.png"}, share=True)
    assert "shared" in anon.get("/api/v1/pleroma/emoji/packs").json()["packs"]
    response = anon.get("/api/v1/pleroma/emoji/packs/archive", {"name": "shared"})
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"


def prove_multifetch(api, anon, make_pack):
    author = UserFactory()
    first, second = (status_services.create_status(author, text=t) for t in ("one", "two"))
    response = anon.get("/api/v1/statuses", {"id[]": [ids.encode(first.pk), ids.encode(second.pk)]})
    assert sorted(s["id"] for s in response.json()) == sorted([ids.encode(first.pk), ids.encode(second.pk)])


def prove_include_types_filter(api, anon, make_pack):
    client = api()
    other = UserFactory()
    status = status_services.create_status(other, text=f"@{client.user.nickname} hi")
    status_services.favourite(other, status_services.create_status(client.user, text="mine"))
    assert status.pk
    response = client.get("/api/v1/notifications", {"include_types[]": ["mention"]})
    assert [n["type"] for n in response.json()] == ["mention"]


def prove_quote_posting(api, anon, make_pack):
    quoted = status_services.create_status(UserFactory(), text="quote me")
    body = _post(api(), status="quoting", quote_id=ids.encode(quoted.pk))
    assert body["pleroma"]["quote"]["id"] == ids.encode(quoted.pk)
    listed = anon.get(f"/api/v1/pleroma/statuses/{ids.encode(quoted.pk)}/quotes").json()
    assert [s["id"] for s in listed] == [body["id"]]


def prove_emoji_reactions(api, anon, make_pack):
    status = status_services.create_status(UserFactory(), text="react")
    response = api().put(f"/api/v1/pleroma/statuses/{ids.encode(status.pk)}/reactions/👍")
    assert response.json()["pleroma"]["emoji_reactions"][0]["name"] == "👍"


def prove_custom_emoji_reactions(api, anon, make_pack):
    make_pack("dinos", {"dinosaur": "dino.png"})
    status = status_services.create_status(UserFactory(), text="react")
    response = api().put(f"/api/v1/pleroma/statuses/{ids.encode(status.pk)}/reactions/:dinosaur:")
    reaction = response.json()["pleroma"]["emoji_reactions"][0]
    assert reaction["name"] == "dinosaur" and reaction["url"].endswith("/emoji/dinos/dino.png")


def prove_exposable_reactions(api, anon, make_pack):
    status = status_services.create_status(UserFactory(), text="react")
    fan = UserFactory()
    status_services.favourite(fan, status)
    status_services.reblog(fan, status)
    sid = ids.encode(status.pk)
    for path in (f"/api/v1/statuses/{sid}/favourited_by", f"/api/v1/statuses/{sid}/reblogged_by"):
        assert [a["id"] for a in anon.get(path).json()] == [ids.encode(fan.pk)]
    assert anon.get(f"/api/v1/pleroma/statuses/{sid}/reactions").status_code == 200


def prove_bookmark_folders(api, anon, make_pack):
    client = api()
    response = client.post("/api/v1/pleroma/bookmark_folders", {"name": "later"}, format="json")
    assert response.status_code == 200
    assert [f["name"] for f in client.get("/api/v1/pleroma/bookmark_folders").json()] == ["later"]


def prove_events(api, anon, make_pack):
    response = api().post("/api/v1/pleroma/events", {
        "name": "Party", "status": "come", "start_time": "2031-01-01T01:00:00.000Z"}, format="json")
    assert response.status_code == 200
    assert response.json()["pleroma"]["event"]["name"] == "Party"


def prove_polls(api, anon, make_pack):
    body = _post(api(), status="which?", poll={"options": ["a", "b"], "expires_in": 3600})
    assert [o["title"] for o in body["poll"]["options"]] == ["a", "b"]


PROOFS = {
    "pleroma_api": prove_pleroma_api,
    "mastodon_api": prove_mastodon_api,
    "polls": prove_polls,
    "v2_suggestions": prove_v2_suggestions,
    "pleroma_explicit_addressing": prove_explicit_addressing,
    "shareable_emoji_packs": prove_shareable_emoji_packs,
    "multifetch": prove_multifetch,
    "pleroma:api/v1/notifications:include_types_filter": prove_include_types_filter,
    "quote_posting": prove_quote_posting,
    "pleroma_emoji_reactions": prove_emoji_reactions,
    "pleroma_custom_emoji_reactions": prove_custom_emoji_reactions,
    "exposable_reactions": prove_exposable_reactions,
    "pleroma:bookmark_folders": prove_bookmark_folders,
    "events": prove_events,
}


def test_every_advertised_feature_has_a_proof():
    assert set(features()) <= set(PROOFS), set(features()) - set(PROOFS)


@pytest.mark.parametrize("feature", features())
def test_the_feature_is_served(feature, api, anon, make_pack):
    PROOFS[feature](api, anon, make_pack)


# -- limits ----------------------------------------------------------------------------------------

class TestAdvertisedLimits:
    """Each limit in the instance documents is enforced where it applies"""

    def test_max_toot_chars(self, api, anon, settings):
        settings.MAX_TOOT_CHARS = 50
        limit = anon.get("/api/v1/instance").json()["max_toot_chars"]
        assert limit == anon.get("/api/v2/instance").json()["configuration"]["statuses"]["max_characters"] == 50
        client = api()
        assert client.post("/api/v1/statuses", {"status": "x" * limit}).status_code == 200
        response = client.post("/api/v1/statuses", {"status": "x" * (limit + 1)})
        assert (response.status_code, response.json()) == (422, {"error": "The status is over the character limit"})

    def test_upload_limit(self, api, anon, settings, data_dir):
        settings.UPLOAD_LIMIT = 2000
        limit = anon.get("/api/v1/instance").json()["upload_limit"]
        assert limit == anon.get("/api/v2/instance").json()["configuration"]["media_attachments"]["image_size_limit"]
        client = api()
        small = png()
        fits = SimpleUploadedFile("a.png", small + b"\0" * (limit - len(small)), content_type="image/png")
        assert client.post("/api/v1/media", {"file": fits}, format="multipart").status_code == 200
        over = SimpleUploadedFile("b.png", small + b"\0" * (limit + 1 - len(small)), content_type="image/png")
        response = client.post("/api/v1/media", {"file": over}, format="multipart")
        assert (response.status_code, response.json()) == (413, {"error": "File is too large"})

    @pytest.mark.parametrize("field,setting,key", [
        ("avatar", "AVATAR_UPLOAD_LIMIT", "avatar_upload_limit"),
        ("header", "BANNER_UPLOAD_LIMIT", "banner_upload_limit"),
        ("pleroma_background_image", "BACKGROUND_UPLOAD_LIMIT", "background_upload_limit"),
    ])
    def test_profile_image_limits(self, api, anon, settings, data_dir, field, setting, key):
        setattr(settings, setting, 3000)
        limit = anon.get("/api/v1/instance").json()[key]
        assert limit == anon.get("/api/v2/instance").json()["pleroma"]["metadata"][key] == 3000
        client = api()
        small = png()
        over = SimpleUploadedFile("big.png", small + b"\0" * (limit + 1 - len(small)), content_type="image/png")
        response = client.patch("/api/v1/accounts/update_credentials", {field: over}, format="multipart")
        assert response.status_code == 413
        fits = SimpleUploadedFile("ok.png", small, content_type="image/png")
        assert client.patch("/api/v1/accounts/update_credentials", {field: fits},
                            format="multipart").status_code == 200

    def test_description_limit(self, api, anon, data_dir):
        limit = anon.get("/api/v1/instance").json()["description_limit"]
        client = api()
        upload = SimpleUploadedFile("a.png", png(), content_type="image/png")
        response = client.post("/api/v1/media", {"file": upload, "description": "d" * (limit + 1)},
                               format="multipart")
        assert response.status_code == 422
        assert response.json()["error"].startswith("Description is too long")
        upload = SimpleUploadedFile("a.png", png(), content_type="image/png")
        media = client.post("/api/v1/media", {"file": upload, "description": "d" * limit}, format="multipart")
        assert media.status_code == 200
        response = client.put(f"/api/v1/media/{media.json()['id']}", {"description": "d" * (limit + 1)},
                              format="json")
        assert response.status_code == 422

    def test_max_media_attachments(self, api, anon):
        limit = anon.get("/api/v1/instance").json()["max_media_attachments"]
        client = api()
        unknown = [ids.encode(ids.new_id()) for _ in range(limit + 1)]
        response = client.post("/api/v1/statuses", {"status": "hi", "media_ids": unknown}, format="json")
        assert response.status_code == 422
        assert response.json()["error"].startswith("Too many attachments")
        assert client.post("/api/v1/statuses", {"status": "hi", "media_ids": unknown[:limit]},
                           format="json").status_code == 200

    def test_max_pinned_statuses(self, api, anon, settings):
        settings.MAX_PINNED_STATUSES = 2
        limit = anon.get("/api/v2/instance").json()["configuration"]["accounts"]["max_pinned_statuses"]
        client = api()
        made = [_post(client, status=f"pin {i}")["id"] for i in range(limit + 1)]
        for sid in made[:limit]:
            assert client.post(f"/api/v1/statuses/{sid}/pin").status_code == 200
        response = client.post(f"/api/v1/statuses/{made[limit]}/pin")
        assert response.status_code == 400
        assert response.json() == {"error": "You have already pinned the maximum number of statuses"}

    def test_fields_limits(self, api, anon):
        limits = anon.get("/api/v1/instance").json()["pleroma"]["metadata"]["fields_limits"]
        client = api()

        def fields(count, name="n", value="v"):
            return {f"fields_attributes[{i}][name]": f"{name}{i}" for i in range(count)} | {
                f"fields_attributes[{i}][value]": value for i in range(count)}

        # Pleroma's refusals: 413 for too many fields, 403 for a name or value too long
        patch = "/api/v1/accounts/update_credentials"
        assert client.patch(patch, fields(limits["max_fields"])).status_code == 200
        response = client.patch(patch, fields(limits["max_fields"] + 1))
        assert (response.status_code, response.json()) == (413, {"error": "Too many field entries"})
        assert client.patch(patch, fields(1, name="n" * (limits["name_length"] - 1))).status_code == 200
        assert client.patch(patch, fields(1, name="n" * limits["name_length"])).status_code == 403
        assert client.patch(patch, fields(1, value="v" * limits["value_length"])).status_code == 200
        assert client.patch(patch, fields(1, value="v" * (limits["value_length"] + 1))).status_code == 403

    def test_restricted_nicknames_and_closed_registrations(self, anon, settings):
        from accounts import services as account_services
        from tests.factories import AppFactory

        token, _ = account_services.issue_token(AppFactory(), None, ["read", "write"])
        anon.credentials(HTTP_AUTHORIZATION=f"Bearer {token.token}")
        reserved = next(name for name in anon.get("/nodeinfo/2.1").json()["metadata"]["restrictedNicknames"]
                        if name.isalnum())

        def register(nickname):
            return anon.post("/api/v1/accounts", {"username": nickname, "password": "a good password",
                                                  "email": f"{nickname}@example.org", "agreement": True},
                             format="json")

        response = register(reserved)
        assert response.status_code == 400 and "is reserved" in response.json()["error"]
        settings.REGISTRATIONS_OPEN = False
        assert anon.get("/nodeinfo/2.1").json()["openRegistrations"] is False
        assert anon.get("/api/v1/instance").json()["registrations"] is False
        assert register("newcomer").status_code == 403
        settings.REGISTRATIONS_OPEN = True
        assert register("newcomer").status_code == 200

    def test_poll_limits(self):
        pytest.skip("poll limits are enforced and tested by the polls change being built alongside "
                    "(POST /api/v1/statuses with poll[...])")

    def test_the_documents_are_json(self, anon):
        for document in DOCUMENTS:
            response = anon.get(document)
            assert response.status_code == 200
            json.loads(response.content)
