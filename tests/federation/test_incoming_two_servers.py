"""Notes delivered between two running instances of this server and processed by a real
worker: the reply's missing parent fetched from the other server with a signed GET, the
thread and the follower's home timeline served by the first server's API, then a Delete."""

from __future__ import annotations

import json

from federation.models import IncomingActivity
from relationships.models import Follow
from statuses.models import Status
from tests.factories import UserFactory
from tests.federation.test_two_servers import _shell


class TestNotesBetweenServers:
    """Create{Note} and Delete sent by the second server to the first one's inbox"""

    def test_a_reply_arrives_with_its_parent_and_is_deleted(self, running_server, second_server, federating_worker):
        alice = UserFactory(nickname="alice")
        second_server.create_user("bob")
        token = running_server.token("alice")
        account = running_server.get("/api/v1/accounts/lookup", token,
                                     params={"acct": f"bob@{second_server.domain}"}).json()
        from accounts.models import User

        bob = User.objects.get(nickname=f"bob@{second_server.domain}")
        Follow.objects.create(follower=alice, followed=bob, state=Follow.State.ACCEPTED)
        alice_id = f"{running_server.url}/users/alice"
        # bob posts a root and a reply; only the reply's Create is sent to alice's inbox
        sent = _shell(second_server, (
            "import json; from accounts.models import User; from federation import actors, client, documents;"
            "from statuses.services import create_status;"
            "bob = User.objects.get(nickname='bob'); root = create_status(bob, text='root post');"
            "reply = create_status(bob, text='a reply #federated', in_reply_to=root);"
            f"alice = actors.refresh_actor('{alice_id}');"
            "r = client.signed_post(alice.inbox, documents.create_activity(reply), bob);"
            "print(json.dumps([r.status, root.uri, reply.uri]))"))
        status, root_uri, reply_uri = json.loads(sent)
        assert status == 202, running_server.log()[-3000:]
        federating_worker.wait_for(lambda: IncomingActivity.objects.filter(type="Create").exclude(
            state="pending").exists())
        assert IncomingActivity.objects.get(type="Create").state == "done", IncomingActivity.objects.get().error
        root, reply = Status.objects.get(ap_id=root_uri), Status.objects.get(ap_id=reply_uri)
        assert reply.in_reply_to == root and reply.context_id == root.context_id
        home = running_server.get("/api/v1/timelines/home", token).json()
        assert [s["uri"] for s in home] == [reply_uri, root_uri]
        assert home[0]["account"]["id"] == account["id"]
        assert home[0]["tags"][0]["name"] == "federated"
        context = running_server.get(f"/api/v1/statuses/{home[1]['id']}/context", token).json()
        assert [s["uri"] for s in context["descendants"]] == [reply_uri]
        # bob deletes the reply
        deleted = _shell(second_server, (
            "from accounts.models import User; from federation import client;"
            f"bob = User.objects.get(nickname='bob'); alice = User.objects.get(remote_ap_id='{alice_id}');"
            f"d = {{'id': bob.ap_id + '#delete/1', 'type': 'Delete', 'actor': bob.ap_id,"
            f" 'object': {{'id': '{reply_uri}', 'type': 'Tombstone'}}}};"
            "print(client.signed_post(alice.inbox, d, bob).status)"))
        assert deleted == "202"
        federating_worker.wait_for(lambda: IncomingActivity.objects.filter(type="Delete", state="done").exists())
        assert [s["uri"] for s in running_server.get("/api/v1/timelines/home", token).json()] == [root_uri]
