"""Lists: /api/v1/lists, /api/v1/lists/:id/accounts, /api/v1/accounts/:id/lists."""

from __future__ import annotations

import pytest

from core import ids
from lists.models import List, ListMember
from relationships.models import Follow
from tests.factories import UserFactory


def follow(follower, followed, state="accept"):
    return Follow.objects.create(follower=follower, followed=followed, state=state)


class TestCreateList:
    """POST /api/v1/lists"""

    def test_creates_a_list_owned_by_the_caller(self, api):
        client = api(scopes=["write:lists"])
        response = client.post("/api/v1/lists", {"title": "Friends"})
        assert response.status_code == 200, response.content
        body = response.json()
        assert body == {"id": body["id"], "title": "Friends", "replies_policy": "list", "exclusive": False}
        assert List.objects.get(pk=ids.decode(body["id"])).owner == client.user

    def test_takes_replies_policy_and_exclusive(self, api):
        client = api(scopes=["write:lists"])
        body = client.post("/api/v1/lists", {"title": "Work", "replies_policy": "none", "exclusive": True},
                           format="json").json()
        assert (body["replies_policy"], body["exclusive"]) == ("none", True)

    @pytest.mark.parametrize(("data", "status", "error"), [
        ({"title": "  "}, 422, "Validation failed: Title can't be blank"),
        ({}, 400, None),
        ({"title": "x", "replies_policy": "everyone"}, 400, None),
    ])
    def test_refuses_bad_input(self, api, data, status, error):
        client = api(scopes=["write:lists"])
        response = client.post("/api/v1/lists", data, format="json")
        assert response.status_code == status
        if error:
            assert response.json() == {"error": error}
        assert not List.objects.exists()

    def test_refuses_more_than_a_hundred_lists(self, api):
        client = api(scopes=["write:lists"])
        List.objects.bulk_create([List(owner=client.user, title=f"l{i}") for i in range(100)])
        response = client.post("/api/v1/lists", {"title": "one more"})
        assert response.status_code == 422
        assert response.json() == {"error": "Validation failed: You cannot have more than 100 lists"}

    def test_refuses_a_read_token(self, api):
        response = api(scopes=["read:lists"]).post("/api/v1/lists", {"title": "x"})
        assert response.status_code == 403
        assert response.json() == {"error": "Insufficient permissions: write:lists."}


class TestReadAndChangeLists:
    """GET /api/v1/lists, GET/PUT/DELETE /api/v1/lists/:id"""

    def test_lists_only_the_callers_lists(self, api):
        client = api(scopes=["read:lists"])
        mine = List.objects.create(owner=client.user, title="mine")
        List.objects.create(owner=UserFactory(), title="theirs")
        assert client.get("/api/v1/lists").json() == [
            {"id": ids.encode(mine.pk), "title": "mine", "replies_policy": "list", "exclusive": False}]

    def test_show_update_and_delete(self, api):
        client = api(scopes=["read:lists", "write:lists"])
        lst = List.objects.create(owner=client.user, title="old")
        path = f"/api/v1/lists/{ids.encode(lst.pk)}"
        assert client.get(path).json()["title"] == "old"
        response = client.put(path, {"title": "new", "replies_policy": "followed"})
        assert response.status_code == 200
        assert (response.json()["title"], response.json()["replies_policy"]) == ("new", "followed")
        assert client.put(path, {"exclusive": "true"}).json()["title"] == "new"
        lst.refresh_from_db()
        assert (lst.title, lst.replies_policy, lst.exclusive) == ("new", "followed", True)
        assert client.delete(path).json() == {}
        assert not List.objects.filter(pk=lst.pk).exists()

    @pytest.mark.parametrize("method", ["get", "put", "delete"])
    def test_someone_elses_list_is_not_found(self, api, method):
        client = api(scopes=["read:lists", "write:lists"])
        theirs = List.objects.create(owner=UserFactory(), title="theirs")
        response = getattr(client, method)(f"/api/v1/lists/{ids.encode(theirs.pk)}", {"title": "mine now"})
        assert response.status_code == 404
        assert response.json() == {"error": "Record not found"}
        theirs.refresh_from_db()
        assert theirs.title == "theirs"

    def test_junk_id_is_not_found(self, api):
        assert api(scopes=["read:lists"]).get("/api/v1/lists/%25%25").status_code == 404

    def test_lists_in_one_query(self, api, django_assert_max_num_queries):
        client = api(scopes=["read:lists"])
        List.objects.bulk_create([List(owner=client.user, title=f"l{i}") for i in range(30)])
        with django_assert_max_num_queries(2):  # token, lists
            assert len(client.get("/api/v1/lists").json()) == 30


