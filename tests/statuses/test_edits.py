"""PUT /api/v1/statuses/:id, GET /api/v1/statuses/:id/history and /source: editing a
status keeps its history, re-renders it everywhere and tells who reblogged or quoted it."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core import ids
from notifications.models import Notification
from statuses import registry, services
from statuses.models import Hashtag, MediaAttachment, Mention, Poll, Status, StatusEdit, StatusTag
from statuses.services import editing
from tests.factories import UserFactory
from tests.statuses.conftest import png_bytes

pytestmark = pytest.mark.django_db


def sid(status) -> str:
    return ids.encode(status.pk)


def upload(client, description="") -> dict:
    file = SimpleUploadedFile("a.png", png_bytes(), content_type="image/png")
    response = client.post("/api/v1/media", {"file": file, "description": description}, format="multipart")
    assert response.status_code == 200, response.content
    return response.json()


class TestEditStatus:
    """PUT /api/v1/statuses/:id"""

    def test_edits_the_text_and_returns_the_rendered_status(self, api, anon):
        client = api()
        status = services.create_status(client.user, text="first #old")
        response = client.put(f"/api/v1/statuses/{sid(status)}", {"status": "second #new"}, format="json")
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["id"] == sid(status)
        assert "second" in body["content"] and "first" not in body["content"]
        assert body["edited_at"] is not None and body["edited_at"] > body["created_at"]
        assert [t["name"] for t in body["tags"]] == ["new"]
        assert StatusTag.objects.filter(status=status).get().hashtag == Hashtag.objects.get(name="new")
        # what every reader sees now (the render cache was dropped)
        shown = anon.get(f"/api/v1/statuses/{sid(status)}").json()
        assert shown["content"] == body["content"] and shown["edited_at"] == body["edited_at"]

    def test_a_form_body_works_as_json_does(self, api):
        client = api()
        status = services.create_status(client.user, text="first")
        response = client.put(f"/api/v1/statuses/{sid(status)}",
                              {"status": "*formed*", "spoiler_text": "cw", "sensitive": "true",
                               "content_type": "text/markdown", "language": "fr"})
        assert response.status_code == 200, response.content
        body = response.json()
        assert "<em>formed</em>" in body["content"]
        assert (body["spoiler_text"], body["sensitive"], body["language"]) == ("cw", True, "fr")
        stored = Status.objects.get(pk=status.pk)
        assert (stored.content_source, stored.content_type) == ("*formed*", "text/markdown")

    def test_the_content_type_language_and_sensitivity_stay_when_not_sent(self, api):
        client = api()
        status = services.create_status(client.user, text="**a**", content_type="text/markdown",
                                        sensitive=True, language="de")
        body = client.put(f"/api/v1/statuses/{sid(status)}", {"status": "**b**"}, format="json").json()
        assert "<strong>b</strong>" in body["content"]
        assert body["sensitive"] is True and body["language"] == "de"

    def test_new_mentions_are_linked_and_notified_once(self, api):
        client = api()
        old, new = UserFactory(), UserFactory()
        status = services.create_status(client.user, text=f"hi @{old.nickname}")
        assert Notification.objects.filter(user=old, type="mention").count() == 1
        body = client.put(f"/api/v1/statuses/{sid(status)}",
                          {"status": f"hi @{old.nickname} and @{new.nickname}"}, format="json").json()
        assert {m["acct"] for m in body["mentions"]} == {old.nickname, new.nickname}
        assert Notification.objects.filter(user=old, type="mention").count() == 1
        assert Notification.objects.filter(user=new, type="mention", status=status).count() == 1
        assert set(Mention.objects.filter(status=status).values_list("account_id", flat=True)) == {old.pk, new.pk}

    def test_an_nsfw_tag_marks_it_sensitive(self, api):
        client = api()
        status = services.create_status(client.user, text="plain")
        body = client.put(f"/api/v1/statuses/{sid(status)}", {"status": "oh #nsfw"}, format="json").json()
        assert body["sensitive"] is True

    def test_a_quote_keeps_its_inline_link(self, api):
        client = api()
        quoted = services.create_status(UserFactory(), text="original")
        status = services.create_status(client.user, text="look", quote=quoted)
        body = client.put(f"/api/v1/statuses/{sid(status)}", {"status": "look again"}, format="json").json()
        assert "quote-inline" in body["content"] and quoted.uri in body["content"]
        assert body["pleroma"]["quote_id"] == sid(quoted)

    def test_media_are_replaced_and_described(self, api, data_dir):
        client = api()
        first, second = upload(client, "first"), upload(client, "second")
        status = services.create_status(client.user, text="pics", media_ids=[first["id"]])
        response = client.put(f"/api/v1/statuses/{sid(status)}", {
            "status": "pics", "media_ids": [second["id"]],
            "media_attributes": [{"id": second["id"], "description": "new alt", "focus": "0.5,-0.5"}],
        }, format="json")
        assert response.status_code == 200, response.content
        media = response.json()["media_attachments"]
        assert [(m["id"], m["description"]) for m in media] == [(second["id"], "new alt")]
        assert MediaAttachment.objects.get(pk=ids.decode(first["id"])).status_id is None
        assert MediaAttachment.objects.get(pk=ids.decode(second["id"])).focus == "0.5,-0.5"

    def test_media_attributes_in_a_form(self, api, data_dir):
        client = api()
        media = upload(client)
        status = services.create_status(client.user, text="pic", media_ids=[media["id"]])
        body = client.put(f"/api/v1/statuses/{sid(status)}", {
            "status": "pic", "media_ids[]": [media["id"]],
            "media_attributes[][id]": [media["id"]], "media_attributes[][description]": ["described"]}).json()
        assert body["media_attachments"][0]["description"] == "described"

    def test_someone_elses_media_are_not_attached(self, api, data_dir):
        client, other = api(), api()
        theirs = upload(other)
        status = services.create_status(client.user, text="mine")
        body = client.put(f"/api/v1/statuses/{sid(status)}", {"status": "mine", "media_ids": [theirs["id"]]},
                          format="json").json()
        assert body["media_attachments"] == []
        assert MediaAttachment.objects.get(pk=ids.decode(theirs["id"])).status_id is None

    def test_media_attributes_of_an_attachment_not_on_the_status_are_refused(self, api, data_dir):
        client = api()
        media = upload(client)
        status = services.create_status(client.user, text="text")
        response = client.put(f"/api/v1/statuses/{sid(status)}", {
            "status": "text", "media_attributes": [{"id": media["id"], "description": "x"}]}, format="json")
        assert response.status_code == 422
        assert "media_attributes" in response.json()["error"]
        assert MediaAttachment.objects.get(pk=ids.decode(media["id"])).description == ""

    def test_a_poll_without_votes_is_replaced(self, api):
        client = api()
        status = services.create_status(client.user, text="which?",
                                        poll={"options": ["a", "b"], "expires_in": 600})
        body = client.put(f"/api/v1/statuses/{sid(status)}", {
            "status": "which now?", "poll": {"options": ["x", "y", "z"], "expires_in": 3600}}, format="json").json()
        assert [o["title"] for o in body["poll"]["options"]] == ["x", "y", "z"]
        assert Poll.objects.get(status=status).options == ["x", "y", "z"]

    def test_a_poll_with_votes_cannot_be_changed_but_may_be_resent(self, api):
        client, voter = api(), api()
        status = services.create_status(client.user, text="which?",
                                        poll={"options": ["a", "b"], "expires_in": 600})
        poll = Poll.objects.get(status=status)
        assert voter.post(f"/api/v1/polls/{ids.encode(poll.pk)}/votes", {"choices": [0]},
                          format="json").status_code == 200
        url = f"/api/v1/statuses/{sid(status)}"
        for body in ({"status": "which?", "poll": {"options": ["x", "y"], "expires_in": 600}},
                     {"status": "which?"}):
            response = client.put(url, body, format="json")
            assert response.status_code == 422
            assert response.json() == {"error": "A poll that has votes cannot be changed"}
        assert Status.objects.get(pk=status.pk).edited_at is None  # nothing half-written
        assert not StatusEdit.objects.filter(status=status).exists()
        response = client.put(url, {"status": "which one?", "poll": {"options": ["a", "b"], "expires_in": 600}},
                              format="json")
        assert response.status_code == 200
        assert response.json()["poll"]["votes_count"] == 1

    def test_a_poll_with_media_is_refused(self, api, data_dir):
        client = api()
        media = upload(client)
        status = services.create_status(client.user, text="text")
        response = client.put(f"/api/v1/statuses/{sid(status)}", {
            "status": "text", "media_ids": [media["id"]], "poll": {"options": ["a", "b"], "expires_in": 600}},
            format="json")
        assert response.json() == {"error": "Polls cannot have media attachments"}

    def test_empty_and_too_long_edits_are_refused(self, api, settings):
        client = api()
        status = services.create_status(client.user, text="text")
        url = f"/api/v1/statuses/{sid(status)}"
        response = client.put(url, {"status": "  "}, format="json")
        assert (response.status_code, response.json()) == (
            422, {"error": "Cannot post an empty status without attachments"})
        response = client.put(url, {"status": "x" * (settings.MAX_TOOT_CHARS + 1)}, format="json")
        assert response.json() == {"error": "The status is over the character limit"}
        assert Status.objects.get(pk=status.pk).content_source == "text"

    def test_the_audience_thread_and_quote_cannot_change(self, api):
        client = api()
        parent = services.create_status(client.user, text="parent")
        status = services.create_status(client.user, text="reply", in_reply_to=parent, visibility="unlisted")
        url = f"/api/v1/statuses/{sid(status)}"
        same = {"status": "edited", "visibility": "unlisted", "in_reply_to_id": sid(parent)}
        assert client.put(url, same, format="json").status_code == 200
        for name, value in (("visibility", "public"), ("in_reply_to_id", sid(status)),
                            ("quote_id", sid(parent)), ("to", [UserFactory().nickname])):
            response = client.put(url, {"status": "again", name: value}, format="json")
            assert (response.status_code, response.json()) == (422, {"error": f"Unsupported parameter: {name}"})
        assert Status.objects.get(pk=status.pk).content_source == "edited"

    @pytest.mark.parametrize("name,value", [("scheduled_at", "2031-01-01T00:00:00Z"), ("expires_in", 7200),
                                            ("quote_approval_policy", "nobody")])
    def test_parameters_an_edit_does_not_honour_are_refused(self, api, name, value):
        client = api()
        status = services.create_status(client.user, text="text")
        response = client.put(f"/api/v1/statuses/{sid(status)}", {"status": "new", name: value}, format="json")
        assert (response.status_code, response.json()) == (422, {"error": f"Unsupported parameter: {name}"})

    def test_someone_elses_status_is_not_found(self, api):
        client = api()
        theirs = services.create_status(UserFactory(), text="theirs")
        response = client.put(f"/api/v1/statuses/{sid(theirs)}", {"status": "mine"}, format="json")
        assert (response.status_code, response.json()) == (404, {"error": "Record not found"})
        assert Status.objects.get(pk=theirs.pk).content_source == "theirs"

    def test_a_reblog_and_a_junk_id_are_not_found(self, api):
        client = api()
        original = services.create_status(UserFactory(), text="theirs")
        boost = services.reblog(client.user, original)
        assert client.put(f"/api/v1/statuses/{sid(boost)}", {"status": "x"}, format="json").status_code == 404
        assert client.put("/api/v1/statuses/junk", {"status": "x"}, format="json").status_code == 404

    def test_needs_the_write_statuses_scope(self, api):
        client = api(scopes=["read"])
        status = services.create_status(client.user, text="text")
        response = client.put(f"/api/v1/statuses/{sid(status)}", {"status": "x"}, format="json")
        assert response.status_code == 403
        assert response.json()["error"].startswith("Insufficient permissions")
        assert api(scopes=["write:statuses"], user=client.user).put(
            f"/api/v1/statuses/{sid(status)}", {"status": "x"}, format="json").status_code == 200

    def test_anonymous_is_refused(self, anon):
        status = services.create_status(UserFactory(), text="text")
        response = anon.put(f"/api/v1/statuses/{sid(status)}", {"status": "x"}, format="json")
        assert (response.status_code, response.json()) == (403, {"error": "Invalid credentials."})

    def test_an_event_is_edited_through_its_own_route(self, api):
        client = api()
        event = client.post("/api/v1/pleroma/events", {
            "name": "Party", "status": "come", "start_time": "2031-01-01T01:00:00.000Z"}, format="json").json()
        response = client.put(f"/api/v1/statuses/{event['id']}", {"status": "x"}, format="json")
        assert (response.status_code, response.json()) == (422, {"error": "Use event update route"})

    def test_edits_get_strictly_later_times(self, api):
        client = api()
        status = services.create_status(client.user, text="v1")
        url = f"/api/v1/statuses/{sid(status)}"
        times = [client.put(url, {"status": f"v{n}"}, format="json").json()["edited_at"] for n in (2, 3, 4)]
        assert times == sorted(set(times))
        assert times[0] > client.get(url).json()["created_at"]


class TestEditNotifications:
    """`update` notifications to the local accounts that reblogged or quoted the status"""

    def test_rebloggers_and_quoters_are_told_once_per_edit(self, api, django_capture_on_commit_callbacks):
        client = api()
        status = services.create_status(client.user, text="v1")
        booster, quoter, both, bystander = UserFactory(), UserFactory(), UserFactory(), UserFactory()
        services.reblog(booster, status)
        services.reblog(both, status)
        services.create_status(quoter, text="see", quote=status)
        services.create_status(both, text="see", quote=status)
        with django_capture_on_commit_callbacks(execute=True):
            assert client.put(f"/api/v1/statuses/{sid(status)}", {"status": "v2"}, format="json").status_code == 200
        told = Notification.objects.filter(type="update", status=status)
        assert sorted(n.user_id for n in told) == sorted([booster.pk, quoter.pk, both.pk])
        assert not Notification.objects.filter(user=bystander).exists()
        assert not told.filter(user=client.user).exists()
        # a retried task tells nobody twice; the next edit tells everyone again
        from statuses import tasks

        edited = Status.objects.get(pk=status.pk)
        assert tasks.notify_status_update(str(status.pk), edited.edited_at.isoformat()) == 0
        with django_capture_on_commit_callbacks(execute=True):
            response = client.put(f"/api/v1/statuses/{sid(status)}", {"status": "v3"}, format="json")
        assert response.status_code == 200, response.content
        assert told.all().count() == 6
        listed = api(user=booster).get("/api/v1/notifications").json()
        assert listed[0]["type"] == "update" and listed[0]["status"]["id"] == sid(status)

    def test_the_hooks_run_once_per_edit_inside_its_transaction(self, api):
        client = api()
        status = services.create_status(client.user, text="v1")
        seen = []

        def hook(edited):
            seen.append((edited.pk, edited.content_source, StatusEdit.objects.filter(status=edited).count()))

        registry.after_update.append(hook)
        try:
            client.put(f"/api/v1/statuses/{sid(status)}", {"status": "v2"}, format="json")
            assert seen == [(status.pk, "v2", 1)]
            client.put(f"/api/v1/statuses/{sid(status)}", {"status": ""}, format="json")  # refused
            assert len(seen) == 1
        finally:
            registry.after_update.remove(hook)

    def test_a_failing_hook_rolls_the_edit_back(self, api):
        client = api()
        status = services.create_status(client.user, text="v1")

        def hook(edited):
            raise RuntimeError("outbox unavailable")

        registry.after_update.append(hook)
        try:
            response = client.put(f"/api/v1/statuses/{sid(status)}", {"status": "v2"}, format="json")
            assert response.status_code == 500 and "error" in response.json()
        finally:
            registry.after_update.remove(hook)
        assert Status.objects.get(pk=status.pk).content_source == "v1"
        assert not StatusEdit.objects.filter(status=status).exists()


class TestHistory:
    """GET /api/v1/statuses/:id/history"""

    def test_a_status_never_edited_has_one_version(self, anon):
        status = services.create_status(UserFactory(), text="only")
        versions = anon.get(f"/api/v1/statuses/{sid(status)}/history").json()
        assert len(versions) == 1
        assert versions[0]["content"] == status.content
        assert set(versions[0]) == {"content", "spoiler_text", "sensitive", "created_at", "account",
                                    "media_attachments", "emojis", "poll"}

    def test_lists_the_original_first_and_the_current_last(self, api, data_dir):
        client = api()
        media = upload(client, "alt one")
        status = services.create_status(client.user, text="v1", media_ids=[media["id"]])
        url = f"/api/v1/statuses/{sid(status)}"
        client.put(url, {"status": "v2", "spoiler_text": "cw", "media_ids": [media["id"]],
                         "media_attributes": [{"id": media["id"], "description": "alt two"}]}, format="json")
        client.put(url, {"status": "v3", "poll": {"options": ["a", "b"], "expires_in": 600}}, format="json")
        versions = client.get(f"{url}/history").json()
        assert ["v1" in v["content"] for v in versions] == [True, False, False]
        assert ["v3" in v["content"] for v in versions] == [False, False, True]
        assert [v["spoiler_text"] for v in versions] == ["", "cw", ""]
        assert [[m["description"] for m in v["media_attachments"]] for v in versions] == [
            ["alt one"], ["alt two"], []]
        assert versions[2]["poll"] == {"options": [{"title": "a"}, {"title": "b"}]}
        assert versions[0]["poll"] is None
        assert all(v["account"]["id"] == ids.encode(client.user.pk) for v in versions)
        current = client.get(url).json()
        assert versions[0]["created_at"] == current["created_at"]
        assert versions[-1]["created_at"] == current["edited_at"]
        assert [v["created_at"] for v in versions] == sorted(v["created_at"] for v in versions)

    def test_follows_the_status_visibility(self, api, anon):
        author = api()
        status = services.create_status(author.user, text="secret", visibility="private")
        client = author
        client.put(f"/api/v1/statuses/{sid(status)}", {"status": "secret 2"}, format="json")
        for stranger in (anon, api()):
            response = stranger.get(f"/api/v1/statuses/{sid(status)}/history")
            assert (response.status_code, response.json()) == (404, {"error": "Record not found"})
        assert len(author.get(f"/api/v1/statuses/{sid(status)}/history").json()) == 2

    def test_custom_emoji_of_an_old_version(self, api, data_dir):
        from emoji.models import Emoji, EmojiPack

        pack = EmojiPack.objects.create(name="blobs")
        Emoji.objects.create(pack=pack, shortcode="blobcat", filename="blobcat.png")
        from emoji import registry as emoji_registry

        emoji_registry.invalidate()
        client = api()
        status = services.create_status(client.user, text="hi :blobcat:")
        client.put(f"/api/v1/statuses/{sid(status)}", {"status": "plain now"}, format="json")
        versions = client.get(f"/api/v1/statuses/{sid(status)}/history").json()
        assert [[e["shortcode"] for e in v["emojis"]] for v in versions] == [["blobcat"], []]

    def test_runs_in_constant_queries(self, api, django_assert_max_num_queries):
        client = api()
        status = services.create_status(client.user, text="v0")
        url = f"/api/v1/statuses/{sid(status)}"
        client.put(url, {"status": "v1"}, format="json")
        client.get(f"{url}/history")  # warm: the token and the rendered entry
        with django_assert_max_num_queries(4):  # token, status, edits, media
            assert len(client.get(f"{url}/history").json()) == 2
        for n in range(2, 12):
            client.put(url, {"status": f"v{n}"}, format="json")
        client.get(f"{url}/history")
        with django_assert_max_num_queries(4):
            assert len(client.get(f"{url}/history").json()) == 12


class TestSource:
    """GET /api/v1/statuses/:id/source"""

    def test_answers_the_source_of_the_current_version(self, api):
        client = api()
        status = services.create_status(client.user, text="**a**", content_type="text/markdown",
                                        spoiler_text="cw")
        client.put(f"/api/v1/statuses/{sid(status)}", {"status": "**b**", "spoiler_text": "cw2"}, format="json")
        body = client.get(f"/api/v1/statuses/{sid(status)}/source").json()
        assert body == {"id": sid(status), "text": "**b**", "spoiler_text": "cw2",
                        "content_type": "text/markdown"}

    def test_needs_a_token_and_visibility(self, api, anon):
        status = services.create_status(UserFactory(), text="secret", visibility="direct")
        assert anon.get(f"/api/v1/statuses/{sid(status)}/source").status_code == 403
        assert api().get(f"/api/v1/statuses/{sid(status)}/source").status_code == 404


class TestRemoteEdit:
    """statuses.services.editing.apply_remote_edit (the inbound Update{Note})"""

    def remote_status(self):
        remote = UserFactory(nickname="bob@remote.example", domain="remote.example")
        return Status.objects.create(account=remote, content="<p>original</p>", local=False,
                                     ap_id="https://remote.example/objects/1")

    def test_applies_the_edit_and_keeps_the_history(self, anon):
        import datetime

        status = self.remote_status()
        when = status.created_at + datetime.timedelta(minutes=5)
        edited = editing.apply_remote_edit(status, content="<p>edited</p>", spoiler_text="cw",
                                           sensitive=True, edited_at=when, hashtags=["Cats"])
        assert (edited.content, edited.spoiler_text, edited.sensitive, edited.edited_at) == (
            "<p>edited</p>", "cw", True, when)
        versions = anon.get(f"/api/v1/statuses/{sid(status)}/history").json()
        assert [v["content"] for v in versions] == ["<p>original</p>", "<p>edited</p>"]
        assert [t["name"] for t in anon.get(f"/api/v1/statuses/{sid(status)}").json()["tags"]] == ["cats"]

    def test_an_edit_not_newer_than_the_stored_version_changes_nothing(self):
        status = self.remote_status()
        editing.apply_remote_edit(status, content="<p>stale</p>", edited_at=status.created_at)
        assert Status.objects.get(pk=status.pk).content == "<p>original</p>"
        assert not StatusEdit.objects.filter(status=status).exists()

    def test_does_not_run_the_after_update_hooks(self, django_capture_on_commit_callbacks):
        status = self.remote_status()
        seen = []
        registry.after_update.append(seen.append)
        try:
            with django_capture_on_commit_callbacks(execute=True):
                editing.apply_remote_edit(status, content="<p>edited</p>")
        finally:
            registry.after_update.remove(seen.append)
        assert seen == []


class TestHostileEdits:
    """PUT /api/v1/statuses/:id with junk: a clear 4xx, never a 500, nothing changed"""

    @pytest.mark.parametrize("body", [
        {"status": "x", "poll": "yes"},
        {"status": "x", "poll": {"options": "a", "expires_in": "soon"}},
        {"status": "x", "poll": {"options": [["a"], {"b": 1}], "expires_in": 600}},
        {"status": "x", "media_attributes": "junk"},
        {"status": "x", "media_attributes": [{"id": {"nested": 1}, "description": ["x"]}]},
        {"status": "x", "media_ids": [{"id": 1}]},
        {"status": "x", "media_ids": ["1"] * 50},
        {"status": "x", "language": "x" * 100},
        {"status": "x", "content_type": "application/evil"},
        {"status": "x", "to": [{"a": 1}]},
        {"status": "x", "in_reply_to_id": "\u0000"},
        {"status": ["a", "b"]},
        {"status": "x", "sensitive": {"a": 1}},
    ])
    def test_junk_is_refused_or_ignored_but_never_a_500(self, api, body):
        client = api()
        status = services.create_status(client.user, text="text")
        response = client.put(f"/api/v1/statuses/{sid(status)}", body, format="json")
        assert response.status_code < 500, response.content
        assert "error" in response.json() or response.status_code == 200
        if response.status_code != 200:
            stored = Status.objects.get(pk=status.pk)
            assert (stored.content_source, stored.edited_at) == ("text", None)
            assert not StatusEdit.objects.filter(status=status).exists()
