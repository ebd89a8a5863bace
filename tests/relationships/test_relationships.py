"""POST /api/v1/accounts/:id/{follow,unfollow,block,unblock,mute,unmute,note,remove_from_followers}
and GET /api/v1/accounts/relationships."""

import datetime

import pytest
from django.utils import timezone

from core import ids
from notifications.models import Notification
from relationships import follows
from relationships.models import AccountNote, Block, Follow, Mute
from tests.factories import UserFactory

RELATIONSHIP_KEYS = {
    "id", "following", "requested", "followed_by", "blocking", "blocked_by", "muting",
    "muting_notifications", "domain_blocking", "showing_reblogs", "endorsed", "note",
    "subscribing", "notifying",
}


def url(target, action):
    return f"/api/v1/accounts/{ids.encode(target.pk)}/{action}"


@pytest.fixture
def client(api):
    return api(scopes=["follow"])


@pytest.fixture
def target(db):
    return UserFactory()


class TestFollow:
    """POST /api/v1/accounts/:id/follow"""

    def test_follows_and_counts_and_notifies(self, client, target):
        response = client.post(url(target, "follow"))
        assert response.status_code == 200
        body = response.json()
        assert RELATIONSHIP_KEYS <= set(body)
        assert body["id"] == ids.encode(target.pk)
        assert body["following"] is True and body["requested"] is False
        assert body["showing_reblogs"] is True and body["notifying"] is False
        target.refresh_from_db()
        client.user.refresh_from_db()
        assert target.followers_count == 1 and client.user.following_count == 1
        assert Notification.objects.filter(user=target, account=client.user, type="follow").exists()

    def test_following_twice_is_the_same_relationship(self, client, target):
        client.post(url(target, "follow"))
        response = client.post(url(target, "follow"))
        assert response.status_code == 200
        assert Follow.objects.filter(follower=client.user, followed=target).count() == 1
        target.refresh_from_db()
        assert target.followers_count == 1

    def test_locked_account_gets_a_request(self, client, target):
        target.locked = True
        target.save()
        body = client.post(url(target, "follow")).json()
        assert body["following"] is False and body["requested"] is True
        target.refresh_from_db()
        assert target.followers_count == 0
        assert Notification.objects.filter(user=target, type="follow_request").count() == 1

    def test_options_are_set_and_kept_when_absent(self, client, target):
        body = client.post(url(target, "follow"), {"reblogs": "0", "notify": "1"}).json()
        assert body["showing_reblogs"] is False
        assert body["subscribing"] is True and body["notifying"] is True
        body = client.post(url(target, "follow"), {}, format="json").json()
        assert body["showing_reblogs"] is False and body["notifying"] is True
        body = client.post(url(target, "follow"), {"notify": False}, format="json").json()
        assert body["notifying"] is False and body["showing_reblogs"] is False

    def test_accepts_a_nickname(self, client, target):
        response = client.post(f"/api/v1/accounts/{target.nickname}/follow")
        assert response.status_code == 200
        assert response.json()["following"] is True

    def test_refuses_following_yourself(self, client):
        response = client.post(url(client.user, "follow"))
        assert response.status_code == 400
        assert response.json() == {"error": "Can not follow yourself"}

    def test_refuses_when_blocked_by_the_target(self, client, target):
        follows.block(target, client.user)
        response = client.post(url(target, "follow"))
        assert response.status_code == 403
        assert response.json() == {"error": f"Could not follow user: {target.nickname} blocked you."}
        assert not Follow.objects.exists()

    def test_refuses_when_blocking_the_target(self, client, target):
        follows.block(client.user, target)
        response = client.post(url(target, "follow"))
        assert response.status_code == 403
        assert "error" in response.json()

    def test_unknown_account_is_404(self, client):
        response = client.post("/api/v1/accounts/nobody_here/follow")
        assert response.status_code == 404
        assert response.json() == {"error": "Record not found"}

    def test_write_follows_scope_is_enough(self, api, target):
        response = api(scopes=["write:follows"]).post(url(target, "follow"))
        assert response.status_code == 200

    def test_refuses_a_token_without_follow_scopes(self, api, target):
        response = api(scopes=["read", "write:statuses"]).post(url(target, "follow"))
        assert response.status_code == 403
        assert response.json() == {"error": "Insufficient permissions: follow | write:follows."}

    def test_refuses_anonymous(self, anon, target):
        response = anon.post(url(target, "follow"))
        assert response.status_code == 403
        assert response.json() == {"error": "Invalid credentials."}


