"""/api/v1/filters and /api/v2/filters (with their keywords and statuses): the entities,
scopes, other users' filters, bad input."""

import pytest

from core import ids
from filters.models import Filter, FilterKeyword, FilterStatus
from filters.signals import filters_changed
from statuses import services as status_services
from tests.factories import UserFactory


@pytest.fixture
def client(api):
    return api(scopes=["read:filters", "write:filters"])


def create_v2(client, **fields):
    body = {"title": "Spoilers", "context": ["home"], "keywords_attributes": [{"keyword": "finale"}], **fields}
    response = client.post("/api/v2/filters", body, format="json")
    assert response.status_code == 200, response.json()
    return response.json()


class TestV1Filters:
    """GET/POST /api/v1/filters, GET/PUT/DELETE /api/v1/filters/:id"""

    def test_creates_a_v1_filter_as_a_one_keyword_filter(self, client):
        response = client.post("/api/v1/filters", {"phrase": "Finale", "context[]": ["home", "public"],
                                                   "irreversible": "true", "whole_word": "false",
                                                   "expires_in": "3600"})
        assert response.status_code == 200
        body = response.json()
        assert set(body) == {"id", "phrase", "context", "whole_word", "expires_at", "irreversible"}
        assert body["phrase"] == "Finale" and body["context"] == ["home", "public"]
        assert body["irreversible"] is True and body["whole_word"] is False
        assert body["expires_at"].endswith(".000Z")
        keyword = FilterKeyword.objects.get(pk=ids.decode(body["id"]))
        assert keyword.filter.title == "Finale" and keyword.filter.action == "hide"
        assert keyword.filter.user == client.user

    def test_lists_shows_updates_and_deletes(self, client):
        created = client.post("/api/v1/filters", {"phrase": "a", "context[]": "home"}, format="json").json()
        assert created["whole_word"] is True and created["irreversible"] is False
        assert client.get("/api/v1/filters").json() == [created]
        assert client.get(f"/api/v1/filters/{created['id']}").json() == created
        updated = client.put(f"/api/v1/filters/{created['id']}",
                             {"phrase": "b", "context": ["thread"], "irreversible": True}, format="json")
        assert updated.status_code == 200
        assert updated.json()["phrase"] == "b" and updated.json()["context"] == ["thread"]
        assert updated.json()["irreversible"] is True
        assert client.delete(f"/api/v1/filters/{created['id']}").json() == {}
        assert client.get("/api/v1/filters").json() == []
        assert not Filter.objects.exists()

    def test_a_v2_filter_shows_one_v1_filter_per_keyword(self, client):
        create_v2(client, keywords_attributes=[{"keyword": "one"}, {"keyword": "two", "whole_word": False}])
        phrases = [f["phrase"] for f in client.get("/api/v1/filters").json()]
        assert phrases == ["one", "two"]

    def test_refuses_changing_a_shared_filter_from_v1(self, client):
        create_v2(client, keywords_attributes=[{"keyword": "one"}, {"keyword": "two"}])
        first = client.get("/api/v1/filters").json()[0]
        response = client.put(f"/api/v1/filters/{first['id']}", {"context": ["public"]}, format="json")
        assert response.status_code == 422
        assert "more than one filter keyword" in response.json()["error"]
        renamed = client.put(f"/api/v1/filters/{first['id']}", {"phrase": "uno"}, format="json")
        assert renamed.status_code == 200 and renamed.json()["phrase"] == "uno"

    @pytest.mark.parametrize(("body", "error"), [
        ({"context[]": "home"}, "Validation failed: Phrase can't be blank"),
        ({"phrase": "x"}, "Validation failed: Context can't be blank"),
        ({"phrase": "x", "context[]": "everywhere"}, "Validation failed: Context contains invalid values: everywhere"),
        ({"phrase": "x", "context[]": "home", "expires_in": "soon"}, "Validation failed: Expires in is not a number"),
    ])
    def test_refuses_bad_input(self, client, body, error):
        response = client.post("/api/v1/filters", body)
        assert response.status_code == 422
        assert response.json() == {"error": error}
        assert not Filter.objects.exists()

    def test_refuses_json_of_the_wrong_type(self, client):
        response = client.post("/api/v1/filters", {"phrase": {"a": 1}, "context": {"x": 1}}, format="json")
        assert response.status_code == 422

    def test_another_users_filter_is_not_found(self, client, api):
        other = api(scopes=["read:filters", "write:filters"])
        theirs = other.post("/api/v1/filters", {"phrase": "x", "context[]": "home"}).json()
        assert client.get(f"/api/v1/filters/{theirs['id']}").status_code == 404
        assert client.put(f"/api/v1/filters/{theirs['id']}", {"phrase": "y"}).status_code == 404
        assert client.delete(f"/api/v1/filters/{theirs['id']}").status_code == 404
        assert client.get("/api/v1/filters/junk!").json() == {"error": "Record not found"}
        assert client.get("/api/v1/filters").json() == []

    def test_enforces_scopes(self, api, anon):
        assert anon.get("/api/v1/filters").json() == {"error": "Invalid credentials."}
        reader = api(scopes=["read:filters"])
        assert reader.get("/api/v1/filters").status_code == 200
        refused = reader.post("/api/v1/filters", {"phrase": "x", "context[]": "home"})
        assert refused.status_code == 403
        assert refused.json() == {"error": "Insufficient permissions: write:filters."}
        assert api(scopes=["write:filters"]).get("/api/v1/filters").status_code == 403


