"""SimplePolicy (reference/federation.md §6.1) on activities received in the inbox, fetched
actors and outgoing deliveries; configured by environment and by InstancePolicy rows."""

from __future__ import annotations

import pytest

from federation import actors, delivery
from federation.models import Delivery, IncomingActivity, OutgoingActivity
from mrf.models import InstancePolicy
from relationships import follows
from relationships.models import Follow
from tests.factories import UserFactory
from tests.mrf.conftest import PUBLIC, note_create, process_all, send


def follow_of(actor, target, n: int = 1) -> dict:
    return {"id": f"{actor.remote_ap_id}#follows/{n}", "type": "Follow", "actor": actor.remote_ap_id,
            "object": target.ap_id}


def configure(settings, source: str, action: str, host: str, reason: str = "") -> None:
    """Put `host` under `action`, by environment or through an admin row."""
    if source == "env":
        settings.MRF_SIMPLE = {**settings.MRF_SIMPLE, action: [f"{host}={reason}" if reason else host]}
    else:
        policy, _ = InstancePolicy.objects.get_or_create(host=host, defaults={"reason": reason})
        setattr(policy, action, True)
        policy.save()


SOURCES = ["env", "admin"]


class TestReject:
    """reject: everything from the host is dropped on receipt (202, nothing stored)"""

    @pytest.mark.parametrize("source", SOURCES)
    def test_a_follow_from_a_rejected_host_is_answered_202_and_not_stored(self, anon, settings, remote_on, source):
        alice = UserFactory(nickname="alice")
        bob = remote_on("remote.example")
        configure(settings, source, "reject", "remote.example")
        response = send(anon, bob, follow_of(bob, alice))
        assert response.status_code == 202
        assert not IncomingActivity.objects.exists()
        assert not Follow.objects.exists()

    @pytest.mark.parametrize("host", ["remote.example", "deep.sub.remote.example", "REMOTE.example"])
    def test_a_wildcard_covers_the_domain_and_its_subdomains(self, anon, settings, remote_on, host):
        alice = UserFactory(nickname="alice")
        bob = remote_on(host.lower())
        settings.MRF_SIMPLE = {**settings.MRF_SIMPLE, "reject": ["*.Remote.Example"]}
        assert send(anon, bob, follow_of(bob, alice)).status_code == 202
        assert not IncomingActivity.objects.exists()

    def test_a_wildcard_does_not_cover_a_lookalike_host(self, anon, settings, remote_on):
        alice = UserFactory(nickname="alice")
        bob = remote_on("notremote.example")
        settings.MRF_SIMPLE = {**settings.MRF_SIMPLE, "reject": ["*.remote.example"]}
        send(anon, bob, follow_of(bob, alice))
        process_all()
        assert Follow.objects.filter(follower=bob, followed=alice).exists()

    def test_a_host_rejected_after_receipt_is_dropped_when_processed(self, anon, remote_on):
        alice = UserFactory(nickname="alice")
        bob = remote_on("remote.example")
        send(anon, bob, follow_of(bob, alice))
        InstancePolicy.objects.create(host="remote.example", reject=True)
        process_all()
        row = IncomingActivity.objects.get()
        assert (row.state, row.error) == ("ignored", "[SimplePolicy] host in reject list")
        assert not Follow.objects.exists()
        assert not OutgoingActivity.objects.exists()  # no Accept sent either

    def test_an_announce_of_a_rejected_hosts_post_is_dropped(self, anon, settings, remote_on):
        bob = remote_on("remote.example")
        settings.MRF_SIMPLE = {**settings.MRF_SIMPLE, "reject": ["bad.example"]}
        announce = {"id": f"{bob.remote_ap_id}/announces/1", "type": "Announce", "actor": bob.remote_ap_id,
                    "to": [PUBLIC], "object": "https://bad.example/notes/1"}
        assert send(anon, bob, announce).status_code == 202
        assert not IncomingActivity.objects.exists()

    def test_a_create_of_a_note_by_a_rejected_author_is_dropped(self, anon, settings, remote_on):
        bob = remote_on("remote.example")
        settings.MRF_SIMPLE = {**settings.MRF_SIMPLE, "reject": ["bad.example"]}
        activity = note_create(bob)
        activity["object"]["attributedTo"] = "https://bad.example/users/eve"
        send(anon, bob, activity)
        assert not IncomingActivity.objects.exists()

    def test_a_rejected_actor_is_never_fetched(self, settings):
        settings.MRF_SIMPLE = {**settings.MRF_SIMPLE, "reject": ["bad.example"]}
        with pytest.raises(actors.ActorError, match="rejected by an instance policy"):
            actors.refresh_actor("https://bad.example/users/eve")

    def test_nothing_is_delivered_to_a_rejected_host(self, settings, remote_on, django_capture_on_commit_callbacks):
        alice = UserFactory(nickname="alice")
        bob = remote_on("remote.example")
        settings.MRF_SIMPLE = {**settings.MRF_SIMPLE, "reject": ["remote.example"]}
        activity = {"id": f"{alice.ap_id}#note/1", "type": "Create", "actor": alice.ap_id, "to": [PUBLIC]}
        with django_capture_on_commit_callbacks(execute=True):
            delivery.enqueue(alice, activity, [bob.inbox])
        row = Delivery.objects.get()
        assert row.state == "failed"  # decided without a request: the host does not exist
        assert (row.attempts, row.last_status, row.last_error) == (0, None, "refused by an instance policy")

    def test_policies_off_lets_everything_through(self, anon, settings, remote_on):
        alice = UserFactory(nickname="alice")
        bob = remote_on("remote.example")
        settings.MRF_POLICIES = ["KeywordPolicy"]
        settings.MRF_SIMPLE = {**settings.MRF_SIMPLE, "reject": ["remote.example"]}
        send(anon, bob, follow_of(bob, alice))
        process_all()
        assert Follow.objects.filter(follower=bob).exists()


