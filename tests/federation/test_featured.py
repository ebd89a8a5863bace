"""Pinned statuses across servers (reference/federation.md §3.15): pinning sends Add and
unpinning Remove to the followers; the featured collection lists the pins; received
Add/Remove pin and unpin statuses of remote accounts."""

from __future__ import annotations

from django.utils import timezone

from core import ids
from federation import actors
from federation.incoming import featured
from relationships.models import Follow
from statuses.models import Status
from tests.factories import StatusFactory, UserFactory
from tests.federation.incoming import REMOTE, deliver, note, remote_account
from tests.federation.test_moves import person
from tests.federation.test_publish_audience import inboxes, outbox, remote

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


class TestPinSent:
    """POST /api/v1/statuses/:id/pin and /unpin"""

    def test_pin_sends_add_and_unpin_remove_to_the_followers(self, api, anon):
        client = api(scopes=["read", "write"])
        Follow.objects.create(follower=remote("bob", "one.example"), followed=client.user)
        posted = client.post("/api/v1/statuses", {"status": "pin me"}).json()
        assert client.post(f"/api/v1/statuses/{posted['id']}/pin").status_code == 200
        (add,) = outbox("Add")
        featured = f"{client.user.ap_id}/collections/featured"
        assert (add.payload["object"], add.payload["target"], add.payload["to"]) == (posted["uri"], featured,
                                                                                   [PUBLIC])
        assert inboxes(add) == {"https://one.example/inbox"}
        collection = anon.get(featured, HTTP_ACCEPT="application/activity+json").json()
        assert [item["id"] for item in collection["orderedItems"]] == [posted["uri"]]
        # pinning twice sends nothing more
        client.post(f"/api/v1/statuses/{posted['id']}/pin")
        assert len(outbox("Add")) == 1
        assert client.post(f"/api/v1/statuses/{posted['id']}/unpin").status_code == 200
        (removed,) = outbox("Remove")
        assert (removed.payload["object"], removed.payload["target"]) == (posted["uri"], featured)
        client.post(f"/api/v1/statuses/{posted['id']}/unpin")
        assert len(outbox("Remove")) == 1
        assert anon.get(featured, HTTP_ACCEPT="application/activity+json").json()["orderedItems"] == []


class TestAddRemoveReceived:
    """POST /inbox: Add and Remove of a status to the actor's featured collection"""

    def test_add_pins_and_remove_unpins_a_remote_status(self, anon, api):
        bob = remote_account("bob", REMOTE)
        status = StatusFactory(account=bob, local=False, ap_id=f"{REMOTE}/objects/7", visibility="public")
        featured = f"{REMOTE}/collections/featured"
        add = {"id": f"{REMOTE}#add/1", "type": "Add", "actor": REMOTE, "object": status.ap_id, "target": featured}
        assert deliver(anon, bob, add).state == "done"
        assert Status.objects.get(pk=status.pk).pinned_at is not None
        client = api(scopes=["read"])
        pinned = client.get(f"/api/v1/accounts/{ids.encode(bob.pk)}/statuses", {"pinned": "true"}).json()
        assert [s["uri"] for s in pinned] == [status.ap_id]
        remove = {**add, "id": f"{REMOTE}#remove/1", "type": "Remove"}
        assert deliver(anon, bob, remove).state == "done"
        assert Status.objects.get(pk=status.pk).pinned_at is None

    def test_another_accounts_status_or_collection_is_refused(self, anon, peer):
        bob = remote_account("bob", REMOTE)
        theirs = StatusFactory(account=UserFactory(), visibility="public")
        add = {"id": f"{REMOTE}#add/2", "type": "Add", "actor": REMOTE, "object": theirs.uri,
               "target": f"{REMOTE}/collections/featured"}
        assert deliver(anon, bob, add).state == "failed"
        carol = peer.carol
        peer.serve({"id": carol.remote_ap_id, "type": "Person", "preferredUsername": "carol",
                    "inbox": f"{carol.remote_ap_id}/inbox", "featured": f"{carol.remote_ap_id}/pins"})
        mine = StatusFactory(account=carol, local=False, ap_id=f"{carol.remote_ap_id}/objects/1")
        wrong = {"id": f"{carol.remote_ap_id}#add/3", "type": "Add", "actor": carol.remote_ap_id,
                 "object": mine.ap_id, "target": f"{peer.base}/users/someone/collections/featured"}
        assert deliver(anon, carol, wrong).state == "failed"
        right = {**wrong, "id": f"{carol.remote_ap_id}#add/4", "target": f"{carol.remote_ap_id}/pins"}
        assert deliver(anon, carol, right).state == "done"
        assert Status.objects.get(pk=mine.pk).pinned_at is not None
        assert Status.objects.get(pk=theirs.pk).pinned_at is None


