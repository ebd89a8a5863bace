"""`manage.py user new|list|set|rm|reset_password`: manage local accounts from a shell."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from accounts import moderation, services
from accounts.models import User
from accounts.password_reset import reset_link
from core.exceptions import ApiError


class Command(BaseCommand):
    help = "Manage local accounts: new, list, set, rm, reset_password."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)

        new = sub.add_parser("new", help="Create a confirmed, active account.")
        new.add_argument("nickname")
        new.add_argument("email")
        new.add_argument("--password", required=True)
        new.add_argument("--name", default="", help="Display name")
        new.add_argument("--admin", action="store_true")
        new.add_argument("--moderator", action="store_true")

        sub.add_parser("list", help="List local accounts with their flags.")

        change = sub.add_parser("set", help="Change an account's role and lock flags.")
        change.add_argument("nickname")
        for flag in ("admin", "moderator", "locked"):
            change.add_argument(f"--{flag}", dest=flag, action="store_true", default=None)
            change.add_argument(f"--no-{flag}", dest=flag, action="store_false")

        remove = sub.add_parser("rm", help="Deactivate an account and mark it deleted.")
        remove.add_argument("nickname")

        reset = sub.add_parser("reset_password", help="Print a one-time password reset link.")
        reset.add_argument("nickname")

    def handle(self, *args, subcommand: str, **options):
        try:
            getattr(self, f"do_{subcommand}")(**options)
        except ApiError as exc:
            raise CommandError(exc.message) from exc

    def _user(self, nickname: str) -> User:
        user = User.objects.filter(nickname=nickname).first()
        if user is None:
            raise CommandError(f"No local user {nickname}")
        return user

    def do_new(self, *, nickname, email, password, name, admin, moderator, **_):
        user = services.register_user(
            nickname=nickname, email=email, password=password, display_name=name,
            confirmed=True, is_admin=admin, is_moderator=moderator,
        )
        if not user.is_approved:
            User.objects.filter(pk=user.pk).update(is_approved=True)
        self.stdout.write(f"User {user.nickname} created")

    def do_list(self, **_):
        for user in User.objects.order_by("nickname"):
            flags = [name for name, on in (
                ("admin", user.is_admin), ("moderator", user.is_moderator), ("locked", user.locked),
                ("deactivated", not user.is_active), ("deleted", user.is_deleted),
                ("unconfirmed", not user.is_confirmed), ("unapproved", not user.is_approved),
            ) if on]
            self.stdout.write(f"{user.nickname}\t{user.email or ''}\t{' '.join(flags)}".rstrip())

    def do_set(self, *, nickname, admin, moderator, locked, **_):
        user = self._user(nickname)
        changes = {field: value for field, value in (
            ("is_admin", admin), ("is_moderator", moderator), ("locked", locked)) if value is not None}
        if changes:
            User.objects.filter(pk=user.pk).update(**changes)
        user.refresh_from_db()
        self.stdout.write(
            f"User {user.nickname}: admin={user.is_admin} moderator={user.is_moderator} locked={user.locked}")

    def do_rm(self, *, nickname, **_):
        user = self._user(nickname)
        revoked = moderation.remove_user(user)
        self.stdout.write(f"User {user.nickname} deactivated and marked deleted ({revoked} token(s) revoked)")

    def do_reset_password(self, *, nickname, **_):
        user = self._user(nickname)
        self.stdout.write(f"Password reset link for {user.nickname} (works once):")
        self.stdout.write(reset_link(user))