class TestV2Filters:
    """GET/POST /api/v2/filters, GET/PUT/DELETE /api/v2/filters/:id"""

    def test_creates_a_filter_with_keywords(self, client):
        body = create_v2(client, filter_action="hide", expires_in=600,
                         keywords_attributes=[{"keyword": "finale", "whole_word": False}, {"keyword": "ending"}])
        assert set(body) == {"id", "title", "context", "expires_at", "filter_action", "keywords", "statuses"}
        assert body["title"] == "Spoilers" and body["context"] == ["home"] and body["filter_action"] == "hide"
        assert [(k["keyword"], k["whole_word"]) for k in body["keywords"]] == [("finale", False), ("ending", True)]
        assert body["statuses"] == [] and body["expires_at"] is not None
        assert client.get("/api/v2/filters").json() == [body]
        assert client.get(f"/api/v2/filters/{body['id']}").json() == body

    def test_reads_form_spellings_of_keywords(self, client):
        response = client.post("/api/v2/filters", {
            "title": "t", "context[]": ["home", "notifications"],
            "keywords_attributes[][keyword]": ["a", "b"], "keywords_attributes[][whole_word]": ["false", "true"]})
        assert response.status_code == 200
        assert [(k["keyword"], k["whole_word"]) for k in response.json()["keywords"]] == [("a", False), ("b", True)]
        indexed = client.post("/api/v2/filters", {"title": "u", "context[]": "home",
                                                  "keywords_attributes[0][keyword]": "c"})
        assert [k["keyword"] for k in indexed.json()["keywords"]] == ["c"]

    def test_update_adds_changes_and_removes_keywords(self, client):
        body = create_v2(client, keywords_attributes=[{"keyword": "one"}, {"keyword": "two"}])
        one, two = body["keywords"]
        response = client.put(f"/api/v2/filters/{body['id']}", {
            "title": "Renamed", "context": ["public", "thread"], "filter_action": "hide",
            "keywords_attributes": [{"id": one["id"], "keyword": "uno", "whole_word": False},
                                    {"id": two["id"], "_destroy": True}, {"keyword": "three"}]}, format="json")
        assert response.status_code == 200
        updated = response.json()
        assert updated["title"] == "Renamed" and updated["context"] == ["public", "thread"]
        assert updated["filter_action"] == "hide"
        assert [(k["keyword"], k["whole_word"]) for k in updated["keywords"]] == [("uno", False), ("three", True)]

    def test_update_refuses_a_keyword_of_another_filter(self, client):
        first = create_v2(client)
        second = create_v2(client)
        response = client.put(f"/api/v2/filters/{first['id']}", {
            "keywords_attributes": [{"id": second["keywords"][0]["id"], "keyword": "stolen"}]}, format="json")
        assert response.status_code == 404
        assert FilterKeyword.objects.get(pk=ids.decode(second["keywords"][0]["id"])).keyword == "finale"

    def test_deletes(self, client):
        body = create_v2(client)
        assert client.delete(f"/api/v2/filters/{body['id']}").json() == {}
        assert client.get(f"/api/v2/filters/{body['id']}").status_code == 404
        assert not FilterKeyword.objects.exists()

    @pytest.mark.parametrize(("fields", "error"), [
        ({"title": ""}, "Validation failed: Title can't be blank"),
        ({"context": []}, "Validation failed: Context can't be blank"),
        ({"filter_action": "explode"}, "Validation failed: Filter action is not included in the list"),
        ({"keywords_attributes": [{"keyword": ""}]}, "Validation failed: Keyword can't be blank"),
        ({"keywords_attributes": "finale"}, "Invalid keywords_attributes"),
        ({"expires_in": -5}, "Validation failed: Expires in is out of range"),
        ({"title": "x" * 300}, "Validation failed: Title is too long (maximum is 256 characters)"),
    ])
    def test_refuses_bad_input(self, client, fields, error):
        body = {"title": "Spoilers", "context": ["home"], **fields}
        response = client.post("/api/v2/filters", body, format="json")
        assert response.status_code == 422
        assert response.json() == {"error": error}
        assert not Filter.objects.exists()

    def test_another_users_filter_is_not_found(self, client, api):
        theirs = create_v2(api(scopes=["read:filters", "write:filters"]))
        for response in (client.get(f"/api/v2/filters/{theirs['id']}"),
                         client.put(f"/api/v2/filters/{theirs['id']}", {"title": "mine"}, format="json"),
                         client.delete(f"/api/v2/filters/{theirs['id']}"),
                         client.get(f"/api/v2/filters/{theirs['id']}/keywords"),
                         client.post(f"/api/v2/filters/{theirs['id']}/keywords", {"keyword": "x"}),
                         client.get(f"/api/v2/filters/keywords/{theirs['keywords'][0]['id']}"),
                         client.delete(f"/api/v2/filters/keywords/{theirs['keywords'][0]['id']}")):
            assert response.status_code == 404
            assert response.json() == {"error": "Record not found"}
        assert Filter.objects.get().title == "Spoilers" and FilterKeyword.objects.count() == 1

    def test_lists_in_a_constant_number_of_queries(self, client, django_assert_max_num_queries):
        for n in range(10):
            create_v2(client, title=f"f{n}", keywords_attributes=[{"keyword": "a"}, {"keyword": "b"}])
        with django_assert_max_num_queries(4):  # token, filters, keywords, statuses
            assert len(client.get("/api/v2/filters").json()) == 10
        with django_assert_max_num_queries(2):
            assert len(client.get("/api/v1/filters").json()) == 20

    def test_announces_each_change_after_the_commit(self, client, django_capture_on_commit_callbacks):
        seen = []

        def listener(sender, user_id, **kwargs):
            seen.append(user_id)

        filters_changed.connect(listener)
        try:
            with django_capture_on_commit_callbacks(execute=True):
                body = create_v2(client)
            with django_capture_on_commit_callbacks(execute=True):
                client.delete(f"/api/v2/filters/{body['id']}")
        finally:
            filters_changed.disconnect(listener)
        assert seen == [client.user.pk, client.user.pk]