class TestFeaturedRead:
    """GET /api/v1/accounts/:id/statuses?pinned=true of an account of another server (its
    featured collection is read when its actor is fetched)"""

    def _pinned(self, client, account) -> set[str]:
        response = client.get(f"/api/v1/accounts/{ids.encode(account.pk)}/statuses", {"pinned": "true"})
        assert response.status_code == 200
        assert all(s["pinned"] for s in response.json())
        return {s["uri"] for s in response.json()}

    def test_the_pins_of_a_fetched_actor_are_stored_and_listed(self, api, peer, django_capture_on_commit_callbacks):
        actor = f"{peer.base}/users/dora"
        inline = note("pin-1", actor=actor, content="<p>inline pin</p>")
        by_id = peer.serve(note("pin-2", actor=actor, content="<p>fetched pin</p>"))
        # on the same host but someone else's, and one on another host: neither is pinned
        strangers = [peer.serve(note("theirs", actor=f"{peer.base}/users/eve")), "https://elsewhere.example/objects/1"]
        peer.serve({"id": f"{actor}/collections/featured", "type": "OrderedCollection", "totalItems": 4,
                    "orderedItems": [inline, by_id["id"], strangers[0]["id"], strangers[1]]})
        person(peer, "dora", featured=f"{actor}/collections/featured")
        with django_capture_on_commit_callbacks(execute=True):
            account = actors.refresh_actor(actor)
        assert account.featured_address == f"{actor}/collections/featured"
        client = api(scopes=["read"])
        assert self._pinned(client, account) == {inline["id"], by_id["id"]}
        stored = Status.objects.get(ap_id=by_id["id"])
        assert (stored.account_id, stored.local) == (account.pk, False)
        assert not Status.objects.filter(ap_id=strangers[0]["id"]).exists()
        assert not peer.fetched("/objects/1")

    def test_a_paged_collection_replaces_the_pins_and_an_unreadable_one_keeps_them(self, api, peer):
        actor = f"{peer.base}/users/dora"
        collection = f"{actor}/collections/featured"
        person(peer, "dora", featured=collection)
        account = actors.refresh_actor(actor)  # the read task waits for a commit that never comes here
        old = StatusFactory(account=account, local=False, ap_id=f"{peer.base}/objects/old", pinned_at=timezone.now())
        kept = peer.serve(note("kept", actor=actor))
        peer.serve({"id": collection, "type": "OrderedCollection", "totalItems": 1, "first": f"{collection}?page=1"})
        peer.serve({"id": f"{collection}?page=1", "type": "OrderedCollectionPage", "partOf": collection,
                    "orderedItems": [kept["id"]]})
        assert featured.read_featured(account) == 1
        client = api(scopes=["read"])
        assert self._pinned(client, account) == {kept["id"]}
        assert Status.objects.get(pk=old.pk).pinned_at is None
        del peer.documents[collection[len(peer.base):]]
        assert featured.read_featured(account) is None
        assert self._pinned(client, account) == {kept["id"]}

    def test_a_featured_collection_on_another_host_is_not_read(self, peer):
        actor = f"{peer.base}/users/dora"
        person(peer, "dora", featured="https://elsewhere.example/pins")
        account = actors.refresh_actor(actor)
        assert account.featured_address == ""
        assert featured.read_featured(account) is None