class TestAccept:
    """accept: allow-list mode, only the listed hosts (and this one) federate"""

    @pytest.mark.parametrize("source", SOURCES)
    def test_a_host_not_listed_is_dropped(self, anon, settings, remote_on, source):
        alice = UserFactory(nickname="alice")
        bob = remote_on("remote.example")
        configure(settings, source, "accept", "friend.example")
        assert send(anon, bob, follow_of(bob, alice)).status_code == 202
        assert not IncomingActivity.objects.exists()

    @pytest.mark.parametrize("source", SOURCES)
    def test_a_listed_host_federates(self, anon, settings, remote_on, source):
        alice = UserFactory(nickname="alice")
        bob = remote_on("remote.example")
        configure(settings, source, "accept", "*.remote.example")
        send(anon, bob, follow_of(bob, alice))
        process_all()
        assert Follow.objects.get(follower=bob, followed=alice).state == Follow.State.ACCEPTED

    def test_deliveries_go_only_to_listed_hosts(self, settings, remote_on, django_capture_on_commit_callbacks):
        alice = UserFactory(nickname="alice")
        settings.MRF_SIMPLE = {**settings.MRF_SIMPLE, "accept": ["friend.example"]}
        activity = {"id": f"{alice.ap_id}#note/1", "type": "Create", "actor": alice.ap_id, "to": [PUBLIC]}
        with django_capture_on_commit_callbacks(execute=True):
            delivery.enqueue(alice, activity, [remote_on("remote.example").inbox])
        assert Delivery.objects.get().last_error == "refused by an instance policy"


