"""manage.py relay follow URL | unfollow URL [--force] | list: the relays this server's relay
actor follows (reference/federation.md §6.4)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from core.exceptions import ApiError
from federation import relay


class Command(BaseCommand):
    help = "Follow, unfollow or list relays (the relay actor is /relay)."

    def add_arguments(self, parser) -> None:
        commands = parser.add_subparsers(dest="command", required=True)
        follow = commands.add_parser("follow", help="follow a relay actor (its ActivityPub id)")
        follow.add_argument("url")
        unfollow = commands.add_parser("unfollow", help="stop following a relay")
        unfollow.add_argument("url")
        unfollow.add_argument("--force", action="store_true", help="remove it even when its actor is gone")
        commands.add_parser("list", help="the relays followed")

    def handle(self, *args, command: str, url: str | None = None, force: bool = False, **options) -> None:
        try:
            if command == "follow":
                row = relay.follow(url)
                state = "following" if row.state == "accept" else "requested (waiting for the relay's Accept)"
                self.stdout.write(f"{url}: {state}")
            elif command == "unfollow":
                self.stdout.write(f"{relay.unfollow(url, force=force)}: unfollowed")
            else:
                for item in relay.relays():
                    state = "accepted" if item["accepted"] else "pending"
                    back = ", follows back" if item["followed_back"] else ""
                    self.stdout.write(f"{item['actor']} ({state}{back})")
        except ApiError as exc:
            raise CommandError(exc.message) from exc
