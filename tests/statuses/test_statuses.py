"""POST/GET/DELETE /api/v1/statuses and the single-status routes."""

import pytest

from core import ids
from notifications.models import Notification
from statuses.models import Mention, Status, StatusTag

pytestmark = pytest.mark.django_db


class TestCreateStatus:
    """POST /api/v1/statuses"""

    def test_posts_a_status_and_renders_the_entity(self, api):
        client = api(scopes=["write:statuses"])
        response = client.post("/api/v1/statuses", {"status": "hello #Cofe", "spoiler_text": "cw"})
        assert response.status_code == 200, response.json()
        body = response.json()
        assert body["content"].startswith("hello <a class=\"hashtag\"")
        assert body["tags"] == [{"name": "cofe", "url": "http://localhost:8000/tag/cofe"}]
        assert body["visibility"] == "public"
        assert body["spoiler_text"] == "cw"
        assert body["pleroma"]["content"] == {"text/plain": "hello #Cofe"}
        assert body["pleroma"]["spoiler_text"] == {"text/plain": "cw"}
        assert isinstance(body["pleroma"]["conversation_id"], int)
        assert body["application"]["name"]
        assert body["account"]["id"]
        status = Status.objects.get()
        assert status.account == client.user
        client.user.refresh_from_db()
        assert client.user.statuses_count == 1

    def test_refuses_a_token_without_write_statuses(self, api):
        client = api(scopes=["read"])
        response = client.post("/api/v1/statuses", {"status": "hi"})
        assert response.status_code == 403
        assert response.json() == {"error": "Insufficient permissions: write:statuses."}

    def test_refuses_anonymous_callers(self, anon):
        response = anon.post("/api/v1/statuses", {"status": "hi"})
        assert response.status_code == 403
        assert response.json() == {"error": "Invalid credentials."}

    def test_refuses_an_empty_status_without_attachments(self, api):
        response = api().post("/api/v1/statuses", {"status": "  "})
        assert response.status_code == 422
        assert response.json() == {"error": "Cannot post an empty status without attachments"}

    def test_refuses_a_status_over_the_character_limit(self, api, settings):
        settings.MAX_TOOT_CHARS = 10
        response = api().post("/api/v1/statuses", {"status": "x" * 11})
        assert response.status_code == 422
        assert response.json() == {"error": "The status is over the character limit"}

    def test_defaults_to_the_account_default_scope(self, api):
        client = api(default_scope="private")
        assert client.post("/api/v1/statuses", {"status": "hi"}).json()["visibility"] == "private"

    @pytest.mark.parametrize("visibility", ["public", "unlisted", "private", "direct", "local"])
    def test_accepts_every_visibility(self, api, visibility):
        response = api().post("/api/v1/statuses", {"status": "hi", "visibility": visibility})
        assert response.status_code == 200
        assert response.json()["visibility"] == visibility

    def test_refuses_an_unknown_visibility(self, api):
        response = api().post("/api/v1/statuses", {"status": "hi", "visibility": "secret"})
        assert response.status_code == 422
        assert response.json() == {"error": "Invalid visibility"}

    def test_refuses_a_list_visibility_naming_it_and_writes_nothing(self, api):
        from lists.models import List

        client = api()
        lst = List.objects.create(owner=client.user, title="friends")
        response = client.post("/api/v1/statuses", {"status": "hi", "visibility": f"list:{ids.encode(lst.pk)}"})
        assert response.status_code == 422
        assert response.json() == {"error": "Unsupported parameter: visibility (list:<id>)"}
        assert not Status.objects.filter(account=client.user).exists()

    def test_links_and_stores_mentions_of_local_accounts_and_notifies_them(self, api, user, settings):
        client = api()
        text = f"hi @{user.nickname} and @{user.nickname}@{settings.INSTANCE_DOMAIN} and @ghost"
        body = client.post("/api/v1/statuses", {"status": text}).json()
        assert body["mentions"] == [{"id": body["mentions"][0]["id"], "username": user.nickname,
                                     "acct": user.nickname, "url": user.ap_id}]
        assert f'href="{user.ap_id}"' in body["content"]
        assert "@ghost" in body["content"] and "ghost</span>" not in body["content"]
        status = Status.objects.get()
        assert list(Mention.objects.filter(status=status).values_list("account", flat=True)) == [user.pk]
        assert Notification.objects.filter(user=user, type="mention", status=status).count() == 1

    def test_explicit_to_replaces_implicit_addressing(self, api, user):
        other = api().user
        client = api()
        response = client.post("/api/v1/statuses", {"status": f"hi @{user.nickname}",
                                                    "to[]": [other.nickname]}, format="multipart")
        assert [m["username"] for m in response.json()["mentions"]] == [other.nickname]

    @pytest.mark.parametrize("content_type,text,expected", [
        ("text/plain", "<b>x</b>\nline", "&lt;b&gt;x&lt;/b&gt;<br>line"),
        ("text/markdown", "**bold**", "<p><strong>bold</strong></p>"),
        ("text/html", '<p onclick="x()">hi<script>alert(1)</script></p>', "<p>hi</p>"),
    ])
    def test_renders_each_content_type_and_sanitises_html(self, api, content_type, text, expected):
        response = api().post("/api/v1/statuses", {"status": text, "content_type": content_type})
        assert response.status_code == 200
        assert response.json()["content"] == expected
        assert Status.objects.get().content_type == content_type

    def test_reply_inherits_the_thread_and_counts(self, api, post, user):
        parent = post(user, "root")
        client = api()
        body = client.post("/api/v1/statuses", {"status": "re", "in_reply_to_id": str(parent.pk)}).json()
        from core import ids
        assert body["in_reply_to_id"] == ids.encode(parent.pk)
        assert body["in_reply_to_account_id"] == ids.encode(user.pk)
        assert body["pleroma"]["in_reply_to_account_acct"] == user.nickname
        assert body["pleroma"]["conversation_id"] == parent.context_id
        assert body["pleroma"]["parent_visible"] is True
        assert [m["username"] for m in body["mentions"]] == [user.nickname]
        parent.refresh_from_db()
        assert parent.replies_count == 1

    def test_replying_to_an_invisible_status_is_refused(self, api, post, user):
        hidden = post(user, "secret", visibility="direct")
        response = api().post("/api/v1/statuses", {"status": "re", "in_reply_to_id": str(hidden.pk)})
        assert response.status_code == 422
        assert response.json() == {"error": "The post being replied to was deleted"}

    def test_attaches_own_unattached_media_only(self, api, data_dir):
        from django.core.files.uploadedfile import SimpleUploadedFile

        from statuses.models import MediaAttachment
        from tests.statuses.conftest import png_bytes

        client = api()
        mine = client.post("/api/v1/media", {"file": SimpleUploadedFile("a.png", png_bytes(), "image/png")},
                           format="multipart").json()["id"]
        other = api()
        theirs = other.post("/api/v1/media", {"file": SimpleUploadedFile("b.png", png_bytes(), "image/png")},
                            format="multipart").json()["id"]
        response = client.post("/api/v1/statuses", {"status": "", "media_ids": [mine, theirs]}, format="json")
        assert response.status_code == 200
        assert [m["id"] for m in response.json()["media_attachments"]] == [mine]
        assert MediaAttachment.objects.get(account=other.user).status is None

    def test_preview_renders_without_saving(self, api):
        client = api()
        response = client.post("/api/v1/statuses", {"status": "draft", "preview": "true"})
        assert response.status_code == 200
        assert response.json()["content"] == "draft"
        assert not Status.objects.exists()

    def test_the_same_idempotency_key_posts_once(self, api):
        client = api()
        first = client.post("/api/v1/statuses", {"status": "once"}, HTTP_IDEMPOTENCY_KEY="k1")
        second = client.post("/api/v1/statuses", {"status": "once"}, HTTP_IDEMPOTENCY_KEY="k1")
        assert first.status_code == second.status_code == 200
        assert first.json()["id"] == second.json()["id"]
        assert second["Idempotent-Replayed"] == "true"
        assert Status.objects.count() == 1
        third = client.post("/api/v1/statuses", {"status": "once"}, HTTP_IDEMPOTENCY_KEY="k2")
        assert third.json()["id"] != first.json()["id"]

    def test_an_idempotency_key_is_scoped_to_its_user(self, api):
        a, b = api(), api()
        first = a.post("/api/v1/statuses", {"status": "x"}, HTTP_IDEMPOTENCY_KEY="same")
        second = b.post("/api/v1/statuses", {"status": "x"}, HTTP_IDEMPOTENCY_KEY="same")
        assert first.json()["id"] != second.json()["id"]
        assert second.json()["account"]["id"] != first.json()["account"]["id"]

    def test_expires_in_schedules_deletion(self, api, django_capture_on_commit_callbacks):
        from django.utils import timezone

        from statuses import tasks

        client = api()
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            body = client.post("/api/v1/statuses", {"status": "bye", "expires_in": 3600}).json()
        assert len([c for c in callbacks if c.__module__ not in ("core.render_cache", "streaming.announce")]) == 1
        assert body["pleroma"]["expires_at"] is not None
        status = Status.objects.get()
        # Run too early (eager Celery ran it at once): nothing happens.
        assert Status.objects.filter(pk=status.pk).exists()
        Status.objects.filter(pk=status.pk).update(expires_at=timezone.now())
        assert tasks.expire_status(str(status.pk)) is True
        assert not Status.objects.filter(pk=status.pk).exists()
        assert tasks.expire_status(str(status.pk)) is False  # idempotent

    def test_expiry_sooner_than_an_hour_is_refused(self, api):
        response = api().post("/api/v1/statuses", {"status": "x", "expires_in": 60})
        assert response.status_code == 422
        assert response.json() == {"error": "Expiry date is too soon"}

    def test_expiry_past_any_date_is_refused_not_a_crash(self, api):
        response = api().post("/api/v1/statuses", {"status": "x", "expires_in": 10**15})
        assert response.status_code == 422
        assert response.json() == {"error": "Expiry date is too far"}
        assert not Status.objects.exists()

    def test_subscribers_get_a_status_notification(self, api, follow, user):
        client = api()
        follow(user, client.user, notify=True)
        status_id = client.post("/api/v1/statuses", {"status": "news"}).json()["id"]
        assert Notification.objects.filter(user=user, type="status").count() == 1
        client.post("/api/v1/statuses", {"status": "quiet", "visibility": "private"})
        assert Notification.objects.filter(user=user, type="status").count() == 1
        assert status_id

    def test_tags_are_stored(self, api):
        api().post("/api/v1/statuses", {"status": "#One #two #one"})
        assert sorted(StatusTag.objects.values_list("hashtag__name", flat=True)) == ["one", "two"]

    def test_nsfw_hashtag_marks_sensitive(self, api):
        assert api().post("/api/v1/statuses", {"status": "#nsfw"}).json()["sensitive"] is True
