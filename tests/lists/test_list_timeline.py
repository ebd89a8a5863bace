"""GET /api/v1/timelines/list/:id, and exclusive lists in home."""

from __future__ import annotations

import pytest

from core import ids
from lists.models import List, ListMember
from relationships.models import Follow
from statuses import services
from tests.factories import UserFactory


def id_list(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [s["id"] for s in response.json()]


def enc(*statuses) -> list[str]:
    return [ids.encode(s.pk) for s in statuses]


@pytest.fixture
def setup(api):
    client = api(scopes=["read", "write"])
    member, other_member, followed, stranger = UserFactory.create_batch(4)
    for account in (member, other_member, followed):
        Follow.objects.create(follower=client.user, followed=account)
    lst = List.objects.create(owner=client.user, title="l")
    ListMember.objects.create(list=lst, account=member)
    ListMember.objects.create(list=lst, account=other_member)
    return client, lst, member, other_member, followed, stranger


def timeline(client, lst, **params):
    return client.get(f"/api/v1/timelines/list/{ids.encode(lst.pk)}", params)


class TestListTimeline:
    """GET /api/v1/timelines/list/:id"""

    def test_shows_members_statuses_and_reblogs_newest_first(self, setup):
        client, lst, member, other_member, followed, stranger = setup
        first = services.create_status(member, text="one")
        services.create_status(followed, text="not a member")
        original = services.create_status(stranger, text="boost me")
        reblog = services.reblog(other_member, original)
        private = services.create_status(member, text="followers only", visibility="private")
        assert id_list(timeline(client, lst)) == enc(private, reblog, first)

    def test_replies_policy(self, setup):
        client, lst, member, other_member, followed, stranger = setup
        to_stranger = services.create_status(stranger, text="hi")
        to_followed = services.create_status(followed, text="hi")
        to_member = services.create_status(other_member, text="hi")
        to_owner = services.create_status(client.user, text="hi")
        own_thread = services.create_status(member, text="1/2")
        replies = {name: services.create_status(member, text=f"re {name}", in_reply_to=parent)
                   for name, parent in [("stranger", to_stranger), ("followed", to_followed),
                                        ("member", to_member), ("owner", to_owner), ("self", own_thread)]}
        def shown(policy):
            lst.replies_policy = policy
            lst.save()
            found = set(id_list(timeline(client, lst)))
            return {name for name, s in replies.items() if ids.encode(s.pk) in found}
        assert shown("list") == {"member", "owner", "self"}
        assert shown("followed") == {"followed", "member", "owner", "self"}
        assert shown("none") == {"owner", "self"}

    def test_pages_with_link_headers(self, setup):
        client, lst, member, *_ = setup
        statuses = [services.create_status(member, text=f"s{i}") for i in range(5)]
        first = timeline(client, lst, limit=2)
        assert id_list(first) == enc(statuses[4], statuses[3])
        assert f"max_id={ids.encode(statuses[3].pk)}" in first["Link"]
        assert id_list(timeline(client, lst, limit=2, max_id=ids.encode(statuses[3].pk))) == enc(
            statuses[2], statuses[1])
        assert id_list(timeline(client, lst, min_id=ids.encode(statuses[2].pk))) == enc(statuses[4], statuses[3])

    def test_someone_elses_list_is_not_found(self, api, setup):
        lst = setup[1]
        other = api(scopes=["read:lists"])
        response = timeline(other, lst)
        assert response.status_code == 404
        assert response.json() == {"error": "Record not found"}

    def test_needs_read_lists(self, api, setup):
        client, lst, *_ = setup
        assert timeline(api(scopes=["read:statuses"], user=client.user), lst).status_code == 403

    def test_leaves_out_muted_and_unfollowed_members(self, setup):
        client, lst, member, other_member, *_ = setup
        services.create_status(member, text="muted")
        Follow.objects.filter(follower=client.user, followed=other_member).delete()
        services.create_status(other_member, text="no longer followed")
        from relationships.models import Mute
        Mute.objects.create(muter=client.user, muted=member)
        assert id_list(timeline(client, lst)) == []

    @pytest.mark.parametrize("size", [1, 30])
    def test_constant_queries(self, setup, size, django_assert_max_num_queries):
        client, lst, member, other_member, followed, stranger = setup
        base = services.create_status(followed, text="base")
        for i in range(size):
            if i % 3 == 0:
                services.reblog(member, base) if i == 0 else services.create_status(member, text=f"{i}", quote=base)
            else:
                services.create_status(other_member, text=f"@{client.user.nickname} {i}", in_reply_to=base)
        lst.replies_policy = "followed"
        lst.save()
        with django_assert_max_num_queries(12):
            response = timeline(client, lst, limit=40)
        assert len(response.json()) == size
        with django_assert_max_num_queries(4):  # token, list, the page, the viewer's flags
            assert timeline(client, lst, limit=40).json() == response.json()


class TestListTimelineFilters:
    """GET /api/v1/timelines/list/:id with the viewer's filters (Mastodon: the `home` context)"""

    def test_home_filters_warn_and_hide_public_ones_do_not(self, setup):
        from filters import services as filter_services

        client, lst, member, *_ = setup
        warned = services.create_status(member, text="a spoiler here")
        hidden = services.create_status(member, text="buy crypto")
        public_only = services.create_status(member, text="politics today")
        for keyword, context, action in (("spoiler", "home", "warn"), ("crypto", "home", "hide"),
                                         ("politics", "public", "hide")):
            filter_services.create_filter(client.user, title=keyword, context=[context], action=action,
                                          keywords=[{"keyword": keyword, "whole_word": True}])
        response = timeline(client, lst)
        assert id_list(response) == enc(public_only, warned)
        shown = {s["id"]: s for s in response.json()}
        assert [r["keyword_matches"] for r in shown[enc(warned)[0]]["filtered"]] == [["spoiler"]]
        assert shown[enc(public_only)[0]]["filtered"] == []  # a public-context filter is not shown here
        assert enc(hidden)[0] not in id_list(client.get("/api/v1/timelines/home"))


class TestExclusiveLists:
    """GET /api/v1/timelines/home with an exclusive list"""

    @pytest.mark.parametrize("many", [False, True])
    def test_members_of_exclusive_lists_leave_home(self, setup, monkeypatch, many):
        from statuses import timelines
        if many:
            monkeypatch.setattr(timelines, "FEW_FOLLOWS", -1)
        client, lst, member, other_member, followed, _ = setup
        by_member = services.create_status(member, text="member")
        by_followed = services.create_status(followed, text="followed")
        own = services.create_status(client.user, text="own")
        assert set(id_list(client.get("/api/v1/timelines/home"))) >= set(enc(by_member, by_followed, own))
        lst.exclusive = True
        lst.save()
        assert id_list(client.get("/api/v1/timelines/home")) == enc(own, by_followed)
        assert enc(by_member)[0] in id_list(timeline(client, lst))
