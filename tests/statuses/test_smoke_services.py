"""Service-level rules HTTP cannot reach easily: visibility queryset and creation side effects."""

import pytest

from accounts.models import Follow
from notifications.models import Notification
from statuses import services
from statuses.models import Status
from statuses.serializers import StatusSerializer
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_create_status_parses_mentions_tags_and_threads():
    alice, bob = UserFactory(), UserFactory()
    status = services.create_status(alice, text=f"hi @{bob.nickname} #Cofe", visibility="public")
    assert list(status.mentions.values_list("account_id", flat=True)) == [bob.pk]
    assert [t.hashtag.name for t in status.status_tags.all()] == ["cofe"]
    assert Notification.objects.filter(user=bob, type="mention", status=status).exists()
    reply = services.create_status(bob, text="yo", in_reply_to=str(status.pk))
    assert reply.context_id == status.context_id
    status.refresh_from_db()
    assert status.replies_count == 1
    ctx = StatusSerializer.context_for(bob, [reply])
    data = StatusSerializer(reply, context=ctx).data
    assert data["pleroma"]["conversation_id"] == status.context_id
    assert data["in_reply_to_account_id"]


def test_visible_to_rules():
    alice, follower, stranger = UserFactory(), UserFactory(), UserFactory()
    Follow.objects.create(follower=follower, followed=alice, state="accept")
    private = services.create_status(alice, text="p", visibility="private")
    direct = services.create_status(alice, text=f"@{stranger.nickname} d", visibility="direct")
    assert Status.objects.visible_to(follower).filter(pk=private.pk).exists()
    assert not Status.objects.visible_to(stranger).filter(pk=private.pk).exists()
    assert Status.objects.visible_to(stranger).filter(pk=direct.pk).exists()
    assert not Status.objects.visible_to(follower).filter(pk=direct.pk).exists()
    assert not Status.objects.visible_to(None).filter(pk=private.pk).exists()