class TestRewrites:
    """media_removal, media_nsfw, federated_timeline_removal, followers_only: what the
    Create handler is given"""

    @pytest.mark.parametrize("source", SOURCES)
    def test_media_removal_strips_attachments(self, anon, settings, remote_on, handled, source):
        seen = handled("Create")
        bob = remote_on("remote.example")
        configure(settings, source, "media_removal", "remote.example")
        image = {"type": "Document", "mediaType": "image/png", "url": "https://remote.example/a.png"}
        send(anon, bob, note_create(bob, attachment=[image]))
        process_all()
        assert "attachment" not in seen[0]["object"]
        assert seen[0]["object"]["content"] == "<p>hello</p>"
        stored = IncomingActivity.objects.get()
        assert stored.payload["object"]["attachment"] == [image]  # the received copy is kept as sent

    @pytest.mark.parametrize("source", SOURCES)
    def test_media_nsfw_marks_the_post_sensitive(self, anon, settings, remote_on, handled, source):
        seen = handled("Create")
        bob = remote_on("remote.example")
        configure(settings, source, "media_nsfw", "remote.example")
        send(anon, bob, note_create(bob, sensitive=False))
        process_all()
        assert seen[0]["object"]["sensitive"] is True

    @pytest.mark.parametrize("source", SOURCES)
    def test_federated_timeline_removal_makes_public_posts_unlisted(self, anon, settings, remote_on, handled,
                                                                    source):
        seen = handled("Create")
        bob = remote_on("remote.example")
        configure(settings, source, "federated_timeline_removal", "remote.example")
        send(anon, bob, note_create(bob))
        process_all()
        for addressed in (seen[0], seen[0]["object"]):
            assert addressed["to"] == [bob.followers_address]
            assert addressed["cc"] == [PUBLIC]

    def test_federated_timeline_removal_leaves_non_public_posts(self, anon, settings, remote_on, handled):
        seen = handled("Create")
        bob = remote_on("remote.example")
        configure(settings, "env", "federated_timeline_removal", "remote.example")
        send(anon, bob, note_create(bob, to=[bob.followers_address], cc=[]))
        process_all()
        assert (seen[0]["to"], seen[0]["cc"]) == ([bob.followers_address], [])

    @pytest.mark.parametrize("source", SOURCES)
    def test_followers_only_keeps_only_local_followers(self, anon, settings, remote_on, handled, source):
        seen = handled("Create")
        bob = remote_on("remote.example")
        alice, carol = UserFactory(nickname="alice"), UserFactory(nickname="carol")
        follows.follow(alice, bob)
        Follow.objects.filter(follower=alice, followed=bob).update(state=Follow.State.ACCEPTED)
        configure(settings, source, "followers_only", "remote.example")
        send(anon, bob, note_create(bob, to=[PUBLIC, carol.ap_id], cc=[alice.ap_id, bob.followers_address]))
        process_all()
        for addressed in (seen[0], seen[0]["object"]):
            assert addressed["to"] == [bob.followers_address]
            assert addressed["cc"] == [alice.ap_id]

    def test_other_hosts_are_left_alone(self, anon, settings, remote_on, handled):
        seen = handled("Create")
        bob = remote_on("remote.example")
        settings.MRF_SIMPLE = {**settings.MRF_SIMPLE, "media_removal": ["other.example"],
                               "federated_timeline_removal": ["other.example"]}
        image = {"type": "Document", "url": "https://remote.example/a.png"}
        send(anon, bob, note_create(bob, attachment=[image]))
        process_all()
        assert seen[0]["object"]["attachment"] == [image]
        assert seen[0]["to"] == [PUBLIC]


class TestReportsAndDeletes:
    """report_removal and reject_deletes"""

    @pytest.mark.parametrize("source", SOURCES)
    def test_report_removal_drops_flags(self, anon, settings, remote_on, source):
        alice = UserFactory(nickname="alice")
        bob = remote_on("remote.example")
        configure(settings, source, "report_removal", "remote.example")
        flag = {"id": f"{bob.remote_ap_id}/flags/1", "type": "Flag", "actor": bob.remote_ap_id,
                "object": [alice.ap_id], "content": "spam"}
        assert send(anon, bob, flag).status_code == 202
        assert not IncomingActivity.objects.exists()

    def test_flags_from_other_hosts_are_kept(self, anon, settings, remote_on):
        alice = UserFactory(nickname="alice")
        bob = remote_on("remote.example")
        settings.MRF_SIMPLE = {**settings.MRF_SIMPLE, "report_removal": ["other.example"]}
        flag = {"id": f"{bob.remote_ap_id}/flags/1", "type": "Flag", "actor": bob.remote_ap_id,
                "object": [alice.ap_id]}
        send(anon, bob, flag)
        assert IncomingActivity.objects.get().type == "Flag"

    @pytest.mark.parametrize("source", SOURCES)
    def test_reject_deletes_drops_deletes(self, anon, settings, remote_on, source):
        bob = remote_on("remote.example")
        configure(settings, source, "reject_deletes", "remote.example")
        delete = {"id": f"{bob.remote_ap_id}/statuses/1#delete", "type": "Delete", "actor": bob.remote_ap_id,
                  "object": f"{bob.remote_ap_id}/statuses/1"}
        assert send(anon, bob, delete).status_code == 202
        assert not IncomingActivity.objects.exists()

    def test_deletes_from_a_rejected_host_still_pass(self, anon, settings, remote_on):
        # As Pleroma: what was let in before the block can still be removed by its author.
        bob = remote_on("remote.example")
        settings.MRF_SIMPLE = {**settings.MRF_SIMPLE, "reject": ["remote.example"]}
        delete = {"id": f"{bob.remote_ap_id}/statuses/1#delete", "type": "Delete", "actor": bob.remote_ap_id,
                  "object": f"{bob.remote_ap_id}/statuses/1"}
        send(anon, bob, delete)
        assert IncomingActivity.objects.get().type == "Delete"


