"""GET /nodeinfo/2.0.json metadata.federation and /api/v1/instance pleroma.metadata.federation
describe the instance policies (reference/federation.md §1.3)."""

from __future__ import annotations

from mrf.models import InstancePolicy, KeywordRule

SIMPLE_KEYS = {"accept", "reject", "media_removal", "media_nsfw", "federated_timeline_removal", "followers_only",
               "report_removal", "avatar_removal", "banner_removal", "reject_deletes"}


class TestNodeinfoFederation:
    """GET /nodeinfo/2.0.json"""

    def test_no_policy_configured_publishes_empty_lists(self, anon):
        federation = anon.get("/nodeinfo/2.0.json").json()["metadata"]["federation"]
        assert federation["enabled"] is True
        assert federation["exclusions"] is False
        assert federation["mrf_policies"] == ["SimplePolicy", "KeywordPolicy"]
        assert set(federation["mrf_simple"]) == SIMPLE_KEYS
        assert all(hosts == [] for hosts in federation["mrf_simple"].values())
        assert federation["mrf_simple_info"] == {}
        assert federation["mrf_keyword"] == {"reject": [], "federated_timeline_removal": [], "replace": []}
        assert federation["quarantined_instances"] == []
        assert federation["quarantined_instances_info"] == {"quarantined_instances": {}}

    def test_env_and_admin_lists_are_merged_with_their_reasons(self, anon, settings):
        settings.MRF_SIMPLE = {**settings.MRF_SIMPLE, "reject": ["bad.example=spam", "*.worse.example"],
                               "media_nsfw": ["lewd.example"]}
        settings.QUARANTINED_INSTANCES = ["leaky.example=no DMs there"]
        InstancePolicy.objects.create(host="troll.example", reason="harassment", reject=True, report_removal=True)
        InstancePolicy.objects.create(host="hidden.example", quarantine=True)
        settings.MRF_KEYWORD_REJECT = ["/casino/i"]
        KeywordRule.objects.create(action="replace", pattern="darn", replacement="d**n")
        federation = anon.get("/nodeinfo/2.0.json").json()["metadata"]["federation"]
        assert federation["mrf_simple"]["reject"] == ["bad.example", "*.worse.example", "troll.example"]
        assert federation["mrf_simple"]["media_nsfw"] == ["lewd.example"]
        assert federation["mrf_simple"]["report_removal"] == ["troll.example"]
        assert federation["mrf_simple_info"] == {
            "reject": {"bad.example": {"reason": "spam"}, "troll.example": {"reason": "harassment"}},
            "report_removal": {"troll.example": {"reason": "harassment"}}}
        assert federation["mrf_keyword"]["reject"] == ["~r/casino/i"]
        assert federation["mrf_keyword"]["replace"] == [{"pattern": "darn", "replacement": "d**n"}]
        assert federation["quarantined_instances"] == ["leaky.example", "hidden.example"]
        assert federation["quarantined_instances_info"] == {
            "quarantined_instances": {"leaky.example": {"reason": "no DMs there"}}}

    def test_an_admin_change_shows_at_once(self, anon):
        anon.get("/nodeinfo/2.0.json")
        policy = InstancePolicy.objects.create(host="bad.example", reject=True)
        assert anon.get("/nodeinfo/2.0.json").json()["metadata"]["federation"]["mrf_simple"]["reject"] == [
            "bad.example"]
        policy.delete()
        assert anon.get("/nodeinfo/2.0.json").json()["metadata"]["federation"]["mrf_simple"]["reject"] == []

    def test_only_the_enabled_policies_are_described(self, anon, settings):
        settings.MRF_POLICIES = ["KeywordPolicy"]
        federation = anon.get("/nodeinfo/2.0.json").json()["metadata"]["federation"]
        assert federation["mrf_policies"] == ["KeywordPolicy"]
        assert "mrf_simple" not in federation

    def test_transparency_off_says_only_enabled(self, anon, settings):
        settings.MRF_TRANSPARENCY = False
        InstancePolicy.objects.create(host="bad.example", reject=True)
        assert anon.get("/nodeinfo/2.0.json").json()["metadata"]["federation"] == {"enabled": True}


class TestInstanceFederation:
    """GET /api/v1/instance"""

    def test_pleroma_metadata_carries_the_same_description(self, anon, settings):
        settings.MRF_SIMPLE = {**settings.MRF_SIMPLE, "reject": ["bad.example"]}
        federation = anon.get("/api/v1/instance").json()["pleroma"]["metadata"]["federation"]
        assert federation["mrf_simple"]["reject"] == ["bad.example"]
