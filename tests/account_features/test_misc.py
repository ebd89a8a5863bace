"""Captcha (and its check at registration), remote interaction errors, scrobbles."""

import base64
import io
import json

import pytest
from PIL import Image

from accounts import captcha
from accounts.models import Scrobble
from relationships import follows
from tests.factories import AppFactory


@pytest.fixture
def solved(monkeypatch):
    """A captcha whose answer the test knows (the generator's choice is pinned)."""
    monkeypatch.setattr(captcha.secrets, "choice", lambda alphabet: "k")
    return "kkkkk"


class TestCaptcha:
    """GET /api/v1/pleroma/captcha"""

    def test_disabled_is_type_none(self, anon, settings):
        settings.CAPTCHA_ENABLED = False
        assert anon.get("/api/pleroma/captcha").json() == {"type": "none"}

    def test_native_captcha_is_an_inline_png(self, anon, settings):
        settings.CAPTCHA_ENABLED = True
        body = anon.get("/api/v1/pleroma/captcha").json()
        assert set(body) == {"type", "token", "url", "answer_data", "seconds_valid"}
        assert body["type"] == "native" and body["seconds_valid"] == 300 and len(body["token"]) == 14
        assert body["url"].startswith("data:image/png;base64,")
        with Image.open(io.BytesIO(base64.b64decode(body["url"].split(",", 1)[1]))) as image:
            assert image.format == "PNG" and image.size == (captcha.WIDTH, captcha.HEIGHT)


class TestRegistrationCaptcha:
    """POST /api/v1/accounts with PLEROMA_CAPTCHA_ENABLED"""

    def _register(self, anon, **fields):
        app = AppFactory()
        token = anon.post("/oauth/token", {"grant_type": "client_credentials", "client_id": app.client_id,
                                           "client_secret": app.client_secret}).json()["access_token"]
        return anon.post("/api/v1/accounts", {"username": "newbie", "password": "pw", "agreement": "true",
                                              "email": "newbie@example.org", **fields},
                         HTTP_AUTHORIZATION=f"Bearer {token}")

    def test_right_answer_registers_once(self, anon, settings, solved):
        settings.CAPTCHA_ENABLED = True
        body = anon.get("/api/v1/pleroma/captcha").json()
        fields = {"captcha_token": body["token"], "captcha_answer_data": body["answer_data"]}
        wrong = self._register(anon, captcha_solution="zzzzz", **fields)
        assert wrong.json() == {"error": json.dumps({"captcha": ["Invalid CAPTCHA"]}, separators=(",", ":"))}
        ok = self._register(anon, captcha_solution=solved, **fields)
        assert ok.status_code == 200 and "access_token" in ok.json()
        again = self._register(anon, captcha_solution=solved, **fields)
        assert again.json() == {"error": '{"captcha":["CAPTCHA already used"]}'}

    def test_missing_tampered_and_expired(self, anon, settings, solved, monkeypatch):
        settings.CAPTCHA_ENABLED = True
        body = anon.get("/api/v1/pleroma/captcha").json()
        full = {"captcha_solution": solved, "captcha_token": body["token"], "captcha_answer_data": body["answer_data"]}
        for name in ("captcha_solution", "captcha_token", "captcha_answer_data"):
            fields = {k: v for k, v in full.items() if k != name}
            response = self._register(anon, **fields)
            assert response.status_code == 400
            assert json.loads(response.json()["error"]) == {"captcha": [f"Invalid CAPTCHA (Missing parameter: {name})"]}
        other = anon.get("/api/v1/pleroma/captcha").json()
        tampered = self._register(anon, **{**full, "captcha_answer_data": other["answer_data"]})
        assert json.loads(tampered.json()["error"]) == {"captcha": ["Invalid answer data"]}
        monkeypatch.setattr(captcha.time, "time", lambda: 10**10)
        expired = self._register(anon, **full)
        assert json.loads(expired.json()["error"]) == {"captcha": ["CAPTCHA expired"]}

    def test_answer_data_does_not_reveal_the_answer(self, anon, settings, solved):
        settings.CAPTCHA_ENABLED = True
        body = anon.get("/api/v1/pleroma/captcha").json()
        assert solved not in base64.urlsafe_b64decode(body["answer_data"].split(":")[0] + "==").decode(
            "latin-1", errors="ignore")


