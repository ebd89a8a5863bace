"""Every stored counter equals the rows it counts, through creation, deletion and each
visibility: statuses_count, followers_count, following_count, favourites_count,
reblogs_count, replies_count and quotes_count (all driven through the HTTP API)."""

import pytest

from accounts.models import User
from core import ids
from relationships.models import Follow
from statuses.models import Favourite, Status
from statuses.queries import PUBLIC_VISIBILITIES
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
VISIBILITIES = ["public", "unlisted", "local", "private", "direct"]


def counted_statuses(user) -> int:
    """statuses_count: the account's own posts of any visibility; reblogs are not posts."""
    return Status.objects.filter(account=user, reblog_of__isnull=True).count()


def counted_replies(status) -> int:
    """replies_count: the public, unlisted and local replies (as Pleroma and Mastodon)."""
    return Status.objects.filter(in_reply_to=status, visibility__in=PUBLIC_VISIBILITIES).count()


def counted_quotes(status) -> int:
    """quotes_count: the public, unlisted and local quotes (pleroma-content 5.1)."""
    return Status.objects.filter(quote=status, visibility__in=PUBLIC_VISIBILITIES).count()


def assert_status_counters(*statuses) -> None:
    for status in statuses:
        status.refresh_from_db()
        assert status.replies_count == counted_replies(status)
        assert status.quotes_count == counted_quotes(status)
        assert status.reblogs_count == Status.objects.filter(reblog_of=status).count()
        assert status.favourites_count == Favourite.objects.filter(status=status).count()


def assert_account_counters(*users) -> None:
    for user in users:
        user.refresh_from_db()
        assert user.statuses_count == counted_statuses(user)
        assert user.followers_count == Follow.objects.filter(followed=user, state="accept").count()
        assert user.following_count == Follow.objects.filter(follower=user, state="accept").count()


def post(client, text="hi", **fields) -> str:
    response = client.post("/api/v1/statuses", {"status": text, **fields}, format="json")
    assert response.status_code == 200, response.json()
    return response.json()["id"]


def status_of(sid: str) -> Status:
    return Status.objects.get(pk=ids.decode(sid))


@pytest.fixture
def author(api):
    return api()


@pytest.fixture
def other(api):
    return api()


class TestStatusesCount:
    """statuses_count through posting and deleting"""

    @pytest.mark.parametrize("visibility", VISIBILITIES)
    def test_counts_posts_of_every_visibility(self, author, visibility):
        sid = post(author, f"@{UserFactory().nickname} a post", visibility=visibility)
        assert_account_counters(author.user)
        assert author.user.statuses_count == 1
        author.delete(f"/api/v1/statuses/{sid}")
        assert_account_counters(author.user)
        assert author.user.statuses_count == 0

    def test_reblogs_are_not_counted(self, author, other):
        sid = post(other, "boost me")
        author.post(f"/api/v1/statuses/{sid}/reblog")
        assert_account_counters(author.user, other.user)
        assert author.user.statuses_count == 0
        author.post(f"/api/v1/statuses/{sid}/unreblog")
        assert_account_counters(author.user)


class TestFollowCounts:
    """followers_count and following_count through follows, requests, unfollows and blocks"""

    def test_follow_and_unfollow(self, author, other):
        target = other.user
        author.post(f"/api/v1/accounts/{ids.encode(target.pk)}/follow")
        author.post(f"/api/v1/accounts/{ids.encode(target.pk)}/follow")  # twice: one follow
        assert_account_counters(author.user, target)
        assert (author.user.following_count, target.followers_count) == (1, 1)
        author.post(f"/api/v1/accounts/{ids.encode(target.pk)}/unfollow")
        assert_account_counters(author.user, target)
        assert (author.user.following_count, target.followers_count) == (0, 0)

    def test_a_request_counts_once_authorized_and_a_rejected_one_never(self, api, author):
        locked = api(locked=True)
        rejected = api()
        for client in (author, rejected):
            client.post(f"/api/v1/accounts/{ids.encode(locked.user.pk)}/follow")
        assert_account_counters(author.user, rejected.user, locked.user)
        assert locked.user.followers_count == 0
        locked.post(f"/api/v1/follow_requests/{ids.encode(author.user.pk)}/authorize")
        locked.post(f"/api/v1/follow_requests/{ids.encode(rejected.user.pk)}/reject")
        assert_account_counters(author.user, rejected.user, locked.user)
        assert locked.user.followers_count == 1

    def test_a_block_severs_both_follows(self, author, other):
        author.post(f"/api/v1/accounts/{ids.encode(other.user.pk)}/follow")
        other.post(f"/api/v1/accounts/{ids.encode(author.user.pk)}/follow")
        assert_account_counters(author.user, other.user)
        author.post(f"/api/v1/accounts/{ids.encode(other.user.pk)}/block")
        assert_account_counters(author.user, other.user)
        assert (author.user.followers_count, author.user.following_count) == (0, 0)

    def test_removing_a_follower(self, author, other):
        other.post(f"/api/v1/accounts/{ids.encode(author.user.pk)}/follow")
        author.post(f"/api/v1/accounts/{ids.encode(other.user.pk)}/remove_from_followers")
        assert_account_counters(author.user, other.user)
        assert author.user.followers_count == 0


