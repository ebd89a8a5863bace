"""`manage.py emoji ...`: emoji packs from the command line, like Pleroma's `pleroma_ctl emoji`.

    emoji ls-packs URL                      packs another instance shares
    emoji get-packs URL --pack NAME [--as]  download and install packs (with a progress bar)
    emoji gen-pack PATH --name NAME [...]   a new pack from a directory of images or a zip
    emoji import                            register pack directories dropped into EMOJI_DIR
    emoji ls                                the local packs
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.exceptions import ApiError
from emoji import paths, services
from emoji.models import EmojiPack, PackDownload


class ProgressBar:
    """A one-line text progress bar on stderr (redrawn at most ten times a second)."""

    def __init__(self, label: str, stream=None, width: int = 30):
        self.label, self.stream, self.width = label, stream or sys.stderr, width
        self._drawn = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self._drawn < 0.1:
            return
        self._drawn = now
        filled = int(self.width * done / total) if total else self.width
        bar = "#" * filled + "-" * (self.width - filled)
        end = "\n" if done >= total else ""
        self.stream.write(f"\r{self.label} [{bar}] {done}/{total}{end}")
        self.stream.flush()


class Command(BaseCommand):
    help = "Manage custom emoji packs (list and download remote packs, generate, import)."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="command", required=True)
        ls_packs = commands.add_parser("ls-packs", help="List the packs another instance shares")
        ls_packs.add_argument("url")
        ls_packs.add_argument("--page-size", type=int, default=100)
        get_packs = commands.add_parser("get-packs", help="Download and install packs from an instance")
        get_packs.add_argument("url")
        get_packs.add_argument("--pack", action="append", required=True, dest="packs",
                               help="Remote pack name (repeatable)")
        get_packs.add_argument("--as", dest="as_name", help="Local name (one pack only)")
        gen = commands.add_parser("gen-pack", help="Create a pack from a directory of images or a zip")
        gen.add_argument("source", type=Path)
        gen.add_argument("--name", required=True)
        gen.add_argument("--license", default=None)
        gen.add_argument("--homepage", default=None)
        gen.add_argument("--description", default=None)
        gen.add_argument("--share", action="store_true", help="Let other instances download it")
        commands.add_parser("import", help="Import pack directories found in the emoji directory")
        commands.add_parser("ls", help="List the local packs")

    def handle(self, *args, command: str, **options):
        handler = getattr(self, "do_" + command.replace("-", "_"))
        try:
            handler(**options)
        except ApiError as exc:
            raise CommandError(exc.message) from exc

    def do_ls_packs(self, url: str, page_size: int, **_):
        body = services.list_remote(url, page=1, page_size=page_size)
        packs = body.get("packs", {}) if isinstance(body, dict) else {}
        for name, pack in sorted(packs.items()):
            meta = pack.get("pack") or {}
            shared = "shared" if meta.get("can-download") else (
                "fallback" if meta.get("fallback-src") else "not shared")
            self.stdout.write(f"{name}\t{pack.get('files_count', 0)} emoji\t{shared}\t"
                              f"{meta.get('license', '')}\t{meta.get('description', '')}")
        self.stdout.write(f"{body.get('count', len(packs))} packs")

    def do_get_packs(self, url: str, packs: list[str], as_name: str | None, **_):
        if as_name and len(packs) > 1:
            raise CommandError("--as works with a single --pack")
        for name in packs:
            download = services.request_download(None, url, name, as_name, enqueue=False)
            self.stdout.write(f"Downloading {name} ({len(download.files)} emoji) from {download.archive_url}")
            services.run_download(download, progress=ProgressBar(f"{download.name}", self.stderr._out))
            download.refresh_from_db()
            if download.state != PackDownload.State.DONE:
                raise CommandError(f"{name}: {download.error}")
            self.stdout.write(self.style.SUCCESS(f"Installed {download.name} ({download.progress} emoji)"))

    def do_gen_pack(self, source: Path, name: str, share: bool, **options):
        name = paths.pack_name(name)
        metadata = {key: options[key] for key in ("license", "homepage", "description") if options[key]}
        metadata["share-files"] = share
        pack = services.generate_pack(name, source, metadata)
        count = pack.emoji.count()
        self.stdout.write(self.style.SUCCESS(
            f"Created {pack.name} with {count} emoji; wrote {pack.directory / paths.MANIFEST}"))

    def do_import(self, **_):
        imported = services.import_packs()
        self.stdout.write("Imported: " + (", ".join(imported) if imported else "nothing new"))

    def do_ls(self, **_):
        for pack in EmojiPack.objects.order_by("name"):
            self.stdout.write(f"{pack.name}\t{pack.emoji.count()} emoji\t"
                              f"{'shared' if pack.shared else 'not shared'}")