class TestListAccounts:
    """GET/POST/DELETE /api/v1/lists/:id/accounts"""

    @pytest.fixture
    def setup(self, api):
        client = api(scopes=["read:lists", "write:lists"])
        lst = List.objects.create(owner=client.user, title="l")
        return client, lst, f"/api/v1/lists/{ids.encode(lst.pk)}/accounts"

    def test_adds_and_removes_followed_accounts(self, setup):
        client, lst, path = setup
        a, b = UserFactory(), UserFactory()
        follow(client.user, a), follow(client.user, b, state="pending")
        response = client.post(path, {"account_ids[]": [ids.encode(a.pk), ids.encode(b.pk)]})
        assert response.status_code == 200, response.content
        assert response.json() == {}
        assert {m.account_id for m in lst.members.all()} == {a.pk, b.pk}
        # adding again is a no-op
        assert client.post(path, {"account_ids": [ids.encode(a.pk)]}, format="json").status_code == 200
        listed = client.get(path).json()
        assert {x["id"] for x in listed} == {ids.encode(a.pk), ids.encode(b.pk)}
        response = client.delete(path, {"account_ids[]": [ids.encode(a.pk)]})
        assert response.status_code == 200
        assert [m.account_id for m in lst.members.all()] == [b.pk]

    def test_delete_reads_the_query_string_too(self, setup):
        client, lst, path = setup
        a = UserFactory()
        follow(client.user, a)
        ListMember.objects.create(list=lst, account=a)
        assert client.delete(f"{path}?account_ids[]={ids.encode(a.pk)}").status_code == 200
        assert not lst.members.exists()

    def test_refuses_accounts_not_followed(self, setup):
        client, lst, path = setup
        followed, stranger = UserFactory(), UserFactory()
        follow(client.user, followed)
        response = client.post(path, {"account_ids[]": [ids.encode(followed.pk), ids.encode(stranger.pk)]})
        assert response.status_code == 422
        assert response.json() == {"error": "Validation failed: Account must be followed to be added to a list"}
        assert not lst.members.exists()

    def test_unknown_accounts_are_not_found(self, setup):
        client, _, path = setup
        assert client.post(path, {"account_ids[]": ["nope"]}).status_code == 404
        assert client.post(path, {"account_ids[]": [ids.encode(ids.new_id())]}).status_code == 404
        assert client.post(path, {}).status_code == 400

    def test_unfollowed_members_are_hidden(self, setup):
        client, lst, path = setup
        a = UserFactory()
        row = follow(client.user, a)
        ListMember.objects.create(list=lst, account=a)
        row.delete()
        assert client.get(path).json() == []

    def test_someone_elses_list_is_not_found(self, api):
        client = api(scopes=["read:lists", "write:lists"])
        theirs = List.objects.create(owner=UserFactory(), title="theirs")
        a = UserFactory()
        follow(client.user, a)
        path = f"/api/v1/lists/{ids.encode(theirs.pk)}/accounts"
        assert client.get(path).status_code == 404
        assert client.post(path, {"account_ids[]": [ids.encode(a.pk)]}).status_code == 404
        assert not theirs.members.exists()

    def test_pages_with_link_headers_and_limit_zero_gives_all(self, setup):
        client, lst, path = setup
        accounts = UserFactory.create_batch(5)
        for a in accounts:
            follow(client.user, a)
            ListMember.objects.create(list=lst, account=a)
        first = client.get(path, {"limit": 2})
        assert len(first.json()) == 2 and 'rel="next"' in first["Link"]
        assert len(client.get(path, {"limit": 0}).json()) == 5

    @pytest.mark.parametrize("size", [1, 30])
    def test_constant_queries(self, setup, size, django_assert_max_num_queries):
        client, lst, path = setup
        for a in UserFactory.create_batch(size):
            follow(client.user, a)
            ListMember.objects.create(list=lst, account=a)
        with django_assert_max_num_queries(4):  # token, list, members with accounts
            assert len(client.get(path).json()) == size


class TestAccountLists:
    """GET /api/v1/accounts/:id/lists"""

    def test_lists_of_the_caller_holding_the_account(self, api):
        client = api(scopes=["read:lists"])
        a = UserFactory()
        holding = List.objects.create(owner=client.user, title="holding")
        List.objects.create(owner=client.user, title="other")
        theirs = List.objects.create(owner=UserFactory(), title="theirs")
        ListMember.objects.create(list=holding, account=a)
        ListMember.objects.create(list=theirs, account=a)
        response = client.get(f"/api/v1/accounts/{ids.encode(a.pk)}/lists")
        assert [x["title"] for x in response.json()] == ["holding"]

    def test_unknown_account(self, api):
        response = api(scopes=["read:lists"]).get(f"/api/v1/accounts/{ids.encode(ids.new_id())}/lists")
        assert response.status_code == 404