class TestRemoteInteractionInput:
    """POST /api/v1/pleroma/remote_interaction"""

    def test_missing_fields_are_400(self, anon):
        assert anon.post("/api/v1/pleroma/remote_interaction", {"ap_id": "x"}).json()["error"] == \
            "Missing field: profile."
        assert anon.post("/api/v1/pleroma/remote_interaction", {"profile": "a@b"}).json()["error"] == \
            "Missing field: ap_id."

    def test_unreachable_or_private_hosts_are_couldnt_find_user(self, anon, settings):
        settings.ALLOW_PRIVATE_NETWORKS = False
        for profile in ("someone@127.0.0.1", "not an address", "@x@invalid.invalid"):
            response = anon.post("/api/v1/pleroma/remote_interaction", {"ap_id": "https://x/y", "profile": profile})
            assert (response.status_code, response.json()) == (200, {"error": "Couldn't find user"})


class TestScrobble:
    """POST /api/v1/pleroma/scrobble"""

    def test_records_a_listen(self, api):
        client = api(scopes=["write"])
        response = client.post("/api/v1/pleroma/scrobble", {
            "title": "<b>Song</b>", "artist": "Band", "length": "180000",
            "external_link": "https://music.example/song"})
        assert response.status_code == 200
        body = response.json()
        assert body["title"] == "Song" and body["album"] is None and body["length"] == 180000
        assert body["externalLink"] == body["external_link"] == "https://music.example/song"
        assert body["account"]["id"] and Scrobble.objects.count() == 1

    def test_bad_input_is_400(self, api):
        client = api(scopes=["write"])
        assert client.post("/api/v1/pleroma/scrobble", {"artist": "x"}).json()["error"] == "Missing field: title."
        assert client.post("/api/v1/pleroma/scrobble", {"title": "x", "visibility": "loud"}).status_code == 400
        assert client.post("/api/v1/pleroma/scrobble", {"title": "x", "length": "long"}).status_code == 400

    def test_needs_the_write_scope_itself(self, api):
        response = api(scopes=["write:statuses"]).post("/api/v1/pleroma/scrobble", {"title": "x"})
        assert response.json() == {"error": "Insufficient permissions: write."}


class TestAccountScrobbles:
    """GET /api/v1/pleroma/accounts/:id/scrobbles"""

    def test_lists_what_the_viewer_may_see(self, api, anon, django_assert_max_num_queries):
        owner = api(scopes=["write", "read"])
        for visibility in ("public", "private", "direct", "public"):
            owner.post("/api/v1/pleroma/scrobble", {"title": visibility, "visibility": visibility})
        path = f"/api/v1/pleroma/accounts/{owner.user.nickname}/scrobbles"
        with django_assert_max_num_queries(4):
            assert [s["title"] for s in anon.get(path).json()] == ["public", "public"]
        follower = api(scopes=["read"])
        follows.follow(follower.user, owner.user)
        assert [s["title"] for s in follower.get(path).json()] == ["public", "private", "public"]
        assert len(owner.get(path).json()) == 4
        assert len(anon.get(path, {"limit": 1}).json()) == 1

    def test_unknown_account_is_404(self, anon):
        assert anon.get("/api/v1/pleroma/accounts/ghost/scrobbles").json() == {"error": "Record not found"}



class TestScrobbleListCost:
    """GET /api/v1/pleroma/accounts/:id/scrobbles"""

    def test_constant_queries_for_1_and_21_listens(self, api, anon, django_assert_max_num_queries):
        owner = api(scopes=["write"])
        owner.post("/api/v1/pleroma/scrobble", {"title": "first"})
        path = f"/api/v1/pleroma/accounts/{owner.user.nickname}/scrobbles"
        with django_assert_max_num_queries(10) as one:
            assert len(anon.get(path).json()) == 1
        baseline = len(one.captured_queries)
        for i in range(20):
            owner.post("/api/v1/pleroma/scrobble", {"title": f"n{i}"})
        with django_assert_max_num_queries(baseline):
            assert len(anon.get(path, {"limit": 40}).json()) == 21


def test_the_default_mascot_image_is_served(anon):
    response = anon.get("/images/pleroma-fox-tan-smol.png")
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:8] == b"\x89PNG\r\n\x1a\n"
