"""Location search for events: a small provider interface and the local gazetteer provider.

`GET /api/v1/pleroma/search/location` lists a provider's results; an event's `location_id`
is a result's `origin_id`, looked up again with `get()` when the event is saved. The default
provider searches the `Location` table that `manage.py locations import` fills, so it needs
no outside service. Another provider (a geocoder over HTTP, through core.http) is a class
with the same two methods named by `settings.EVENT_LOCATION_PROVIDER`.
"""

from __future__ import annotations

import unicodedata
from dataclasses import asdict, dataclass
from functools import cache
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from events.models import Location

DEFAULT_PROVIDER = "events.locations.GazetteerProvider"
SEARCH_LIMIT = 10
ADMINISTRATIVE_TYPES = ("administrative", "region", "country")


@dataclass(frozen=True)
class LocationResult:
    """One search result, in the shape of Pleroma's location search entity."""

    origin_id: str
    origin_provider: str
    description: str
    longitude: float | None = None
    latitude: float | None = None
    street: str | None = None
    postal_code: str | None = None
    locality: str | None = None
    region: str | None = None
    country: str | None = None
    timezone: str | None = None
    type: str | None = None
    url: str | None = None

    def as_search_result(self) -> dict:
        data = asdict(self)
        longitude, latitude = data.pop("longitude"), data.pop("latitude")
        data["geom"] = ({"coordinates": [longitude, latitude], "srid": 4326}
                        if longitude is not None and latitude is not None else None)
        return data

    def as_place(self) -> dict:
        """The snapshot stored on an event (what `pleroma.event.location` shows)."""
        return {"name": self.description, "url": self.url, "longitude": self.longitude,
                "latitude": self.latitude, "street": self.street, "postal_code": self.postal_code,
                "locality": self.locality, "region": self.region, "country": self.country}


class LocationProvider(Protocol):
    name: str

    def search(self, query: str, *, locale: str | None = None, type: str | None = None,
               limit: int = SEARCH_LIMIT) -> list[LocationResult]: ...

    def get(self, origin_id: str, *, locale: str | None = None) -> LocationResult | None: ...


def fold(text: str) -> str:
    """Lower case without accents: how names are stored for search and how queries match."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


class GazetteerProvider:
    """Searches the local `Location` table by name prefix, most populous places first."""

    name = "gazetteer"

    def search(self, query: str, *, locale: str | None = None, type: str | None = None,
               limit: int = SEARCH_LIMIT) -> list[LocationResult]:
        folded = fold(query)
        if not folded:
            return []
        rows = Location.objects.filter(search_name__startswith=folded)
        if type == "ADMINISTRATIVE":
            rows = rows.filter(type__in=ADMINISTRATIVE_TYPES)
        rows = rows.order_by("-population", "name", "id")[:limit]
        return [self.result(row) for row in rows]

    def get(self, origin_id: str, *, locale: str | None = None) -> LocationResult | None:
        row = Location.objects.filter(origin_id=str(origin_id)).first()
        return self.result(row) if row is not None else None

    def result(self, row: Location) -> LocationResult:
        return LocationResult(
            origin_id=row.origin_id, origin_provider=self.name, description=row.name,
            longitude=row.longitude, latitude=row.latitude, street=row.street,
            postal_code=row.postal_code, locality=row.locality, region=row.region,
            country=row.country, timezone=row.timezone, type=row.type or None,
        )


@cache
def _provider_class(path: str):
    return import_string(path)


def provider() -> LocationProvider:
    """The configured provider (settings.EVENT_LOCATION_PROVIDER, the gazetteer by default)."""
    path = settings.EVENT_LOCATION_PROVIDER or DEFAULT_PROVIDER
    return _provider_class(path)()
