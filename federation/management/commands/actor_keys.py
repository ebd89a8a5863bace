"""`manage.py actor_keys create`: give every local account (and the instance actor) a key."""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create the RSA keypairs of local accounts that have none, and of the instance actor."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("create", help="create the missing keys")

    def handle(self, *args, **options):
        from federation import keys

        keys.instance_actor_key()
        made = keys.create_missing_keys()
        self.stdout.write(f"{made} account key(s) created.")