class TestFilterKeywords:
    """GET/POST /api/v2/filters/:id/keywords, GET/PUT/DELETE /api/v2/filters/keywords/:id"""

    def test_adds_lists_shows_changes_and_removes(self, client):
        body = create_v2(client)
        added = client.post(f"/api/v2/filters/{body['id']}/keywords", {"keyword": "twist", "whole_word": "false"})
        assert added.status_code == 200
        keyword = added.json()
        assert set(keyword) == {"id", "keyword", "whole_word"} and keyword["whole_word"] is False
        listed = client.get(f"/api/v2/filters/{body['id']}/keywords").json()
        assert [k["keyword"] for k in listed] == ["finale", "twist"]
        assert client.get(f"/api/v2/filters/keywords/{keyword['id']}").json() == keyword
        changed = client.put(f"/api/v2/filters/keywords/{keyword['id']}", {"keyword": "plot twist"}).json()
        assert changed["keyword"] == "plot twist" and changed["whole_word"] is False
        assert client.delete(f"/api/v2/filters/keywords/{keyword['id']}").json() == {}
        assert FilterKeyword.objects.count() == 1

    def test_refuses_a_blank_keyword(self, client):
        body = create_v2(client)
        response = client.post(f"/api/v2/filters/{body['id']}/keywords", {"keyword": " "})
        assert response.status_code == 422
        assert response.json() == {"error": "Validation failed: Keyword can't be blank"}


class TestFilterStatuses:
    """GET/POST /api/v2/filters/:id/statuses, GET/DELETE /api/v2/filters/statuses/:id"""

    def test_adds_lists_shows_and_removes(self, client):
        body = create_v2(client)
        status = status_services.create_status(UserFactory(), text="anything")
        added = client.post(f"/api/v2/filters/{body['id']}/statuses", {"status_id": ids.encode(status.pk)})
        assert added.status_code == 200
        row = added.json()
        assert row == {"id": row["id"], "status_id": ids.encode(status.pk)}
        assert client.get(f"/api/v2/filters/{body['id']}/statuses").json() == [row]
        assert client.get(f"/api/v2/filters/statuses/{row['id']}").json() == row
        assert client.get(f"/api/v2/filters/{body['id']}").json()["statuses"] == [row]
        again = client.post(f"/api/v2/filters/{body['id']}/statuses", {"status_id": ids.encode(status.pk)})
        assert again.status_code == 422
        assert client.delete(f"/api/v2/filters/statuses/{row['id']}").json() == {}
        assert not FilterStatus.objects.exists()

    def test_refuses_a_status_the_caller_cannot_see(self, client):
        body = create_v2(client)
        hidden = status_services.create_status(UserFactory(), text="secret", visibility="direct")
        response = client.post(f"/api/v2/filters/{body['id']}/statuses", {"status_id": ids.encode(hidden.pk)})
        assert response.status_code == 404
        assert client.post(f"/api/v2/filters/{body['id']}/statuses", {}).status_code == 404

    def test_another_users_filter_status_is_not_found(self, client, api):
        other = api(scopes=["read:filters", "write:filters"])
        theirs = create_v2(other)
        status = status_services.create_status(UserFactory(), text="anything")
        row = other.post(f"/api/v2/filters/{theirs['id']}/statuses", {"status_id": ids.encode(status.pk)}).json()
        assert client.get(f"/api/v2/filters/statuses/{row['id']}").status_code == 404
        assert client.delete(f"/api/v2/filters/statuses/{row['id']}").status_code == 404
        assert client.get(f"/api/v2/filters/{theirs['id']}/statuses").status_code == 404
        assert FilterStatus.objects.count() == 1
