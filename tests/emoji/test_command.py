"""`manage.py emoji ...`: ls-packs, get-packs, gen-pack, import, ls."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from emoji.models import Emoji, EmojiPack
from tests.emoji.conftest import make_zip, png
from tests.emoji.test_files import static_server  # noqa: F401 (fixture)
from tests.emoji.test_remote import FILES, good_archive, publish


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("emoji", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def remote(static_server, settings, data_dir):  # noqa: F811
    settings.ALLOW_PRIVATE_NETWORKS = True
    return static_server


class TestRemoteCommands:
    """manage.py emoji ls-packs URL / get-packs URL --pack NAME"""

    def test_lists_the_packs_an_instance_shares(self, remote):
        publish(remote, files=FILES, archive=good_archive())
        listing = {"packs": {"test_pack": {"files": FILES, "files_count": 2,
                                           "pack": {"can-download": True, "license": "CC0",
                                                    "description": "Remote pack"}}}, "count": 1}
        (remote.root / "api/v1/pleroma/emoji/packs/index.html").write_text(json.dumps(listing))
        out, _ = run("ls-packs", remote.url)
        assert out.splitlines() == ["test_pack\t2 emoji\tshared\tCC0\tRemote pack", "1 packs"]

    def test_downloads_a_pack_with_a_progress_bar(self, remote, settings):
        publish(remote, files=FILES, archive=good_archive())
        out, err = run("get-packs", remote.url, "--pack", "test_pack", "--as", "from_cli")
        assert "Installed from_cli (2 emoji)" in out
        assert "from_cli [" in err and "2/2" in err
        assert (settings.EMOJI_DIR / "from_cli/dir/bear.png").read_bytes() == png((4, 5, 6))
        assert set(Emoji.objects.values_list("shortcode", flat=True)) == {"blank", "bear"}

    def test_reports_a_failed_download_and_installs_nothing(self, remote, settings):
        publish(remote, files=FILES, archive=good_archive(), sha="AB" * 32)
        with pytest.raises(CommandError, match="SHA256 for the pack doesn't match"):
            run("get-packs", remote.url, "--pack", "test_pack")
        assert not EmojiPack.objects.exists()
        assert not (settings.EMOJI_DIR / "test_pack").exists()

    def test_refuses_private_addresses_unless_allowed(self, remote, settings):
        settings.ALLOW_PRIVATE_NETWORKS = False
        with pytest.raises(CommandError, match="Refusing to fetch from a private address"):
            run("ls-packs", remote.url)


class TestLocalCommands:
    """manage.py emoji gen-pack / import / ls"""

    def test_generates_a_pack_from_a_directory_of_images(self, data_dir, settings):
        source = data_dir / "images"
        (source / "faces").mkdir(parents=True)
        (source / "smile.png").write_bytes(png())
        (source / "faces/wink.png").write_bytes(png((0, 0, 1)))
        (source / "notes.txt").write_text("ignored")
        out, _ = run("gen-pack", str(source), "--name", "faces", "--license", "CC0", "--share")
        assert "Created faces with 2 emoji" in out
        manifest = json.loads((settings.EMOJI_DIR / "faces/pack.json").read_text())
        assert manifest == {"files": {"smile": "smile.png", "wink": "faces/wink.png"},
                            "pack": {"license": "CC0", "share-files": True}, "files_count": 2}

    def test_generates_a_pack_from_a_zip_and_refuses_a_bad_one(self, data_dir, settings):
        archive = data_dir / "pack.zip"
        archive.write_bytes(make_zip({"a.png": png(), "sub/b.gif": png()}))
        run("gen-pack", str(archive), "--name", "zipped")
        assert json.loads((settings.EMOJI_DIR / "zipped/pack.json").read_text())["files"] == {
            "a": "a.png", "b": "sub/b.gif"}
        evil = data_dir / "evil.zip"
        evil.write_bytes(make_zip({"../../a.png": png()}))
        with pytest.raises(CommandError, match="Unsafe path in archive"):
            run("gen-pack", str(evil), "--name", "evil")
        assert not (settings.EMOJI_DIR / "evil").exists()

    def test_imports_dropped_directories_and_lists_packs(self, data_dir, settings):
        (settings.EMOJI_DIR / "dropped").mkdir(parents=True)
        (settings.EMOJI_DIR / "dropped/smile.png").write_bytes(png())
        out, _ = run("import")
        assert out.strip() == "Imported: dropped"
        out, _ = run("ls")
        assert out.strip() == "dropped\t1 emoji\tnot shared"
