"""manage.py federation_queue [HOST] | --retry HOST | --drop HOST: delivery health per remote
instance, and its queue sent again or given up."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from federation import health


class Command(BaseCommand):
    help = "Show the delivery queue per remote instance; retry or drop one instance's queue."

    def add_arguments(self, parser) -> None:
        parser.add_argument("host", nargs="?", help="show this instance only")
        action = parser.add_mutually_exclusive_group()
        action.add_argument("--retry", metavar="HOST", help="send HOST's queued and failed deliveries again now")
        action.add_argument("--drop", metavar="HOST", help="give up what is queued for HOST")

    def handle(self, *args, host=None, retry=None, drop=None, **options) -> None:
        if retry:
            self.stdout.write(f"{health.retry(retry.lower())} deliveries to {retry.lower()} queued again")
            return
        if drop:
            self.stdout.write(f"{health.drop(drop.lower())} deliveries to {drop.lower()} dropped")
            return
        rows = health.instances(host.lower()) if host else health.instances()
        if host and not rows:
            raise CommandError(f"Nothing was ever delivered to {host}")
        self.stdout.write(f"{'host':40} {'queued':>7} {'failed':>7} {'done':>7}  unreachable  failing since"
                          "              last success")
        for row in rows:
            self.stdout.write(f"{row.host:40} {row.queued:>7} {row.failed:>7} {row.delivered:>7}  "
                              f"{'yes' if row.unreachable else 'no':11}  {_when(row.failing_since):25}  "
                              f"{_when(row.last_success_at)}")
            if host and row.last_error:
                self.stdout.write(f"  last error: {row.last_status or '-'} {row.last_error}")


def _when(moment) -> str:
    return moment.isoformat(timespec="seconds") if moment else "-"