class TestActorImages:
    """avatar_removal and banner_removal, on actor documents (Update{Person} and fetches)"""

    def person(self, actor) -> dict:
        return {"id": actor.remote_ap_id, "type": "Person", "preferredUsername": "bob",
                "inbox": actor.inbox, "icon": {"type": "Image", "url": "https://remote.example/avatar.png"},
                "image": {"type": "Image", "url": "https://remote.example/banner.png"}}

    @pytest.mark.parametrize("source", SOURCES)
    def test_avatar_and_banner_removal_strip_them_from_an_update(self, anon, settings, remote_on, handled, source):
        seen = handled("Update")
        bob = remote_on("remote.example")
        configure(settings, source, "avatar_removal", "remote.example")
        configure(settings, source, "banner_removal", "remote.example")
        update = {"id": f"{bob.remote_ap_id}#updates/1", "type": "Update", "actor": bob.remote_ap_id,
                  "to": [PUBLIC], "object": self.person(bob)}
        send(anon, bob, update)
        process_all()
        assert "icon" not in seen[0]["object"] and "image" not in seen[0]["object"]
        assert seen[0]["object"]["preferredUsername"] == "bob"

    def test_only_the_avatar_goes_with_avatar_removal(self, settings, remote_on):
        from mrf import policies

        bob = remote_on("remote.example")
        settings.MRF_SIMPLE = {**settings.MRF_SIMPLE, "avatar_removal": ["remote.example"]}
        document = policies.filter_actor(self.person(bob))
        assert "icon" not in document
        fields = actors.actor_fields(document, bob.remote_ap_id)
        assert (fields["remote_avatar"], fields["remote_header"]) == ("", "https://remote.example/banner.png")


class TestQuarantine:
    """quarantined instances get public activities only"""

    @pytest.mark.parametrize("source", SOURCES)
    def test_a_followers_only_activity_is_not_delivered(self, settings, remote_on, source,
                                                        django_capture_on_commit_callbacks):
        alice = UserFactory(nickname="alice")
        bob = remote_on("remote.example")
        if source == "env":
            settings.QUARANTINED_INSTANCES = ["remote.example"]
        else:
            InstancePolicy.objects.create(host="remote.example", quarantine=True)
        private = {"id": f"{alice.ap_id}#note/1", "type": "Create", "actor": alice.ap_id,
                   "to": [f"{alice.ap_id}/followers"]}
        with django_capture_on_commit_callbacks(execute=True):
            delivery.enqueue(alice, private, [bob.inbox])
        assert Delivery.objects.get().last_error == "refused by an instance policy"
        assert delivery.Delivery.objects.get().state == "failed"

    def test_a_public_activity_is_sent(self, settings, remote_on):
        settings.QUARANTINED_INSTANCES = ["remote.example"]
        alice = UserFactory(nickname="alice")
        public = {"id": f"{alice.ap_id}#note/1", "type": "Create", "actor": alice.ap_id, "to": [PUBLIC]}
        from mrf import policies

        assert policies.accepts_delivery(remote_on("remote.example").inbox, public)
        assert not policies.accepts_delivery("https://remote.example/inbox", {**public, "to": [alice.ap_id]})


class TestFetchedObjects:
    """mrf.policies.filter_object: what the fetcher stores of a note it fetched"""

    def note(self, host: str, **fields) -> dict:
        return {"id": f"https://{host}/notes/1", "type": "Note", "attributedTo": f"https://{host}/users/eve",
                "content": "hi", "to": [PUBLIC], "cc": [], **fields}

    def test_a_note_from_a_rejected_host_is_refused(self, settings):
        from mrf import policies

        settings.MRF_SIMPLE = {**settings.MRF_SIMPLE, "reject": ["bad.example"]}
        assert policies.filter_object(self.note("bad.example")) is None
        assert policies.filter_object(self.note("fine.example"))["content"] == "hi"

    def test_rewrites_apply_to_the_note(self, settings):
        from mrf import policies

        settings.MRF_SIMPLE = {**settings.MRF_SIMPLE, "media_removal": ["lewd.example"],
                               "media_nsfw": ["lewd.example"]}
        settings.MRF_KEYWORD_REPLACE = {"hi": "hello"}
        note = policies.filter_object(self.note("lewd.example", attachment=[{"url": "https://lewd.example/a"}]))
        assert "attachment" not in note and note["sensitive"] is True and note["content"] == "hello"

    def test_a_note_without_an_author_is_refused(self):
        from mrf import policies

        assert policies.filter_object({"id": "https://x.example/notes/1", "type": "Note"}) is None
