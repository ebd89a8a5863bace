"""`manage.py locations import|search|count|clear`: the gazetteer behind location search."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.exceptions import ApiError
from events import gazetteer, locations
from events.models import Location


class Command(BaseCommand):
    help = "Manage the location gazetteer: import, search, count, clear."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)

        load = sub.add_parser("import", help="Add or update places from a GeoNames dump (tab-"
                              "separated, e.g. cities15000.txt) or a CSV with a header row.")
        load.add_argument("path", type=Path)
        load.add_argument("--countries", type=Path, default=None,
                          help="GeoNames countryInfo.txt: country names instead of codes")
        load.add_argument("--admin1", type=Path, default=None,
                          help="GeoNames admin1CodesASCII.txt: region names")

        find = sub.add_parser("search", help="Search as GET /api/v1/pleroma/search/location does.")
        find.add_argument("query")

        sub.add_parser("count", help="How many places the gazetteer holds.")
        sub.add_parser("clear", help="Remove every place (events keep theirs).")

    def handle(self, *args, subcommand: str, **options):
        try:
            getattr(self, f"do_{subcommand}")(**options)
        except ApiError as exc:
            raise CommandError(exc.message) from exc

    def do_import(self, path: Path, countries: Path | None, admin1: Path | None, **_):
        for file in (path, countries, admin1):
            if file is not None and not file.is_file():
                raise CommandError(f"No such file: {file}")
        count = gazetteer.import_locations(path, countries_file=countries, admin1_file=admin1)
        self.stdout.write(f"Imported {count} places ({Location.objects.count()} in the gazetteer)")

    def do_search(self, query: str, **_):
        for result in locations.provider().search(query):
            where = ", ".join(p for p in (result.region, result.country) if p)
            self.stdout.write(f"{result.origin_id}\t{result.description}\t{where}")

    def do_count(self, **_):
        self.stdout.write(str(Location.objects.count()))

    def do_clear(self, **_):
        self.stdout.write(f"Removed {gazetteer.clear_locations()} places")
