"""manage.py remote_media purge --days N: delete the copies of remote media (attachments,
avatars, headers) made more than N days ago; they are hotlinked from their origin again."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Delete copies of remote media older than --days N (they are hotlinked again)."

    def add_arguments(self, parser) -> None:
        commands = parser.add_subparsers(dest="command", required=True)
        purge = commands.add_parser("purge", help="delete copies made more than N days ago")
        purge.add_argument("--days", type=int, required=True, help="age in days (0: every copy)")

    def handle(self, *args, command: str, days: int, **options) -> None:
        from accounts import remote_images
        from statuses.services import remote_media

        if days < 0:
            raise CommandError("--days must be 0 or more")
        age = datetime.timedelta(days=days)
        attachments = remote_media.purge_cached_media(age)
        account_images = remote_images.purge_cached_images(age)
        self.stdout.write(f"{attachments} attachments and {account_images} avatars/headers purged; "
                          "they are hotlinked again")