class TestFavouritesAndReblogsCount:
    """favourites_count and reblogs_count through favourites, reblogs and their undoing"""

    def test_favourites(self, author, other, api):
        sid = post(author, "like me")
        third = api()
        for client in (other, other, third):
            client.post(f"/api/v1/statuses/{sid}/favourite")
        assert_status_counters(status_of(sid))
        assert status_of(sid).favourites_count == 2
        other.post(f"/api/v1/statuses/{sid}/unfavourite")
        other.post(f"/api/v1/statuses/{sid}/unfavourite")
        assert_status_counters(status_of(sid))
        assert status_of(sid).favourites_count == 1

    def test_reblogs_undone_by_unreblog_and_by_deleting_the_reblog(self, author, other, api):
        sid = post(author, "boost me")
        third = api()
        other.post(f"/api/v1/statuses/{sid}/reblog")
        other.post(f"/api/v1/statuses/{sid}/reblog")  # twice: one reblog
        boost = third.post(f"/api/v1/statuses/{sid}/reblog").json()["id"]
        assert_status_counters(status_of(sid))
        assert status_of(sid).reblogs_count == 2
        other.post(f"/api/v1/statuses/{sid}/unreblog")
        third.delete(f"/api/v1/statuses/{boost}")
        assert_status_counters(status_of(sid))
        assert status_of(sid).reblogs_count == 0

    def test_a_deleted_accounts_favourites_and_reblogs_are_uncounted(self, author, other,
                                                                      django_capture_on_commit_callbacks):
        sid = post(author, "boost me")
        other.post(f"/api/v1/statuses/{sid}/favourite")
        other.post(f"/api/v1/statuses/{sid}/reblog")
        other.post(f"/api/v1/accounts/{ids.encode(author.user.pk)}/follow")
        with django_capture_on_commit_callbacks(execute=True):
            response = other.post("/api/pleroma/delete_account", {"password": PASSWORD})
        assert response.status_code == 200, response.json()
        assert_status_counters(status_of(sid))
        assert (status_of(sid).favourites_count, status_of(sid).reblogs_count) == (0, 0)
        assert_account_counters(author.user)
        assert author.user.followers_count == 0
        assert User.objects.get(pk=other.user.pk).statuses_count == 0


class TestRepliesCount:
    """replies_count through replies of each visibility and their deletion"""

    @pytest.mark.parametrize("visibility", VISIBILITIES)
    def test_counts_public_replies_only_and_uncounts_what_it_counted(self, author, other, visibility):
        parent = post(author, "root")
        public = post(other, "counted", in_reply_to_id=parent)
        reply = post(other, f"@{author.user.nickname} re", in_reply_to_id=parent, visibility=visibility)
        assert_status_counters(status_of(parent))
        assert status_of(parent).replies_count == (2 if visibility in PUBLIC_VISIBILITIES else 1)
        other.delete(f"/api/v1/statuses/{reply}")
        assert_status_counters(status_of(parent))
        assert status_of(parent).replies_count == 1
        other.delete(f"/api/v1/statuses/{public}")
        assert status_of(parent).replies_count == 0


class TestQuotesCount:
    """quotes_count through quotes of each visibility and their deletion"""

    @pytest.mark.parametrize("visibility", VISIBILITIES)
    def test_a_deleted_quote_takes_away_only_what_it_counted(self, author, other, visibility):
        quoted = post(author, "quote me")
        public = post(other, "public quote", quote_id=quoted)
        quote = post(other, "another quote", quote_id=quoted, visibility=visibility)
        assert_status_counters(status_of(quoted))
        assert status_of(quoted).quotes_count == (2 if visibility in PUBLIC_VISIBILITIES else 1)
        other.delete(f"/api/v1/statuses/{quote}")
        assert_status_counters(status_of(quoted))
        assert status_of(quoted).quotes_count == 1  # the public quote still stands
        other.delete(f"/api/v1/statuses/{public}")
        assert status_of(quoted).quotes_count == 0

    def test_quoting_a_reblog_counts_on_the_original(self, author, other):
        quoted = post(author, "quote me")
        boost = other.post(f"/api/v1/statuses/{quoted}/reblog").json()["id"]
        post(other, "quoting the reblog", quote_id=boost)
        assert_status_counters(status_of(quoted))
        assert status_of(quoted).quotes_count == 1
