"""Remote actors on chosen hosts, signed inbox POSTs from them, and the processing task, so
that each policy is applied to a real received activity."""

from __future__ import annotations

import pytest
from django.utils import timezone

from federation import keys, tasks
from federation.models import IncomingActivity
from tests.factories import UserFactory
from tests.federation.conftest import federating_worker  # noqa: F401 (a fixture these tests use)
from tests.federation.test_inbox import post_signed

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


@pytest.fixture
def remote_on():
    """remote_on(host, name="bob") -> a known remote account there, with a key the test holds."""

    def make(host: str, name: str = "bob"):
        actor_id = f"https://{host}/users/{name}"
        public_pem, private_pem = keys.generate_pem_pair()
        user = UserFactory(nickname=f"{name}@{host}", domain=host, remote_ap_id=actor_id,
                           inbox=f"{actor_id}/inbox", shared_inbox=f"https://{host}/inbox",
                           followers_address=f"{actor_id}/followers", public_key_id=f"{actor_id}#main-key",
                           public_key_pem=public_pem, last_fetched_at=timezone.now(), email=None)
        user.private_key_pem = private_pem
        return user

    return make


def send(client, actor, activity: dict, path: str = "/inbox"):
    """POST the activity to an inbox here, signed with `actor`'s key."""
    return post_signed(client, path, activity, key_id=actor.public_key_id, private_key_pem=actor.private_key_pem)


def process_all() -> None:
    for row in IncomingActivity.objects.filter(state="pending"):
        tasks.process_activity(str(row.pk))


def note_create(actor, n: int = 1, *, to=None, cc=None, **note) -> dict:
    """A Create{Note} by a remote actor, public unless `to`/`cc` say otherwise."""
    to = [PUBLIC] if to is None else to
    cc = [actor.followers_address] if cc is None else cc
    obj = {"id": f"{actor.remote_ap_id}/statuses/{n}", "type": "Note", "attributedTo": actor.remote_ap_id,
           "content": "<p>hello</p>", "to": to, "cc": cc, **note}
    return {"@context": "https://www.w3.org/ns/activitystreams", "id": f"{obj['id']}/activity", "type": "Create",
            "actor": actor.remote_ap_id, "to": to, "cc": cc, "object": obj}


@pytest.fixture
def handled(monkeypatch):
    """What the inbox handlers are given after the policies, for the types named: a
    recorder takes their place, so a rewrite is seen whatever the handler then stores."""
    from federation import incoming

    seen: list[dict] = []

    def record(activity, *_rest):
        seen.append(activity)

    def install(*types: str) -> list[dict]:
        for kind in types:
            monkeypatch.setitem(incoming.HANDLERS, kind, record)
        return seen

    return install
