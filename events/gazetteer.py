"""Filling the location gazetteer from a file: GeoNames dumps or a CSV with a header row.

GeoNames files (`cities15000.txt`, `allCountries.txt`...) are tab-separated with 19 columns
and no header; their country and first-level region are codes, turned into names when the
operator also gives `countryInfo.txt` and `admin1CodesASCII.txt`. Any other file needs a
header row naming its columns (`origin_id`/`id`, `name`, `latitude`, `longitude`, `type`,
`street`, `postal_code`, `locality`, `region`, `country`, `timezone`, `population`),
comma- or tab-separated. Rows are upserted on `origin_id`, so importing again updates.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.db import transaction

from core.exceptions import BadRequest
from events.locations import fold
from events.models import Location

BATCH = 2000
HEADER_COLUMNS = ("origin_id", "name", "latitude", "longitude", "type", "street", "postal_code",
                  "locality", "region", "country", "timezone", "population")
UPDATE_FIELDS = [c for c in HEADER_COLUMNS if c != "origin_id"] + ["search_name"]
# GeoNames feature classes -> our `type` (what search's type=ADMINISTRATIVE filters on).
FEATURE_CLASSES = {"P": "city", "A": "administrative"}
COUNTRY_CODES = ("PCLI", "PCL", "PCLD", "PCLF", "PCLIX", "PCLS")

csv.field_size_limit(10_000_000)  # GeoNames' alternate names column can be long


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None


def _int(value: str | None) -> int:
    try:
        return int(value) if value not in (None, "") else 0
    except ValueError:
        return 0


def _text(value: str | None, limit: int = 200) -> str | None:
    value = (value or "").strip()
    return value[:limit] or None


def read_code_names(path: Path | None, key_columns: int = 1, name_column: int = 4) -> dict[str, str]:
    """`code -> name` from countryInfo.txt (ISO code, column 4) or admin1CodesASCII.txt."""
    if path is None:
        return {}
    names = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#") or not line.strip():
                continue
            cells = line.rstrip("\n").split("\t")
            if len(cells) > name_column:
                names[cells[0] if key_columns == 1 else ".".join(cells[:key_columns])] = cells[name_column]
    return names


def _geonames_rows(lines: Iterable[str], countries: dict, regions: dict) -> Iterator[dict]:
    for cells in csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE):
        if len(cells) < 19 or not cells[0].strip().isdigit():
            continue
        country_code, admin1 = cells[8], cells[10]
        feature_class, feature_code = cells[6], cells[7]
        kind = "country" if feature_code in COUNTRY_CODES else FEATURE_CLASSES.get(feature_class, "place")
        yield {
            "origin_id": cells[0].strip(), "name": cells[1], "latitude": _float(cells[4]),
            "longitude": _float(cells[5]), "type": kind, "street": None, "postal_code": None,
            "locality": cells[1] if kind == "city" else None,
            "region": regions.get(f"{country_code}.{admin1}"),
            "country": countries.get(country_code, country_code) or None,
            "timezone": cells[17] or None, "population": _int(cells[14]),
        }


def _header_rows(lines: Iterable[str], delimiter: str) -> Iterator[dict]:
    reader = csv.DictReader(lines, delimiter=delimiter)
    fields = {f.strip().lower(): f for f in reader.fieldnames or ()}
    if "name" not in fields or not ({"origin_id", "id"} & fields.keys()):
        raise BadRequest("The header row must name at least `origin_id` (or `id`) and `name`")
    id_column = fields.get("origin_id") or fields["id"]
    for raw in reader:
        origin_id = (raw.get(id_column) or "").strip()
        if not origin_id or not (raw.get(fields["name"]) or "").strip():
            continue
        row = {c: _text(raw.get(fields[c])) if c in fields else None for c in HEADER_COLUMNS}
        row.update(origin_id=origin_id[:64], latitude=_float(row["latitude"]),
                   longitude=_float(row["longitude"]), type=row["type"] or "city",
                   population=_int(row["population"]))
        yield row


def parse_locations(handle: io.TextIOBase, *, countries: dict | None = None,
                    regions: dict | None = None) -> Iterator[dict]:
    """The rows of a GeoNames dump or a headed CSV, as `Location` field dicts."""
    first = handle.readline()
    delimiter = "\t" if first.count("\t") >= first.count(",") else ","
    cells = first.rstrip("\r\n").split("\t")
    rest = (line for line in handle)
    if len(cells) >= 19 and cells[0].strip().isdigit():
        yield from _geonames_rows(_chain(first, rest), countries or {}, regions or {})
    else:
        yield from _header_rows(_chain(first, rest), delimiter)


def _chain(first: str, rest: Iterable[str]) -> Iterator[str]:
    yield first
    yield from rest


def _save(batch: list[dict]) -> None:
    objects = []
    for row in batch:
        row["name"] = row["name"][:200]
        objects.append(Location(search_name=fold(row["name"]), **row))
    Location.objects.bulk_create(objects, update_conflicts=True, unique_fields=["origin_id"],
                                 update_fields=UPDATE_FIELDS)


def import_locations(path: Path, *, countries_file: Path | None = None,
                     admin1_file: Path | None = None, batch_size: int = BATCH) -> int:
    """Upsert every place of the file into the gazetteer; returns how many rows were read."""
    countries = read_code_names(countries_file, key_columns=1, name_column=4)
    regions = read_code_names(admin1_file, key_columns=1, name_column=1)
    count = 0
    with open(path, encoding="utf-8", newline="") as handle, transaction.atomic():
        batch: list[dict] = []
        seen: set[str] = set()
        for row in parse_locations(handle, countries=countries, regions=regions):
            if row["origin_id"] in seen:  # one upsert statement may not touch a row twice
                _save(batch)
                batch, seen = [], set()
            batch.append(row)
            seen.add(row["origin_id"])
            count += 1
            if len(batch) >= batch_size:
                _save(batch)
                batch, seen = [], set()
        if batch:
            _save(batch)
    return count


def clear_locations() -> int:
    """Empty the gazetteer (events keep their stored place)."""
    deleted, _ = Location.objects.all().delete()
    return deleted
