"""Location search (pleroma-content 7.1) and the gazetteer behind it."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from events import locations
from events.models import Location

# Three rows in GeoNames' 19-column, tab-separated layout (cities15000.txt).
GEONAMES = "\n".join("\t".join(row) for row in [
    ["2996944", "Lyon", "Lyon", "Lion,Lione,Lyons", "45.74846", "4.84671", "P", "PPLA", "FR", "",
     "84", "69", "691", "69123", "522228", "", "173", "Europe/Paris", "2024-01-01"],
    ["2988507", "Paris", "Paris", "Lutece", "48.85341", "2.3488", "P", "PPLC", "FR", "", "11",
     "75", "751", "75056", "2138551", "", "42", "Europe/Paris", "2024-01-01"],
    ["2996943", "Lyons-la-Forêt", "Lyons-la-Foret", "", "49.3989", "1.4764", "P", "PPL", "FR", "",
     "28", "27", "273", "27377", "750", "", "100", "Europe/Paris", "2024-01-01"],
    ["11071623", "Auvergne-Rhône-Alpes", "Auvergne-Rhone-Alpes", "", "45.5", "4.5", "A", "ADM1",
     "FR", "", "84", "", "", "", "8000000", "", "500", "Europe/Paris", "2024-01-01"],
]) + "\n"


@pytest.fixture
def geonames(tmp_path):
    path = tmp_path / "cities.txt"
    path.write_text(GEONAMES, encoding="utf-8")
    (tmp_path / "countryInfo.txt").write_text("#ISO\tISO3\tISO-Numeric\tfips\tCountry\nFR\tFRA\t250\tFR\tFrance\n")
    (tmp_path / "admin1.txt").write_text("FR.84\tAuvergne-Rhone-Alpes\tAuvergne-Rhone-Alpes\t11071625\n")
    call_command("locations", "import", str(path), "--countries", str(tmp_path / "countryInfo.txt"),
                 "--admin1", str(tmp_path / "admin1.txt"))
    return path


class TestLocationSearch:
    """GET /api/v1/pleroma/search/location"""

    def test_finds_places_by_name_prefix_most_populous_first(self, api, geonames):
        response = api(scopes=["read"]).get("/api/v1/pleroma/search/location?q=lyo")
        assert response.status_code == 200
        results = response.json()
        assert [r["description"] for r in results] == ["Lyon", "Lyons-la-Forêt"]
        assert results[0] == {
            "origin_id": "2996944", "origin_provider": "gazetteer", "description": "Lyon",
            "geom": {"coordinates": [4.84671, 45.74846], "srid": 4326}, "street": None,
            "postal_code": None, "locality": "Lyon", "region": "Auvergne-Rhone-Alpes",
            "country": "France", "timezone": "Europe/Paris", "type": "city", "url": None}

    def test_ignores_case_and_accents(self, api, geonames):
        results = api().get("/api/v1/pleroma/search/location?q=LYONS-LA-FORET").json()
        assert [r["origin_id"] for r in results] == ["2996943"]

    def test_restricts_to_administrative_areas(self, api, geonames):
        results = api().get("/api/v1/pleroma/search/location?q=auvergne&type=ADMINISTRATIVE").json()
        assert [(r["description"], r["type"]) for r in results] == [("Auvergne-Rhône-Alpes", "administrative")]
        assert api().get("/api/v1/pleroma/search/location?q=lyon&type=ADMINISTRATIVE").json() == []

    def test_accepts_a_locale(self, api, geonames):
        assert len(api().get("/api/v1/pleroma/search/location?q=paris&locale=fr").json()) == 1

    def test_an_empty_gazetteer_finds_nothing(self, api):
        assert api().get("/api/v1/pleroma/search/location?q=lyon").json() == []

    def test_refuses_a_missing_query(self, api):
        response = api().get("/api/v1/pleroma/search/location")
        assert response.status_code == 400
        assert response.json() == {"error": "Missing field: q."}

    def test_refuses_an_unknown_type(self, api):
        response = api().get("/api/v1/pleroma/search/location?q=x&type=CITY")
        assert response.status_code == 400
        assert response.json() == {"error": "type - Invalid value for enum."}

    def test_any_token_scope_will_do_but_a_user_is_needed(self, api, anon, geonames):
        assert api(scopes=["push"]).get("/api/v1/pleroma/search/location?q=lyon").status_code == 200
        response = anon.get("/api/v1/pleroma/search/location?q=lyon")
        assert response.status_code == 403
        assert response.json() == {"error": "Invalid credentials."}

    def test_results_feed_event_locations(self, api, geonames):
        client = api(scopes=["write"])
        origin = client.get("/api/v1/pleroma/search/location?q=paris").json()[0]["origin_id"]
        response = client.post("/api/v1/pleroma/events", {
            "name": "Fête", "start_time": "2031-07-14T20:00:00Z", "location_id": origin}, format="json")
        location = response.json()["pleroma"]["event"]["location"]
        assert (location["name"], location["country"], location["latitude"]) == ("Paris", "France", 48.85341)

    def test_a_configured_provider_is_used(self, api, settings):
        settings.EVENT_LOCATION_PROVIDER = "tests.events.test_locations.FixedProvider"
        results = api().get("/api/v1/pleroma/search/location?q=anything").json()
        assert [(r["origin_id"], r["origin_provider"]) for r in results] == [("1", "fixed")]


class FixedProvider:
    """A stand-in provider, as an operator would plug in a geocoder."""

    name = "fixed"

    def search(self, query, *, locale=None, type=None, limit=10):
        return [locations.LocationResult(origin_id="1", origin_provider=self.name, description=query)]

    def get(self, origin_id, *, locale=None):
        return None


class TestLocationsCommand:
    """manage.py locations import|search|count|clear"""

    def test_importing_again_updates_rows(self, geonames, capsys):
        path = geonames.parent / "renamed.txt"
        path.write_text(GEONAMES.replace("\tLyon\tLyon\t", "\tLyon (Rhône)\tLyon\t"), encoding="utf-8")
        call_command("locations", "import", str(path))
        assert Location.objects.count() == 4
        lyon = Location.objects.get(origin_id="2996944")
        assert (lyon.name, lyon.search_name, lyon.country) == ("Lyon (Rhône)", "lyon (rhone)", "FR")
        assert "Imported 4 places (4 in the gazetteer)" in capsys.readouterr().out

    def test_imports_a_csv_with_a_header_row(self, db, tmp_path):
        path = tmp_path / "places.csv"
        path.write_text("id,name,latitude,longitude,street,postal_code,locality,country\n"
                        "hall-1,Town Hall,50.1,8.6,Römerberg 23,60311,Frankfurt,Germany\n"
                        ",skipped without id,,,,,,\n", encoding="utf-8")
        call_command("locations", "import", str(path))
        hall = Location.objects.get()
        assert (hall.origin_id, hall.name, hall.street, hall.postal_code, hall.latitude) == (
            "hall-1", "Town Hall", "Römerberg 23", "60311", 50.1)
        assert locations.provider().get("hall-1").as_place()["street"] == "Römerberg 23"

    def test_refuses_a_header_without_names(self, db, tmp_path):
        path = tmp_path / "bad.csv"
        path.write_text("id,name_of_place\n1,x\n", encoding="utf-8")
        with pytest.raises(CommandError):
            call_command("locations", "import", str(path))

    def test_refuses_a_missing_file(self, db, tmp_path):
        with pytest.raises(CommandError, match="No such file"):
            call_command("locations", "import", str(tmp_path / "none.txt"))

    def test_search_count_and_clear(self, geonames, capsys):
        call_command("locations", "search", "par")
        assert "2988507\tParis" in capsys.readouterr().out
        call_command("locations", "count")
        assert capsys.readouterr().out.strip() == "4"
        call_command("locations", "clear")
        assert not Location.objects.exists()
