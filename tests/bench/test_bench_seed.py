"""manage.py bench_seed writes only rows the services could have written."""

import pytest
from django.core.management import call_command
from django.db.models import Count, Q

from accounts.models import User
from statuses.models import Status
from statuses.queries import PUBLIC_VISIBILITIES

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(capsys):
    call_command("bench_seed", users=30, statuses=3000, follows=5, seed=7)
    capsys.readouterr()


def test_reblogs_and_replies_target_public_originals(seeded):
    reblogs = Status.objects.filter(reblog_of__isnull=False)
    assert reblogs.exists()
    assert not reblogs.filter(reblog_of__reblog_of__isnull=False).exists()
    assert not reblogs.exclude(reblog_of__visibility__in=("public", "unlisted")).exists()
    replies = Status.objects.filter(in_reply_to__isnull=False)
    assert replies.exists()
    assert not replies.filter(in_reply_to__reblog_of__isnull=False).exists()
    assert not replies.exclude(in_reply_to__visibility__in=("public", "unlisted")).exists()


def test_counters_match_the_rows_as_the_services_keep_them(seeded):
    users = User.objects.filter(nickname__startswith="bench").annotate(
        posts=Count("statuses", filter=Q(statuses__reblog_of__isnull=True)))
    assert all(u.statuses_count == u.posts for u in users)
    statuses = Status.objects.annotate(
        replied=Count("replies", filter=Q(replies__visibility__in=PUBLIC_VISIBILITIES), distinct=True),
        boosted=Count("reblogs", distinct=True))
    for status in statuses:
        assert (status.replies_count, status.reblogs_count) == (status.replied, status.boosted), status.pk
