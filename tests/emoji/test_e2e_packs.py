"""Emoji packs between two running instances on loopback, and the admin in headless Chromium."""

from __future__ import annotations

import os
import shutil
import time
import uuid

import pytest

from emoji import services
from emoji.models import Emoji, EmojiPack
from tests.emoji.conftest import png
from tests.factories import PASSWORD, UserFactory

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture
def served_emoji(running_server, settings):
    """The test process writes packs where the first server reads them."""
    settings.EMOJI_DIR = running_server.data_dir / "emoji"
    created: list = []
    yield created
    for directory in created:
        shutil.rmtree(directory, ignore_errors=True)


def share_pack(name: str) -> None:
    pack = services.create_pack(name)
    services.add_file(pack, data=png((10, 20, 30)), filename="blank.png", shortcode=f"{name}_blank")
    services.add_file(pack, data=png((40, 50, 60)), filename="sub/bear.png", shortcode=f"{name}_bear")
    services.update_metadata(name, {"license": "CC0", "share-files": True})


def wait_for_pack(server, name: str, timeout: float = 30) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        response = server.get("/api/v1/pleroma/emoji/pack", params={"name": name})
        if response.status_code == 200:
            return response.json()
        time.sleep(0.2)
    raise AssertionError(f"pack {name} not installed in {timeout}s:\n{server.log()[-3000:]}")


class TestPacksBetweenInstances:
    """GET packs/remote and POST packs/download from one running instance to another"""

    def test_second_instance_lists_and_installs_a_pack_of_the_first(self, running_server, second_server,
                                                                    served_emoji):
        name = f"shared_{uuid.uuid4().hex[:8]}"
        served_emoji.append(running_server.data_dir / "emoji" / name)
        share_pack(name)
        second_server.create_user("boss", admin=True)
        token = second_server.token("boss", scopes="read write admin")
        local = f"copy_{uuid.uuid4().hex[:8]}"
        served_emoji.append(second_server.data_dir / "emoji" / local)

        listing = second_server.get("/api/v1/pleroma/emoji/packs/remote", token,
                                    params={"url": running_server.url})
        assert listing.status_code == 200, second_server.log()[-3000:]
        assert listing.json()["packs"][name]["pack"]["can-download"] is True

        response = second_server.post("/api/v1/pleroma/emoji/packs/download", token,
                                      data={"url": running_server.url, "name": name, "as": local})
        assert response.status_code == 200, second_server.log()[-3000:]
        assert response.json() == "ok"
        # The archive is fetched by the second instance's worker (its make run started it).
        pack = wait_for_pack(second_server, local)
        assert pack["files"] == {f"{name}_bear": "sub/bear.png", f"{name}_blank": "blank.png"}
        assert pack["pack"]["license"] == "CC0" and pack["pack"]["share-files"] is True
        image = second_server.get(f"/emoji/{local}/sub/bear.png")
        assert image.status_code == 200 and image.content == png((40, 50, 60))
        emoji = second_server.get("/api/v1/custom_emojis").json()
        assert {e["shortcode"] for e in emoji} == {f"{name}_bear", f"{name}_blank"}
        assert emoji[0]["url"].startswith(f"{second_server.url}/emoji/{local}/")

        again = second_server.post("/api/v1/pleroma/emoji/packs/download", token,
                                   data={"url": running_server.url, "name": name, "as": local})
        assert again.status_code == 409

    def test_an_unshared_pack_cannot_be_downloaded(self, running_server, second_server, served_emoji):
        name = f"private_{uuid.uuid4().hex[:8]}"
        served_emoji.append(running_server.data_dir / "emoji" / name)
        share_pack(name)
        services.update_metadata(name, {"share-files": False})
        second_server.create_user("boss", admin=True)
        token = second_server.token("boss", scopes="read write admin")
        response = second_server.post("/api/v1/pleroma/emoji/packs/download", token,
                                      data={"url": running_server.url, "name": name})
        assert response.status_code == 502
        assert response.json() == {"error": "The pack was not set as shared and there is no fallback "
                                            "src to download from"}
        assert running_server.get("/api/v1/pleroma/emoji/packs/archive",
                                  params={"name": name}).status_code == 403
        assert not (second_server.data_dir / "emoji" / name).exists()


class TestAdminInChromium:
    """/admin/emoji/emojipack/ driven by headless Chromium"""

    def test_creates_a_pack_with_an_emoji_through_the_admin_pages(self, running_server, served_emoji,
                                                                  tmp_path, monkeypatch):
        playwright = pytest.importorskip("playwright.sync_api")
        if not os.path.exists(CHROMIUM):
            pytest.skip(f"no Chromium at {CHROMIUM}")
        monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # DB checks between browser steps
        UserFactory(nickname="boss", is_admin=True)
        name = f"admin_{uuid.uuid4().hex[:8]}"
        served_emoji.append(running_server.data_dir / "emoji" / name)
        image = tmp_path / "party.png"
        image.write_bytes(png((200, 100, 0)))

        with playwright.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--headless"])
            page = browser.new_page()
            page.goto(f"{running_server.url}/admin/login/?next=/admin/emoji/emojipack/add/")
            page.fill("#id_username", "boss")
            page.fill("#id_password", PASSWORD)
            page.click("input[type=submit]")
            page.wait_for_url("**/admin/emoji/emojipack/add/")
            page.fill("#id_name", name)
            page.fill("#id_description", "Made in a browser")
            page.check("#id_share_files")
            page.fill("#id_emoji-0-shortcode", "party")
            page.fill("#id_emoji-0-tags_text", "Fun")
            page.set_input_files("#id_emoji-0-upload", str(image))
            page.click("input[name=_continue]")
            page.wait_for_selector(".messagelist .success")
            preview = page.locator(f'img[src="/emoji/{name}/party.png"]')
            assert preview.count() == 1
            assert page.evaluate("img => img.naturalWidth", preview.element_handle()) == 8

            page.goto(f"{running_server.url}/admin/emoji/emojipack/")
            assert page.locator(f"text={name}").count() >= 1
            browser.close()

        pack = EmojiPack.objects.get(name=name)
        assert pack.share_files is True and pack.description == "Made in a browser"
        assert Emoji.objects.get(pack=pack).tags == ["Fun"]
        assert (running_server.data_dir / "emoji" / name / "party.png").read_bytes() == png((200, 100, 0))
        listed = running_server.get("/api/v1/pleroma/emoji").json()
        assert listed["party"] == {"image_url": f"/emoji/{name}/party.png", "tags": [f"pack:{name}", "Fun"]}
