"""Statuses as ActivityPub objects and activities, and who may fetch them (§2.5, §4.1, §4.6)."""

from __future__ import annotations

import pytest
from django.conf import settings

from core import ids
from relationships import follows
from statuses import services as status_services
from tests.factories import UserFactory
from tests.federation.conftest import AP, signed_get

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


def _path(status, kind="objects"):
    return f"/{kind}/{ids.encode(status.pk)}"


class TestObject:
    """GET /objects/:id"""

    def test_serves_a_public_note(self, anon):
        author = UserFactory(nickname="alice")
        mentioned = UserFactory(nickname="bob")
        status = status_services.create_status(author, text="hi @bob #cats", visibility="public",
                                               language="en", spoiler_text="cw")
        for accept in (AP, 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'):
            response = anon.get(_path(status), HTTP_ACCEPT=accept)
            assert response.status_code == 200
            assert response["Content-Type"].startswith("application/activity+json")
        note = response.json()
        assert note["@context"][2] == {"@language": "en"}
        assert note["id"] == status.uri
        assert note["type"] == "Note"
        assert note["attributedTo"] == author.ap_id == note["actor"]
        assert note["to"] == [PUBLIC, mentioned.ap_id]
        assert note["cc"] == [f"{author.ap_id}/followers"]
        assert note["content"] == status.content
        assert note["contentMap"] == {"en": status.content}
        assert note["summary"] == "cw"
        assert note["sensitive"] is False
        assert note["inReplyTo"] is None
        assert note["context"] == note["conversation"]
        assert {"type": "Mention", "href": mentioned.ap_id, "name": "@bob"} in note["tag"]

    def test_a_reply_names_its_parent(self, anon):
        parent = status_services.create_status(UserFactory(), text="first", visibility="public")
        reply = status_services.create_status(UserFactory(), text="second", visibility="public",
                                              in_reply_to=parent)
        note = anon.get(_path(reply), HTTP_ACCEPT=AP).json()
        assert note["inReplyTo"] == parent.uri
        assert note["context"] == anon.get(_path(parent), HTTP_ACCEPT=AP).json()["context"]

    def test_unlisted_is_addressed_to_followers_with_public_in_cc(self, anon):
        author = UserFactory()
        status = status_services.create_status(author, text="quiet", visibility="unlisted")
        note = anon.get(_path(status), HTTP_ACCEPT=AP).json()
        assert note["to"] == [f"{author.ap_id}/followers"]
        assert note["cc"] == [PUBLIC]

    @pytest.mark.parametrize("visibility", ["private", "direct", "local"])
    def test_what_anyone_may_not_see_is_a_404_unsigned(self, anon, visibility):
        status = status_services.create_status(UserFactory(), text="hidden", visibility=visibility)
        response = anon.get(_path(status), HTTP_ACCEPT=AP)
        assert response.status_code == 404
        assert response.json() == {"error": "Not found"}

    def test_unknown_and_junk_ids_are_a_404(self, anon):
        assert anon.get("/objects/nothing-here", HTTP_ACCEPT=AP).status_code == 404
        assert anon.get("/objects/AAAAAAAAAAAAAAAAAAAAAA", HTTP_ACCEPT=AP).status_code == 404

    def test_browsers_get_the_status_page(self, anon):
        status = status_services.create_status(UserFactory(display_name="Alice"), text="hello there",
                                               visibility="public")
        response = anon.get(_path(status), HTTP_ACCEPT="text/html")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/html")
        assert b"hello there" in response.content

    def test_a_deactivated_authors_status_is_gone(self, anon):
        author = UserFactory()
        status = status_services.create_status(author, text="bye", visibility="public")
        author.is_active = False
        author.save()
        assert anon.get(_path(status), HTTP_ACCEPT=AP).status_code == 404


class TestSignedFetch:
    """GET /objects/:id with a signature: the signer's own visibility applies"""

    def test_a_follower_signing_sees_a_followers_only_note(self, anon, sign_as):
        author = UserFactory()
        follower = UserFactory()
        follows.follow(follower, author)
        status = status_services.create_status(author, text="friends only", visibility="private")
        key_id, pem = sign_as(follower)
        response = signed_get(anon, _path(status), key_id=key_id, private_key_pem=pem)
        assert response.status_code == 200
        assert response.json()["to"] == [f"{author.ap_id}/followers"]

    def test_a_stranger_signing_does_not(self, anon, sign_as):
        status = status_services.create_status(UserFactory(), text="friends only", visibility="private")
        key_id, pem = sign_as(UserFactory())
        assert signed_get(anon, _path(status), key_id=key_id, private_key_pem=pem).status_code == 404

    def test_a_mentioned_account_signing_sees_a_direct_note(self, anon, sign_as):
        UserFactory(nickname="carol")
        status = status_services.create_status(UserFactory(), text="@carol psst", visibility="direct")
        carol = status.mentions.get().account
        key_id, pem = sign_as(carol)
        assert signed_get(anon, _path(status), key_id=key_id, private_key_pem=pem).status_code == 200

    def test_the_instance_actor_sees_only_public_things(self, anon):
        from federation import documents, keys

        status = status_services.create_status(UserFactory(), text="friends only", visibility="private")
        key_id = documents.key_id_of(documents.instance_actor_id())
        pem = keys.instance_actor_key().private_key_pem
        assert signed_get(anon, _path(status), key_id=key_id, private_key_pem=pem).status_code == 404
        public = status_services.create_status(UserFactory(), text="open", visibility="public")
        assert signed_get(anon, _path(public), key_id=key_id, private_key_pem=pem).status_code == 200

    def test_a_signature_by_an_unknown_local_key_is_a_401(self, anon):
        from federation import keys

        status = status_services.create_status(UserFactory(), text="open", visibility="public")
        _, pem = keys.generate_pem_pair()
        response = signed_get(anon, _path(status), key_id=f"{settings.PLEROMA_URL}/users/ghost#main-key",
                              private_key_pem=pem)
        assert response.status_code == 401


class TestActivity:
    """GET /activities/:id"""

    def test_serves_the_create_of_a_status(self, anon):
        author = UserFactory()
        status = status_services.create_status(author, text="hello", visibility="public")
        activity = anon.get(_path(status, "activities"), HTTP_ACCEPT=AP).json()
        assert activity["id"] == f"{settings.PLEROMA_URL}{_path(status, 'activities')}"
        assert activity["type"] == "Create"
        assert activity["actor"] == author.ap_id
        assert activity["directMessage"] is False
        assert activity["object"]["id"] == status.uri
        assert activity["to"] == activity["object"]["to"]

    def test_serves_the_announce_of_a_reblog(self, anon):
        original = status_services.create_status(UserFactory(), text="boost me", visibility="public")
        booster = UserFactory()
        reblog = status_services.reblog(booster, original)
        activity = anon.get(_path(reblog, "activities"), HTTP_ACCEPT=AP).json()
        assert activity["type"] == "Announce"
        assert activity["actor"] == booster.ap_id
        assert activity["object"] == original.uri
        assert anon.get(_path(reblog), HTTP_ACCEPT=AP).status_code == 404

    def test_a_direct_message_says_so(self, anon, sign_as):
        UserFactory(nickname="dave")
        status = status_services.create_status(UserFactory(), text="@dave hi", visibility="direct")
        key_id, pem = sign_as(status.mentions.get().account)
        activity = signed_get(anon, _path(status, "activities"), key_id=key_id, private_key_pem=pem).json()
        assert activity["directMessage"] is True
        assert activity["cc"] == []
