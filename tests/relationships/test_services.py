"""Rules of relationships.follows that the HTTP routes cannot reach directly."""

import datetime

import pytest
from django.utils import timezone

from core.exceptions import ApiError
from notifications.models import Notification
from relationships import follows
from relationships.models import Block, Follow, Mute
from tests.factories import UserFactory


@pytest.fixture
def pair(db):
    return UserFactory(), UserFactory()


class TestFollowService:
    def test_follow_twice_counts_once(self, pair):
        a, b = pair
        first = follows.follow(a, b)
        second = follows.follow(a, b)
        assert first.pk == second.pk
        a.refresh_from_db(), b.refresh_from_db()
        assert (a.following_count, b.followers_count) == (1, 1)
        assert Notification.objects.filter(user=b, account=a, type="follow").count() == 1

    def test_locked_target_gets_a_request_and_counts_wait(self, pair):
        a, b = pair
        b.locked = True
        b.save()
        row = follows.follow(a, b)
        assert row.state == Follow.State.PENDING
        assert (a.following_count, b.followers_count) == (0, 0)
        follows.authorize_follow_request(b, a)
        assert (a.following_count, b.followers_count) == (1, 1)
        assert Notification.objects.get(user=b, account=a).type == "follow"

    def test_options_left_unchanged_when_not_sent(self, pair):
        a, b = pair
        follows.follow(a, b, reblogs=False, notify=True)
        row = follows.follow(a, b)
        assert (row.show_reblogs, row.notify) == (False, True)
        row = follows.follow(a, b, notify=False)
        assert (row.show_reblogs, row.notify) == (False, False)

    def test_permit_followback_accepts_accounts_the_target_follows(self, pair):
        a, b = pair
        b.locked, b.permit_followback = True, True
        b.save()
        follows.follow(b, a)
        assert follows.follow(a, b).state == Follow.State.ACCEPTED

    def test_self_follow_is_refused(self, pair):
        a, _ = pair
        with pytest.raises(ApiError) as info:
            follows.follow(a, a)
        assert (info.value.status, info.value.message) == (400, "Can not follow yourself")

    def test_block_severs_follows_both_ways_and_keeps_counters(self, pair):
        a, b = pair
        follows.follow(a, b)
        follows.follow(b, a)
        follows.block(a, b)
        follows.block(a, b)
        assert not Follow.objects.exists()
        assert Block.objects.filter(blocker=a, blocked=b).count() == 1
        for user in (a, b):
            user.refresh_from_db()
            assert (user.followers_count, user.following_count) == (0, 0)

    def test_reject_removes_the_request_and_its_notification(self, pair):
        a, b = pair
        b.locked = True
        b.save()
        follows.follow(a, b)
        follows.reject_follow_request(b, a)
        assert not Follow.objects.exists()
        assert not Notification.objects.exists()

    def test_expired_mutes_are_ignored_and_purged(self, pair):
        a, b = pair
        follows.mute(a, b, expires_in=60)
        assert follows.active_mutes().filter(muter=a).exists()
        Mute.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
        assert not follows.active_mutes().filter(muter=a).exists()
        assert follows.purge_expired_mutes() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_follows_count_once():
    """Two simultaneous follow requests for the same pair: one row, counters at 1."""
    import threading

    from django.db import connection

    a, b = UserFactory(), UserFactory()
    barrier = threading.Barrier(4)
    errors = []

    def run():
        try:
            barrier.wait()
            follows.follow(a, b)
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    a.refresh_from_db(), b.refresh_from_db()
    assert Follow.objects.filter(follower=a, followed=b).count() == 1
    assert (a.following_count, b.followers_count) == (1, 1)
