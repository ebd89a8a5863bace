"""The policies' rewrites as the remote statuses they leave (reference/federation.md §6.1):
a signed Create{Note} processed by the inbox handlers, then read through the client API."""

from __future__ import annotations

import pytest

from core import ids
from mrf.models import InstancePolicy, KeywordRule
from relationships import follows
from relationships.models import Follow
from statuses.models import Status
from tests.factories import UserFactory
from tests.mrf.conftest import PUBLIC, note_create, process_all, send

IMAGE = {"type": "Document", "mediaType": "image/png", "url": "https://remote.example/media/a.png", "name": "a"}


def received(anon, actor, activity) -> Status:
    assert send(anon, actor, activity).status_code == 202
    process_all()
    return Status.objects.get(ap_id=activity["object"]["id"])


class TestStoredStatuses:
    """Create{Note} from a host under a SimplePolicy or KeywordPolicy rule"""

    def test_without_a_policy_the_post_is_public_with_its_media(self, anon, remote_on, api):
        bob = remote_on("remote.example")
        status = received(anon, bob, note_create(bob, attachment=[IMAGE]))
        body = api(scopes=["read"]).get(f"/api/v1/statuses/{ids.encode(status.pk)}").json()
        assert (body["visibility"], body["sensitive"]) == ("public", False)
        assert len(body["media_attachments"]) == 1

    def test_media_removal_stores_no_attachment(self, anon, remote_on, api):
        InstancePolicy.objects.create(host="remote.example", media_removal=True)
        bob = remote_on("remote.example")
        status = received(anon, bob, note_create(bob, attachment=[IMAGE]))
        body = api(scopes=["read"]).get(f"/api/v1/statuses/{ids.encode(status.pk)}").json()
        assert body["media_attachments"] == []

    def test_media_nsfw_stores_a_sensitive_post(self, anon, settings, remote_on, api):
        settings.MRF_SIMPLE = {**settings.MRF_SIMPLE, "media_nsfw": ["*.example"]}
        bob = remote_on("remote.example")
        status = received(anon, bob, note_create(bob, attachment=[IMAGE]))
        body = api(scopes=["read"]).get(f"/api/v1/statuses/{ids.encode(status.pk)}").json()
        assert body["sensitive"] is True

    @pytest.mark.parametrize("source", ["simple", "keyword"])
    def test_federated_timeline_removal_stores_an_unlisted_post(self, anon, settings, remote_on, api, source):
        if source == "simple":
            InstancePolicy.objects.create(host="remote.example", federated_timeline_removal=True)
        else:
            KeywordRule.objects.create(action="federated_timeline_removal", pattern="hello")
        bob = remote_on("remote.example")
        status = received(anon, bob, note_create(bob))
        assert status.visibility == "unlisted"
        public = api(scopes=["read"]).get("/api/v1/timelines/public").json()
        assert ids.encode(status.pk) not in {item["id"] for item in public}

    def test_followers_only_stores_a_private_post_seen_by_followers_only(self, anon, settings, remote_on, api):
        settings.MRF_SIMPLE = {**settings.MRF_SIMPLE, "followers_only": ["remote.example"]}
        bob = remote_on("remote.example")
        alice = UserFactory(nickname="alice")
        follows.follow(alice, bob)
        Follow.objects.filter(follower=alice).update(state=Follow.State.ACCEPTED)
        status = received(anon, bob, note_create(bob))
        assert status.visibility == "private"
        path = f"/api/v1/statuses/{ids.encode(status.pk)}"
        assert api(scopes=["read"], user=alice).get(path).status_code == 200
        assert api(scopes=["read"]).get(path).status_code == 404

    def test_keyword_replace_stores_the_rewritten_text(self, anon, settings, remote_on):
        settings.MRF_KEYWORD_REPLACE = {"hello": "goodbye"}
        bob = remote_on("remote.example")
        status = received(anon, bob, note_create(bob, summary="hello there"))
        assert "goodbye" in status.content and "hello" not in status.content
        assert status.spoiler_text == "goodbye there"

    def test_a_rejected_keyword_stores_nothing(self, anon, settings, remote_on):
        settings.MRF_KEYWORD_REJECT = ["hello"]
        bob = remote_on("remote.example")
        send(anon, bob, note_create(bob))
        process_all()
        assert not Status.objects.exists()

    def test_reject_deletes_keeps_the_post(self, anon, remote_on):
        bob = remote_on("remote.example")
        status = received(anon, bob, note_create(bob))
        InstancePolicy.objects.create(host="remote.example", reject_deletes=True)
        delete = {"id": f"{status.ap_id}#delete", "type": "Delete", "actor": bob.remote_ap_id,
                  "object": status.ap_id, "to": [PUBLIC]}
        assert send(anon, bob, delete).status_code == 202
        process_all()
        assert Status.objects.filter(pk=status.pk).exists()
