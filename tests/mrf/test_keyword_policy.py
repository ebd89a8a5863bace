"""KeywordPolicy (reference/federation.md §6.1): reject, federated_timeline_removal and
replace, on the content, summary and name of received posts; by environment and admin."""

from __future__ import annotations

import pytest

from federation.models import IncomingActivity
from mrf.models import KeywordRule
from tests.mrf.conftest import PUBLIC, note_create, process_all, send


class TestReject:
    """reject: a post containing the keyword is dropped (202, nothing stored)"""

    @pytest.mark.parametrize("field", ["content", "summary", "name"])
    def test_a_literal_keyword_in_any_text_field_drops_the_post(self, anon, settings, remote_on, field):
        settings.MRF_KEYWORD_REJECT = ["buy pills"]
        bob = remote_on("remote.example")
        assert send(anon, bob, note_create(bob, **{field: "please buy pills now"})).status_code == 202
        assert not IncomingActivity.objects.exists()

    def test_a_regex_with_the_i_flag_ignores_case(self, anon, settings, remote_on):
        settings.MRF_KEYWORD_REJECT = [r"/\bcrypto\s+giveaway\b/i"]
        bob = remote_on("remote.example")
        send(anon, bob, note_create(bob, content="<p>CRYPTO   Giveaway!</p>"))
        assert not IncomingActivity.objects.exists()

    def test_a_literal_keyword_is_case_sensitive(self, anon, settings, remote_on):
        settings.MRF_KEYWORD_REJECT = ["spam"]
        bob = remote_on("remote.example")
        send(anon, bob, note_create(bob, content="<p>SPAM is a meat</p>"))
        assert IncomingActivity.objects.count() == 1

    def test_an_edit_history_with_the_keyword_drops_the_update(self, anon, settings, remote_on):
        settings.MRF_KEYWORD_REJECT = ["spam"]
        bob = remote_on("remote.example")
        update = note_create(bob, content="clean now",
                             formerRepresentations={"type": "OrderedCollection",
                                                    "orderedItems": [{"type": "Note", "content": "spam"}]})
        update["type"], update["id"] = "Update", f"{update['id']}#update"
        send(anon, bob, update)
        assert not IncomingActivity.objects.exists()

    def test_an_admin_rule_drops_when_processed(self, anon, remote_on):
        bob = remote_on("remote.example")
        send(anon, bob, note_create(bob, content="<p>a forbidden word</p>"))
        KeywordRule.objects.create(action="reject", pattern=r"forbid+en", is_regex=True)
        process_all()
        row = IncomingActivity.objects.get()
        assert (row.state, row.error) == ("ignored", "[KeywordPolicy] Matches with rejected keyword")

    def test_other_activities_are_not_looked_at(self, anon, settings, remote_on):
        settings.MRF_KEYWORD_REJECT = ["bob"]
        bob = remote_on("remote.example")
        like = {"id": f"{bob.remote_ap_id}/likes/1", "type": "Like", "actor": bob.remote_ap_id,
                "object": "https://remote.example/notes/1", "content": "bob"}
        send(anon, bob, like)
        assert IncomingActivity.objects.count() == 1


class TestFederatedTimelineRemoval:
    """federated_timeline_removal: a public post with the keyword becomes unlisted"""

    @pytest.mark.parametrize("source", ["env", "admin"])
    def test_public_moves_to_cc(self, anon, settings, remote_on, handled, source):
        seen = handled("Create")
        if source == "env":
            settings.MRF_KEYWORD_FEDERATED_TIMELINE_REMOVAL = ["election"]
        else:
            KeywordRule.objects.create(action="federated_timeline_removal", pattern="election")
        bob = remote_on("remote.example")
        send(anon, bob, note_create(bob, content="<p>election news</p>"))
        process_all()
        for addressed in (seen[0], seen[0]["object"]):
            assert PUBLIC not in addressed["to"]
            assert addressed["cc"] == [PUBLIC, bob.followers_address]

    def test_a_post_without_the_keyword_stays_public(self, anon, settings, remote_on, handled):
        seen = handled("Create")
        settings.MRF_KEYWORD_FEDERATED_TIMELINE_REMOVAL = ["election"]
        bob = remote_on("remote.example")
        send(anon, bob, note_create(bob, content="<p>cats</p>"))
        process_all()
        assert seen[0]["to"] == [PUBLIC]


class TestReplace:
    """replace: pattern -> replacement in content and summary"""

    def test_env_replacements_rewrite_content_and_summary(self, anon, settings, remote_on, handled):
        seen = handled("Create")
        settings.MRF_KEYWORD_REPLACE = {"darn": "d**n", "/colou?r/i": "hue"}
        bob = remote_on("remote.example")
        send(anon, bob, note_create(bob, content="<p>darn, what a Colour</p>", summary="darn color"))
        process_all()
        assert seen[0]["object"]["content"] == "<p>d**n, what a hue</p>"
        assert seen[0]["object"]["summary"] == "d**n hue"

    def test_an_admin_regex_replacement_is_literal_text(self, anon, remote_on, handled):
        seen = handled("Create")
        KeywordRule.objects.create(action="replace", pattern=r"(\d+) coins", is_regex=True, replacement=r"\1 X")
        bob = remote_on("remote.example")
        send(anon, bob, note_create(bob, content="win 100 coins"))
        process_all()
        assert seen[0]["object"]["content"] == r"win \1 X"