class TestUnfollow:
    """POST /api/v1/accounts/:id/unfollow"""

    def test_unfollows_and_fixes_counters(self, client, target):
        follows.follow(client.user, target)
        body = client.post(url(target, "unfollow")).json()
        assert body["following"] is False
        target.refresh_from_db()
        client.user.refresh_from_db()
        assert target.followers_count == 0 and client.user.following_count == 0

    def test_cancels_a_pending_request(self, client, target):
        target.locked = True
        target.save()
        follows.follow(client.user, target)
        body = client.post(url(target, "unfollow")).json()
        assert body["requested"] is False
        assert not Follow.objects.exists()
        assert not Notification.objects.filter(type="follow_request").exists()

    def test_unfollowing_someone_not_followed_is_harmless(self, client, target):
        assert client.post(url(target, "unfollow")).status_code == 200


class TestBlock:
    """POST /api/v1/accounts/:id/block"""

    def test_blocking_removes_follows_both_ways(self, api, target):
        client = api(scopes=["write:blocks"])
        follows.follow(client.user, target)
        follows.follow(target, client.user)
        body = client.post(url(target, "block")).json()
        assert body["blocking"] is True
        assert body["following"] is False and body["followed_by"] is False
        assert not Follow.objects.exists()
        for user in (client.user, target):
            user.refresh_from_db()
            assert user.followers_count == 0 and user.following_count == 0

    def test_the_blocked_account_sees_blocked_by(self, client, target, api):
        follows.block(target, client.user)
        body = client.get(f"/api/v1/accounts/relationships?id[]={ids.encode(target.pk)}").json()
        assert body[0]["blocked_by"] is True and body[0]["blocking"] is False

    def test_refuses_a_token_without_block_scopes(self, api, target):
        response = api(scopes=["write:follows"]).post(url(target, "block"))
        assert response.status_code == 403
        assert response.json() == {"error": "Insufficient permissions: follow | write:blocks."}


class TestUnblock:
    """POST /api/v1/accounts/:id/unblock"""

    def test_unblocks(self, client, target):
        follows.block(client.user, target)
        body = client.post(url(target, "unblock")).json()
        assert body["blocking"] is False
        assert not Block.objects.exists()


class TestMute:
    """POST /api/v1/accounts/:id/mute"""

    def test_mutes_with_notifications_by_default(self, client, target):
        body = client.post(url(target, "mute")).json()
        assert body["muting"] is True and body["muting_notifications"] is True
        mute = Mute.objects.get(muter=client.user, muted=target)
        assert mute.expires_at is None

    def test_mutes_without_notifications_for_a_duration(self, client, target):
        body = client.post(url(target, "mute"), {"notifications": "false", "duration": "3600"}).json()
        assert body["muting"] is True and body["muting_notifications"] is False
        mute = Mute.objects.get(muter=client.user, muted=target)
        remaining = (mute.expires_at - timezone.now()).total_seconds()
        assert 3500 < remaining <= 3600

    def test_accepts_expires_in(self, client, target):
        client.post(url(target, "mute"), {"expires_in": 60}, format="json")
        assert Mute.objects.get().expires_at is not None

    def test_muting_again_replaces_the_options(self, client, target):
        client.post(url(target, "mute"), {"expires_in": 60}, format="json")
        client.post(url(target, "mute"), {"notifications": False}, format="json")
        mute = Mute.objects.get()
        assert mute.expires_at is None and mute.notifications is False

    def test_an_expired_mute_is_no_mute(self, client, target):
        client.post(url(target, "mute"), {"expires_in": 60}, format="json")
        Mute.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
        body = client.get(f"/api/v1/accounts/relationships?id[]={ids.encode(target.pk)}").json()
        assert body[0]["muting"] is False

    def test_bad_duration_is_400(self, client, target):
        response = client.post(url(target, "mute"), {"duration": "soon"})
        assert response.status_code == 400
        assert "duration" in response.json()["error"]

    @pytest.mark.parametrize("field", ["duration", "expires_in"])
    def test_a_duration_past_any_date_is_400_not_a_crash(self, client, target, field):
        response = client.post(url(target, "mute"), {field: 10**15}, format="json")
        assert response.status_code == 400
        assert field in response.json()["error"]
        assert not Mute.objects.exists()

    def test_refuses_a_token_without_mute_scopes(self, api, target):
        response = api(scopes=["write:follows"]).post(url(target, "mute"))
        assert response.status_code == 403
        assert response.json() == {"error": "Insufficient permissions: follow | write:mutes."}


