"""Mastodon.py against a running server: filters v2 (with keywords and statuses), a v1
filter, what they do to the home timeline, and announcements with reactions."""

from __future__ import annotations

from announcements import services as announcements
from tests.e2e.test_mastodon_py_statuses import login
from tests.factories import UserFactory


class TestFiltersWithMastodonPy:
    """/api/v2/filters, /api/v1/filters, home timeline"""

    def test_filters_v2_and_their_effect_on_home(self, running_server):
        UserFactory(nickname="cleo")
        UserFactory(nickname="dan")
        cleo, dan = login(running_server, "cleo"), login(running_server, "dan")
        cleo.account_follow(dan.me()["id"])
        spoiler = dan.status_post("The finale was a surprise")
        plain = dan.status_post("Nice weather")

        created = cleo.create_filter_v2("Spoilers", ["home", "public"], "warn",
                                        keywords_attributes=[{"keyword": "finale", "whole_word": True}])
        assert created["title"] == "Spoilers" and created["filter_action"] == "warn"
        assert [k["keyword"] for k in created["keywords"]] == ["finale"]
        assert [f["id"] for f in cleo.filters_v2()] == [created["id"]]
        assert cleo.filter_v2(created["id"])["context"] == ["home", "public"]

        home = {s["id"]: s for s in cleo.timeline_home()}
        assert home[spoiler["id"]]["filtered"][0]["keyword_matches"] == ["finale"]
        assert home[plain["id"]]["filtered"] == []

        keyword = cleo.add_filter_keyword_v2(created["id"], "weather", whole_word=False)
        assert [k["keyword"] for k in cleo.filter_keywords_v2(created["id"])] == ["finale", "weather"]
        cleo.delete_filter_keyword_v2(keyword["id"])
        filtered_status = cleo.add_filter_status_v2(created["id"], plain["id"])
        assert cleo.filter_status_v2(filtered_status["id"])["status_id"] == plain["id"]
        assert [s["status_id"] for s in cleo.filter_statuses_v2(created["id"])] == [plain["id"]]

        updated = cleo.update_filter_v2(created["id"], filter_action="hide")
        assert updated["filter_action"] == "hide"
        assert cleo.timeline_home() == []

        cleo.delete_filter_v2(created["id"])
        assert cleo.filters_v2() == []
        assert {s["id"] for s in cleo.timeline_home()} == {spoiler["id"], plain["id"]}

    def test_a_v1_filter(self, running_server):
        UserFactory(nickname="eve")
        eve = login(running_server, "eve")
        created = eve.filter_create("spoilers", ["home"], irreversible=True)
        assert created["phrase"] == "spoilers" and created["irreversible"] is True
        assert [f["id"] for f in eve.filters()] == [created["id"]]
        assert eve.filter_update(created["id"], phrase="leaks")["phrase"] == "leaks"
        eve.filter_delete(created["id"])
        assert eve.filters() == []


class TestAnnouncementsWithMastodonPy:
    """/api/v1/announcements, dismiss, reactions"""

    def test_reads_reacts_and_dismisses(self, running_server):
        UserFactory(nickname="fay")
        fay = login(running_server, "fay")
        published = announcements.create_announcement(content="Upgrade on Friday")
        shown = fay.announcements()
        assert [a["content"] for a in shown] == ["Upgrade on Friday"] and shown[0]["read"] is False
        fay.announcement_reaction_create(shown[0]["id"], "👍")
        assert fay.announcements()[0]["reactions"][0]["count"] == 1
        fay.announcement_reaction_delete(shown[0]["id"], "👍")
        assert fay.announcements()[0]["reactions"] == []
        fay.announcement_dismiss(shown[0]["id"])
        assert fay.announcements() == []
        assert published.pk
