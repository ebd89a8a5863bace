"""Scheduled statuses: POST /api/v1/statuses with scheduled_at, /api/v1/scheduled_statuses."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from core import ids
from statuses import tasks
from statuses.models import MediaAttachment, Poll, ScheduledStatus, Status
from statuses.services import scheduling
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def later(minutes=10) -> str:
    return (timezone.now() + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def due(scheduled) -> None:
    ScheduledStatus.objects.filter(pk=scheduled.pk).update(scheduled_at=timezone.now() - timedelta(seconds=1))


@pytest.fixture
def schedule(api):
    """schedule(client=None, **params) -> the POST /api/v1/statuses response."""
    def make(client=None, minutes=10, **params):
        client = client or api()
        return client.post("/api/v1/statuses", {"status": "later", "scheduled_at": later(minutes), **params},
                           format="json")
    return make


class TestScheduleStatus:
    """POST /api/v1/statuses with scheduled_at"""

    def test_answers_a_scheduled_status_and_posts_nothing_yet(self, api, django_capture_on_commit_callbacks):
        client = api(scopes=["write:statuses"])
        at = later(10)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/api/v1/statuses", {
                "status": "later", "scheduled_at": at, "spoiler_text": "cw", "sensitive": "true",
                "visibility": "unlisted", "poll": {"options": ["a", "b"], "expires_in": 600}},
                format="json", HTTP_IDEMPOTENCY_KEY="k1")
        assert response.status_code == 200, response.json()
        body = response.json()
        scheduled = ScheduledStatus.objects.get()
        assert body["id"] == ids.encode(scheduled.pk)
        assert body["scheduled_at"] == at
        assert body["media_attachments"] == []
        params = body["params"]
        assert params["text"] == "later" and params["spoiler_text"] == "cw"
        assert params["sensitive"] is True and params["visibility"] == "unlisted"
        assert params["poll"] == {"options": ["a", "b"], "expires_in": 600, "multiple": False,
                                  "hide_totals": False}
        assert params["in_reply_to_id"] is None and params["idempotency"] == "k1"
        assert params["application_id"] is not None and params["with_rate_limit"] is False
        assert not Status.objects.exists() and not Poll.objects.exists()
        client.user.refresh_from_db()
        assert client.user.statuses_count == 0

    def test_accepts_a_form_and_an_offset(self, api):
        at = (timezone.now() + timedelta(hours=1)).astimezone(
            timezone.get_fixed_timezone(120)).isoformat()
        response = api().post("/api/v1/statuses", {"status": "x", "scheduled_at": at})
        assert response.status_code == 200, response.json()
        stored = ScheduledStatus.objects.get().scheduled_at
        assert abs(stored - datetime.fromisoformat(at)) < timedelta(seconds=1)

    @pytest.mark.parametrize("minutes", [4, -10])
    def test_refuses_a_time_too_soon(self, schedule, minutes):
        response = schedule(minutes=minutes)
        assert response.status_code == 422
        assert response.json() == {"error": "Scheduled time is too soon"}
        assert not ScheduledStatus.objects.exists() and not Status.objects.exists()

    def test_the_lead_time_is_a_setting(self, schedule, settings):
        settings.SCHEDULED_STATUS_MIN_LEAD_SECONDS = 1
        assert schedule(minutes=1).status_code == 200

    @pytest.mark.parametrize("value", ["tomorrow", "2024-13-40T00:00:00Z", "9999-12-31T23:59:59-14:00"])
    def test_refuses_a_time_that_does_not_parse(self, api, value):
        response = api().post("/api/v1/statuses", {"status": "x", "scheduled_at": value})
        assert response.status_code == 422
        assert response.json() == {"error": "Invalid scheduled_at"}

    def test_checks_the_post_now(self, schedule):
        response = schedule(status=" ")
        assert response.status_code == 422
        assert response.json() == {"error": "Cannot post an empty status without attachments"}
        response = schedule(poll={"options": ["a"], "expires_in": 60})
        assert response.json() == {"error": "Poll must contain at least 2 options"}
        assert not ScheduledStatus.objects.exists()

    def test_keeps_only_the_posters_own_media(self, api, schedule, data_dir):
        client = api()
        mine = MediaAttachment.objects.create(account=client.user, file="attachments/a.png", type="image",
                                              description="mine")
        theirs = MediaAttachment.objects.create(account=UserFactory(), file="attachments/b.png", type="image")
        response = schedule(client, media_ids=[ids.encode(mine.pk), ids.encode(theirs.pk)])
        assert response.status_code == 200, response.json()
        body = response.json()
        assert body["params"]["media_ids"] == [ids.encode(mine.pk)]
        assert [m["id"] for m in body["media_attachments"]] == [ids.encode(mine.pk)]
        assert body["media_attachments"][0]["description"] == "mine"
        mine.refresh_from_db()
        assert mine.status_id is None

    def test_enforces_the_daily_limit(self, api, schedule, monkeypatch):
        monkeypatch.setattr(scheduling, "DAILY_LIMIT", 2)
        client = api()
        assert schedule(client, minutes=10).status_code == 200
        assert schedule(client, minutes=11).status_code == 200
        response = schedule(client, minutes=12)
        assert response.status_code == 422
        assert response.json() == {"error": "Daily limit exceeded"}
        assert schedule(client, minutes=60 * 48).status_code == 200  # another day

    def test_enforces_the_total_limit(self, api, schedule, monkeypatch):
        monkeypatch.setattr(scheduling, "TOTAL_LIMIT", 1)
        client = api()
        assert schedule(client).status_code == 200
        response = schedule(client, minutes=60 * 48)
        assert response.json() == {"error": "Total limit exceeded"}

    def test_preview_ignores_scheduled_at(self, schedule):
        response = schedule(preview="true")
        assert response.status_code == 200
        assert "content" in response.json()
        assert not ScheduledStatus.objects.exists() and not Status.objects.exists()


class TestPublish:
    """statuses.tasks.publish_scheduled_status"""

    def test_publishes_once_at_its_time(self, api, schedule, user, data_dir):
        client = api()
        parent = Status.objects.create(account=user, content_source="parent", content="parent")
        media = MediaAttachment.objects.create(account=client.user, file="attachments/a.png", type="image")
        body = schedule(client, in_reply_to_id=ids.encode(parent.pk), media_ids=[ids.encode(media.pk)],
                        visibility="unlisted").json()
        scheduled = ScheduledStatus.objects.get()
        assert tasks.publish_scheduled_status(str(scheduled.pk)) is None  # not due
        due(scheduled)
        published = tasks.publish_scheduled_status(body["id"] and str(scheduled.pk))
        status = Status.objects.get(pk=published)
        assert status.account == client.user and status.content_source == "later"
        assert status.in_reply_to_id == parent.pk and status.visibility == "unlisted"
        assert status.application_id == client.token.application_id
        assert list(status.media_attachments.values_list("pk", flat=True)) == [media.pk]
        assert not ScheduledStatus.objects.exists()
        assert tasks.publish_scheduled_status(str(scheduled.pk)) is None  # retried
        assert Status.objects.filter(account=client.user).count() == 1
        client.user.refresh_from_db()
        assert client.user.statuses_count == 1

    def test_publishes_its_poll(self, api, schedule):
        client = api()
        schedule(client, poll={"options": ["a", "b"], "expires_in": 600, "multiple": True})
        scheduled = ScheduledStatus.objects.get()
        due(scheduled)
        status = Status.objects.get(pk=tasks.publish_scheduled_status(str(scheduled.pk)))
        assert status.poll.options == ["a", "b"] and status.poll.multiple is True
        assert status.poll.expires_at > timezone.now() + timedelta(seconds=590)

    def test_a_cancelled_or_moved_status_is_not_published(self, api, schedule):
        client = api()
        schedule(client)
        scheduled = ScheduledStatus.objects.get()
        assert tasks.publish_scheduled_status(str(ids.new_id())) is None
        ScheduledStatus.objects.filter(pk=scheduled.pk).update(scheduled_at=timezone.now() + timedelta(hours=1))
        assert tasks.publish_scheduled_status(str(scheduled.pk)) is None
        assert ScheduledStatus.objects.exists() and not Status.objects.exists()

    def test_one_that_can_no_longer_be_posted_is_dropped(self, api, schedule, user):
        client = api()
        parent = Status.objects.create(account=user, content_source="parent", content="parent")
        schedule(client, in_reply_to_id=ids.encode(parent.pk))
        parent.delete()
        scheduled = ScheduledStatus.objects.get()
        due(scheduled)
        assert tasks.publish_scheduled_status(str(scheduled.pk)) is None
        assert not ScheduledStatus.objects.exists() and not Status.objects.exists()

    def test_the_safety_net_publishes_what_is_due(self, api, schedule):
        client = api()
        schedule(client)
        schedule(client, minutes=60)
        due(ScheduledStatus.objects.order_by("scheduled_at").first())
        assert tasks.publish_due_scheduled_statuses() == 1
        assert tasks.publish_due_scheduled_statuses() == 0
        assert Status.objects.count() == 1 and ScheduledStatus.objects.count() == 1


class TestListScheduledStatuses:
    """GET /api/v1/scheduled_statuses"""

    def test_lists_only_ones_own_newest_first_with_links(self, api, schedule):
        client = api(scopes=["read:statuses", "write:statuses"])
        for minutes in (10, 20, 30):
            schedule(client, minutes=minutes)
        schedule(api())
        response = client.get("/api/v1/scheduled_statuses", {"limit": 2})
        assert response.status_code == 200
        page = response.json()
        own = list(ScheduledStatus.objects.filter(account=client.user).order_by("-id"))
        assert [s["id"] for s in page] == [ids.encode(s.pk) for s in own[:2]]
        assert 'rel="next"' in response["Link"]
        rest = client.get("/api/v1/scheduled_statuses", {"max_id": page[-1]["id"]}).json()
        assert [s["id"] for s in rest] == [ids.encode(own[2].pk)]

    def test_refuses_anonymous_callers(self, anon):
        response = anon.get("/api/v1/scheduled_statuses")
        assert response.status_code == 403
        assert response.json() == {"error": "Invalid credentials."}

    def test_a_new_user_has_none(self, api):
        assert api(scopes=["read:statuses"]).get("/api/v1/scheduled_statuses").json() == []

    def test_refuses_a_token_without_read_statuses(self, api):
        response = api(scopes=["write"]).get("/api/v1/scheduled_statuses")
        assert response.status_code == 403
        assert response.json() == {"error": "Insufficient permissions: read:statuses."}

    @pytest.mark.parametrize("size", [1, 20])
    def test_constant_queries(self, api, schedule, size, data_dir, django_assert_max_num_queries):
        client = api()
        for i in range(size):
            media = MediaAttachment.objects.create(account=client.user, file=f"attachments/{i}.png", type="image")
            schedule(client, minutes=10 + i, media_ids=[ids.encode(media.pk)])
        with django_assert_max_num_queries(3):  # token, the page, the media
            body = client.get("/api/v1/scheduled_statuses", {"limit": 20}).json()
        assert len(body) == size and all(len(s["media_attachments"]) == 1 for s in body)


class TestScheduledStatus:
    """GET/PUT/DELETE /api/v1/scheduled_statuses/:id"""

    def test_shows_ones_own(self, api, schedule):
        client = api()
        body = schedule(client).json()
        assert client.get(f"/api/v1/scheduled_statuses/{body['id']}").json() == body

    @pytest.mark.parametrize("method", ["get", "put", "delete"])
    def test_anyone_elses_is_not_found(self, api, schedule, method):
        body = schedule().json()
        response = getattr(api(), method)(f"/api/v1/scheduled_statuses/{body['id']}",
                                          {"scheduled_at": later(30)}, format="json")
        assert response.status_code == 404
        assert response.json() == {"error": "Record not found"}
        assert ScheduledStatus.objects.count() == 1

    def test_moves_it_and_the_old_task_does_nothing(self, api, schedule, django_capture_on_commit_callbacks):
        client = api(scopes=["write:statuses"])
        body = schedule(client).json()
        at = later(60)
        with django_capture_on_commit_callbacks() as callbacks:
            response = client.put(f"/api/v1/scheduled_statuses/{body['id']}", {"scheduled_at": at})
        assert response.status_code == 200, response.json()
        assert response.json()["scheduled_at"] == at
        assert len(callbacks) == 1  # the task for the new time
        assert tasks.publish_scheduled_status(str(ids.decode(body["id"]))) is None
        assert ScheduledStatus.objects.get().scheduled_at.astimezone(UTC).strftime(
            "%Y-%m-%dT%H:%M:%S.000Z") == at

    def test_refuses_moving_it_too_soon(self, api, schedule):
        client = api()
        body = schedule(client).json()
        response = client.put(f"/api/v1/scheduled_statuses/{body['id']}", {"scheduled_at": later(1)})
        assert response.status_code == 422
        assert response.json() == {"error": "Scheduled time is too soon"}
        response = client.put(f"/api/v1/scheduled_statuses/{body['id']}", {})
        assert response.json() == {"error": "Invalid scheduled_at"}

    def test_cancels_it(self, api, schedule):
        client = api(scopes=["read:statuses", "write:statuses"])
        body = schedule(client).json()
        response = client.delete(f"/api/v1/scheduled_statuses/{body['id']}")
        assert response.status_code == 200 and response.json() == {}
        assert not ScheduledStatus.objects.exists()
        assert client.get(f"/api/v1/scheduled_statuses/{body['id']}").status_code == 404

    def test_writes_need_write_statuses(self, api, schedule):
        client = api(scopes=["read"])
        body = schedule(api(user=client.user)).json()
        response = client.delete(f"/api/v1/scheduled_statuses/{body['id']}")
        assert response.status_code == 403
        assert response.json() == {"error": "Insufficient permissions: write:statuses."}