class TestUnmute:
    """POST /api/v1/accounts/:id/unmute"""

    def test_unmutes(self, client, target):
        follows.mute(client.user, target)
        body = client.post(url(target, "unmute")).json()
        assert body["muting"] is False
        assert not Mute.objects.exists()


class TestNote:
    """POST /api/v1/accounts/:id/note"""

    def test_sets_and_clears_the_note(self, api, target):
        client = api(scopes=["write:accounts"])
        body = client.post(url(target, "note"), {"comment": "met at the conf"}).json()
        assert body["note"] == "met at the conf"
        assert AccountNote.objects.get(owner=client.user, account=target).comment == "met at the conf"
        body = client.post(url(target, "note"), {"comment": ""}).json()
        assert body["note"] == ""
        assert not AccountNote.objects.exists()

    def test_refuses_a_token_without_write_accounts(self, client, target):
        response = client.post(url(target, "note"), {"comment": "x"})
        assert response.status_code == 403
        assert response.json() == {"error": "Insufficient permissions: write:accounts."}


class TestRemoveFromFollowers:
    """POST /api/v1/accounts/:id/remove_from_followers"""

    def test_removes_a_follower(self, client, target):
        follows.follow(target, client.user)
        body = client.post(url(target, "remove_from_followers")).json()
        assert body["followed_by"] is False
        client.user.refresh_from_db()
        target.refresh_from_db()
        assert client.user.followers_count == 0 and target.following_count == 0


class TestRelationships:
    """GET /api/v1/accounts/relationships"""

    def test_no_id_is_an_empty_list(self, client):
        response = client.get("/api/v1/accounts/relationships")
        assert response.status_code == 200
        assert response.json() == []

    def test_returns_one_relationship_per_known_id_in_order(self, client, django_assert_max_num_queries):
        others = UserFactory.create_batch(20)
        follows.follow(client.user, others[0])
        follows.follow(others[1], client.user)
        follows.mute(client.user, others[2], notifications=False)
        wanted = [ids.encode(u.pk) for u in others]
        query = "&".join(f"id[]={i}" for i in [*wanted, "junk", ids.encode(ids.new_id())])
        with django_assert_max_num_queries(10):
            body = client.get(f"/api/v1/accounts/relationships?{query}").json()
        assert [r["id"] for r in body] == wanted
        assert body[0]["following"] is True
        assert body[1]["followed_by"] is True
        assert body[2]["muting"] is True and body[2]["muting_notifications"] is False
        assert all(RELATIONSHIP_KEYS <= set(r) for r in body)

    def test_query_count_is_the_same_for_one_account(self, client, django_assert_max_num_queries):
        other = UserFactory()
        with django_assert_max_num_queries(10):
            body = client.get(f"/api/v1/accounts/relationships?id={ids.encode(other.pk)}").json()
        assert len(body) == 1

    def test_refuses_a_token_without_read_follows(self, api):
        response = api(scopes=["read:statuses"]).get("/api/v1/accounts/relationships")
        assert response.status_code == 403
        assert response.json() == {"error": "Insufficient permissions: follow | read:follows."}

    def test_read_scope_is_enough(self, api):
        assert api(scopes=["read"]).get("/api/v1/accounts/relationships").status_code == 200
