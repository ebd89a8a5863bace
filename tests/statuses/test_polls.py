"""Polls: POST /api/v1/statuses with a poll, GET /api/v1/polls/:id, POST .../votes, closing."""

import json
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from core import ids
from notifications.models import Notification
from statuses import tasks
from statuses.models import MediaAttachment, Poll, PollVote
from statuses.services import polls as poll_services
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def poll_post(client, options=("yes", "no"), expires_in=600, **poll):
    return client.post("/api/v1/statuses", {"status": "which?", "poll": {
        "options": list(options), "expires_in": expires_in, **poll}}, format="json")


@pytest.fixture
def poll_status(post):
    """poll_status(author, options=..., **poll) -> the Status, created through the service."""
    def make(author, options=("yes", "no", "maybe"), expires_in=600, visibility="public", **poll):
        return post(author, "which?", visibility=visibility,
                    poll={"options": list(options), "expires_in": expires_in, **poll})
    return make


class TestCreatePoll:
    """POST /api/v1/statuses with poll"""

    def test_posts_a_poll_from_json(self, api):
        client = api(scopes=["write:statuses"])
        before = timezone.now()
        response = poll_post(client, ["Rei", "Asuka", "Misato"], 420, multiple=True)
        assert response.status_code == 200, response.json()
        poll = response.json()["poll"]
        assert [o["title"] for o in poll["options"]] == ["Rei", "Asuka", "Misato"]
        assert all(o["votes_count"] == 0 for o in poll["options"])
        assert poll["multiple"] is True and poll["expired"] is False
        assert poll["votes_count"] == 0 and poll["voters_count"] == 0
        assert poll["emojis"] == []
        assert poll["voted"] is True and poll["own_votes"] == []  # the author counts as voted
        stored = Poll.objects.get()
        assert ids.encode(stored.pk) == poll["id"]
        assert timedelta(seconds=419) < stored.expires_at - before < timedelta(seconds=430)
        assert poll["expires_at"].endswith("Z")

    def test_posts_a_poll_from_a_form(self, api):
        client = api()
        response = client.post("/api/v1/statuses", {
            "status": "form", "poll[options][]": ["a", "b"], "poll[expires_in]": "600",
            "poll[multiple]": "true", "poll[hide_totals]": "false"})
        assert response.status_code == 200, response.json()
        poll = response.json()["poll"]
        assert [o["title"] for o in poll["options"]] == ["a", "b"]
        assert poll["multiple"] is True
        assert Poll.objects.get().hide_totals is False

    def test_posts_a_poll_with_index_keyed_options(self, api):
        response = api().post("/api/v1/statuses", {
            "status": "form", "poll[options][1]": "second", "poll[options][0]": "first",
            "poll[expires_in]": "600"})
        assert response.status_code == 200, response.json()
        assert [o["title"] for o in response.json()["poll"]["options"]] == ["first", "second"]

    def test_a_poll_without_text_is_posted(self, api):
        response = api().post("/api/v1/statuses", {"poll": {"options": ["a", "b"], "expires_in": 60}},
                              format="json")
        assert response.status_code == 200
        assert response.json()["poll"]["options"][1]["title"] == "b"

    @pytest.mark.parametrize(("poll", "message"), [
        ({"options": [str(i) for i in range(21)], "expires_in": 600}, "Poll can't contain more than 20 options"),
        ({"options": ["x" * 201, "y"], "expires_in": 600}, "Poll options cannot be longer than 200 characters each"),
        ({"options": ["a", "b"], "expires_in": 365 * 24 * 3600 + 1}, "Expiration date is too far in the future"),
        ({"options": ["a", "b"], "expires_in": -1}, "Expiration date is too soon"),
        ({"options": ["a", "a"], "expires_in": 600}, "Poll options must be unique"),
        ({"options": ["a"], "expires_in": 600}, "Poll must contain at least 2 options"),
        ({"options": ["a", " "], "expires_in": 600}, "Poll options cannot be blank"),
        ({"options": ["a", "b"]}, "Invalid poll expires_in"),
        ({"options": "a", "expires_in": 600}, "Poll must contain at least 2 options"),
        ({"options": [{"x": 1}, "b"], "expires_in": 600}, "Invalid poll"),
        ({"expires_in": 600}, "Invalid poll"),
    ])
    def test_refuses_a_poll_out_of_the_advertised_limits(self, api, poll, message):
        response = api().post("/api/v1/statuses", {"status": "x", "poll": poll}, format="json")
        assert response.status_code == 422
        assert response.json() == {"error": message}
        assert not Poll.objects.exists()

    def test_refuses_a_poll_given_as_a_string(self, api):
        response = api().post("/api/v1/statuses", {"status": "x", "poll": "yes"}, format="json")
        assert response.status_code == 422
        assert response.json() == {"error": "Invalid poll"}

    def test_limits_are_the_advertised_ones(self, anon):
        limits = anon.get("/api/v1/instance").json()["poll_limits"]
        assert limits == {"max_options": 20, "max_option_chars": 200, "min_expiration": 0,
                          "max_expiration": 31536000}
        assert "polls" in anon.get("/api/v1/instance").json()["pleroma"]["metadata"]["features"]

    def test_refuses_a_poll_with_media(self, api, data_dir):
        client = api()
        media = MediaAttachment.objects.create(account=client.user, file="attachments/x.png", type="image")
        response = client.post("/api/v1/statuses", {
            "status": "x", "media_ids": [ids.encode(media.pk)],
            "poll": {"options": ["a", "b"], "expires_in": 600}}, format="json")
        assert response.status_code == 422
        assert response.json() == {"error": "Polls cannot have media attachments"}

    def test_schedules_the_closing_at_the_expiry(self, api, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            response = poll_post(api(), expires_in=600)
        assert response.status_code == 200
        assert Poll.objects.get().closed_at is None  # the eager task ran early: nothing done


class TestShowPoll:
    """GET /api/v1/polls/:id"""

    def test_shows_a_poll_without_viewer_fields_to_anonymous(self, anon, poll_status, user):
        status = poll_status(user)
        poll_id = ids.encode(status.poll.pk)
        response = anon.get(f"/api/v1/polls/{poll_id}")
        assert response.status_code == 200
        body = response.json()
        assert body["id"] == poll_id
        assert "voted" not in body and "own_votes" not in body
        assert [o["title"] for o in body["options"]] == ["yes", "no", "maybe"]

    def test_shows_the_viewers_own_votes(self, api, poll_status, user):
        status = poll_status(user, multiple=True)
        client = api(scopes=["read:statuses"])
        poll_services.vote(client.user, status.poll, ["0", "2"])
        body = client.get(f"/api/v1/polls/{ids.encode(status.poll.pk)}").json()
        assert body["voted"] is True and body["own_votes"] == [0, 2]
        other = api(scopes=["read:statuses"]).get(f"/api/v1/polls/{ids.encode(status.poll.pk)}").json()
        assert other["voted"] is False and other["own_votes"] == []
        assert [o["votes_count"] for o in other["options"]] == [1, 0, 1]
        assert other["votes_count"] == 2 and other["voters_count"] == 1

    def test_a_poll_on_a_status_the_viewer_cannot_see_is_not_found(self, api, poll_status, user):
        status = poll_status(user, visibility="private")
        response = api().get(f"/api/v1/polls/{ids.encode(status.poll.pk)}")
        assert response.status_code == 404
        assert response.json() == {"error": "Record not found"}
        assert api(user=user).get(f"/api/v1/polls/{ids.encode(status.poll.pk)}").status_code == 200

    @pytest.mark.parametrize("poll_id", ["nope", "0", ids.encode(ids.new_id())])
    def test_an_unknown_poll_is_not_found(self, anon, poll_id):
        assert anon.get(f"/api/v1/polls/{poll_id}").status_code == 404

    def test_a_token_without_read_statuses_sees_it_as_anonymous(self, api, poll_status, user):
        status = poll_status(user, visibility="private")
        path = f"/api/v1/polls/{ids.encode(status.poll.pk)}"
        assert api(scopes=["write"], user=user).get(path).status_code == 404
        body = api(scopes=["read:statuses"], user=user).get(path).json()
        assert body["voted"] is True

    def test_hidden_totals_show_to_the_author_and_after_expiry(self, api, anon, poll_status, user):
        status = poll_status(user, hide_totals=True)
        poll_services.vote(UserFactory(), status.poll, [1])
        path = f"/api/v1/polls/{ids.encode(status.poll.pk)}"
        assert [o["votes_count"] for o in anon.get(path).json()["options"]] == [None, None, None]
        assert [o["votes_count"] for o in api().get(path).json()["options"]] == [None, None, None]
        assert [o["votes_count"] for o in api(user=user).get(path).json()["options"]] == [0, 1, 0]
        Poll.objects.filter(pk=status.poll.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
        assert tasks.close_poll(str(status.poll.pk)) is True
        body = anon.get(path).json()
        assert body["expired"] is True
        assert [o["votes_count"] for o in body["options"]] == [0, 1, 0]


class TestVote:
    """POST /api/v1/polls/:id/votes"""

    def path(self, status):
        return f"/api/v1/polls/{ids.encode(status.poll.pk)}/votes"

    def test_votes_with_a_form(self, api, poll_status, user):
        status = poll_status(user)
        client = api(scopes=["read:statuses", "write:statuses"])
        response = client.post(self.path(status), {"choices[]": ["1"]})
        assert response.status_code == 200, response.json()
        body = response.json()
        assert body["voted"] is True and body["own_votes"] == [1]
        assert [o["votes_count"] for o in body["options"]] == [0, 1, 0]
        poll = Poll.objects.get()
        assert poll.votes == [0, 1, 0] and poll.voters_count == 1
        assert list(PollVote.objects.values_list("account_id", "choice")) == [(client.user.pk, 1)]
        # the status entity shows the vote at once (its rendered entry was dropped)
        shown = client.get(f"/api/v1/statuses/{ids.encode(status.pk)}").json()["poll"]
        assert shown["own_votes"] == [1] and shown["votes_count"] == 1

    def test_votes_with_json_on_a_multiple_choice_poll(self, api, poll_status, user):
        status = poll_status(user, multiple=True)
        response = api().post(self.path(status), {"choices": [0, 2, 2]}, format="json")
        assert response.status_code == 200
        assert response.json()["own_votes"] == [0, 2]
        assert Poll.objects.get().votes == [1, 0, 1]
        assert Poll.objects.get().voters_count == 1

    @pytest.mark.parametrize(("choices", "message"), [
        (["0", "1"], "Too many choices"),
        (["3"], "Invalid indices"),
        (["-1"], "Invalid indices"),
        (["x"], "Invalid indices"),
        ([], "Invalid indices"),
    ])
    def test_refuses_bad_choices(self, api, poll_status, user, choices, message):
        status = poll_status(user)
        response = api().post(self.path(status), {"choices": choices}, format="json")
        assert response.status_code == 422
        assert response.json() == {"error": message}
        assert not PollVote.objects.exists()

    def test_refuses_voting_twice(self, api, poll_status, user):
        status = poll_status(user)
        client = api()
        assert client.post(self.path(status), {"choices[]": ["0"]}).status_code == 200
        response = client.post(self.path(status), {"choices[]": ["1"]})
        assert response.status_code == 422
        assert response.json() == {"error": "Already voted"}
        assert Poll.objects.get().votes == [1, 0, 0]

    def test_refuses_the_author(self, api, poll_status, user):
        status = poll_status(user)
        response = api(user=user).post(self.path(status), {"choices[]": ["0"]})
        assert response.status_code == 422
        assert response.json() == {"error": "Poll's author can't vote"}

    def test_refuses_a_closed_poll(self, api, poll_status, user):
        status = poll_status(user)
        Poll.objects.filter(pk=status.poll.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
        response = api().post(self.path(status), {"choices[]": ["0"]})
        assert response.status_code == 422
        assert response.json() == {"error": "Poll's closed"}

    def test_refuses_a_poll_the_voter_cannot_see(self, api, poll_status, user):
        status = poll_status(user, visibility="private")
        response = api().post(self.path(status), {"choices[]": ["0"]})
        assert response.status_code == 404
        assert response.json() == {"error": "Record not found"}

    def test_refuses_anonymous_callers(self, anon, poll_status, user):
        status = poll_status(user)
        response = anon.post(self.path(status), {"choices[]": ["0"]})
        assert response.status_code == 403
        assert response.json() == {"error": "Invalid credentials."}

    def test_refuses_a_token_without_write_statuses(self, api, poll_status, user):
        status = poll_status(user)
        response = api(scopes=["read"]).post(self.path(status), {"choices[]": ["0"]})
        assert response.status_code == 403
        assert response.json() == {"error": "Insufficient permissions: write:statuses."}


@pytest.mark.django_db(transaction=True)
class TestConcurrentVotes:
    """POST /api/v1/polls/:id/votes from several connections at once"""

    def test_counts_every_voter_once(self, post):
        author = UserFactory()
        status = post(author, "race", poll={"options": ["a", "b"], "expires_in": 600})
        voters = [UserFactory() for _ in range(6)]
        errors = []
        barrier = threading.Barrier(len(voters) * 2)

        def vote(voter):
            try:
                barrier.wait()
                poll_services.vote(voter, Poll.objects.get(pk=status.poll.pk), [0])
            except Exception as error:  # noqa: BLE001 - collected and asserted below
                errors.append(str(error))
            finally:
                connection.close()

        threads = [threading.Thread(target=vote, args=(v,)) for v in voters for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        poll = Poll.objects.get()
        assert poll.votes == [6, 0] and poll.voters_count == 6
        assert PollVote.objects.count() == 6
        assert sorted(errors) == ["Already voted"] * 6


class TestClosePoll:
    """statuses.tasks.close_poll"""

    def test_notifies_the_author_and_every_voter_once(self, poll_status, user):
        status = poll_status(user)
        voters = [UserFactory(), UserFactory()]
        for i, voter in enumerate(voters):
            poll_services.vote(voter, status.poll, [i])
        assert tasks.close_poll(str(status.poll.pk)) is False  # not due yet
        Poll.objects.filter(pk=status.poll.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
        assert tasks.close_poll(str(status.poll.pk)) is True
        assert tasks.close_poll(str(status.poll.pk)) is False  # retried: nothing more
        notified = Notification.objects.filter(type="poll", status=status)
        assert sorted(notified.values_list("user_id", flat=True)) == sorted([user.pk, *(v.pk for v in voters)])
        assert set(notified.values_list("account_id", flat=True)) == {user.pk}

    def test_a_deleted_poll_is_skipped(self):
        assert tasks.close_poll(str(ids.new_id())) is False

    def test_the_safety_net_closes_due_polls(self, poll_status, user):
        status = poll_status(user)
        Poll.objects.filter(pk=status.poll.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
        assert tasks.close_due_polls() == 1
        assert tasks.close_due_polls() == 0
        assert Notification.objects.filter(type="poll", user=user).count() == 1

    def test_poll_notifications_render_and_filter(self, api, poll_status):
        client = api(scopes=["read:notifications"])
        status = poll_status(client.user)
        Poll.objects.filter(pk=status.poll.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
        tasks.close_poll(str(status.poll.pk))
        body = client.get("/api/v1/notifications", {"types[]": ["poll"]}).json()
        assert [n["type"] for n in body] == ["poll"]
        assert body[0]["status"]["poll"]["expired"] is True
        assert body[0]["account"]["id"] == ids.encode(client.user.pk)
        assert client.get("/api/v1/notifications", {"exclude_types[]": ["poll"]}).json() == []


class TestPollsOnTimelines:
    """GET /api/v1/timelines/public and home with polls"""

    @pytest.mark.parametrize("size", [1, 20])
    def test_constant_queries_with_polls(self, api, poll_status, size, django_assert_max_num_queries):
        viewer = api()
        authors = [UserFactory() for _ in range(3)]
        statuses = [poll_status(authors[i % 3], multiple=True) for i in range(size)]
        for status in statuses:
            poll_services.vote(viewer.user, status.poll, [0, 1])
        with django_assert_max_num_queries(10):  # the polls come joined to their statuses; the viewer's filters
            cold = viewer.get("/api/v1/timelines/public", {"limit": 20})
        assert cold.status_code == 200
        with django_assert_max_num_queries(3):  # token, the page, the viewer's flags and votes
            warm = viewer.get("/api/v1/timelines/public", {"limit": 20})
        assert json.loads(warm.content) == json.loads(cold.content)
        body = warm.json()
        assert len(body) == size
        assert all(s["poll"]["own_votes"] == [0, 1] and s["poll"]["voted"] for s in body)

    def test_anonymous_pages_show_polls_without_viewer_fields(self, anon, poll_status, user):
        poll_status(user)
        body = anon.get("/api/v1/timelines/public").json()
        assert body[0]["poll"]["options"][0]["title"] == "yes"
        assert "voted" not in body[0]["poll"]
