"""Service-level rules HTTP cannot reach easily: visibility queryset and creation side effects."""

import pytest

from notifications.models import Notification
from relationships.models import Follow
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


def test_creation_hooks_override_arguments_and_run_in_the_transaction(monkeypatch):
    from statuses import registry

    alice, bob = UserFactory(), UserFactory()
    seen = []

    def before(author, params):
        return {"visibility": "direct", "to": [bob]} if params.get("secret") else {}

    def after(status, params):
        seen.append((status.visibility, params.get("secret")))

    monkeypatch.setattr(registry, "before_create", [*registry.before_create, before])
    monkeypatch.setattr(registry, "after_create", [*registry.after_create, after])
    status = services.create_status(alice, text="psst", params={"secret": "1"})
    assert status.visibility == "direct"
    assert list(status.mentions.values_list("account_id", flat=True)) == [bob.pk]
    assert seen == [("direct", "1")]


def test_a_failing_after_hook_rolls_the_status_back(monkeypatch):
    from statuses import registry

    def after(status, params):
        raise RuntimeError("boom")

    monkeypatch.setattr(registry, "after_create", [*registry.after_create, after])
    alice = UserFactory()
    with pytest.raises(RuntimeError):
        services.create_status(alice, text="x")
    assert not Status.objects.exists()
    alice.refresh_from_db()
    assert alice.statuses_count == 0


def test_reblogs_of_invisible_originals_are_hidden():
    alice, bob, carol = UserFactory(), UserFactory(), UserFactory()
    original = services.create_status(alice, text="public")
    boost = services.reblog(bob, original)
    from relationships.models import Block

    Block.objects.create(blocker=alice, blocked=carol)
    assert Status.objects.visible_to(None).filter(pk=boost.pk).exists()
    assert not Status.objects.visible_to(carol).filter(pk=boost.pk).exists()
