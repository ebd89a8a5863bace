"""Actor documents, keys, the instance actor and collections (reference/federation.md §1.4-1.6)."""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.core.management import call_command

from accounts import services as account_services
from federation import keys
from federation.models import ActorKey
from relationships import follows
from statuses import services as status_services
from tests.factories import UserFactory
from tests.federation.conftest import AP, signed_get

LD = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'


class TestActorKeys:
    """The RSA keypair of each local account"""

    def test_a_registered_account_gets_a_key_once_committed(self, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            user = account_services.register_user(nickname="newbie", password="s3cret-pass",
                                                  email="newbie@example.com")
        key = ActorKey.objects.get(user=user)
        public = keys.load_public_key(key.public_key_pem)
        assert isinstance(public, rsa.RSAPublicKey) and public.key_size == 2048
        assert key.private_key_pem.startswith("-----BEGIN PRIVATE KEY-----")

    def test_the_command_keys_existing_accounts_and_the_instance_actor(self, capsys):
        UserFactory.create_batch(2)
        call_command("actor_keys", "create")
        assert "2 account key(s) created." in capsys.readouterr().out
        assert ActorKey.objects.filter(user__isnull=False).count() == 2
        assert ActorKey.objects.filter(instance_actor=True).count() == 1
        call_command("actor_keys", "create")
        assert ActorKey.objects.count() == 3


class TestActor:
    """GET /users/:nickname"""

    def test_serves_the_actor_with_its_public_key(self, anon):
        user = UserFactory(nickname="dora", display_name="Dora", note_html="<p>hi</p>", locked=True,
                           also_known_as=["https://old.example/users/dora"])
        for accept in (AP, LD):
            response = anon.get("/users/dora", HTTP_ACCEPT=accept)
            assert response.status_code == 200
            assert response["Content-Type"].startswith("application/activity+json")
            body = response.json()
            assert body["@context"][:2] == ["https://www.w3.org/ns/activitystreams",
                                            f"{settings.PLEROMA_URL}/schemas/litepub-0.1.jsonld"]
            assert body["id"] == user.ap_id
            assert body["type"] == "Person"
            assert body["preferredUsername"] == "dora"
            assert body["name"] == "Dora"
            assert body["summary"] == "<p>hi</p>"
            assert body["inbox"] == f"{user.ap_id}/inbox"
            assert body["outbox"] == f"{user.ap_id}/outbox"
            assert body["followers"] == f"{user.ap_id}/followers"
            assert body["following"] == f"{user.ap_id}/following"
            assert body["featured"] == f"{user.ap_id}/collections/featured"
            assert body["endpoints"]["sharedInbox"] == f"{settings.PLEROMA_URL}/inbox"
            assert body["alsoKnownAs"] == ["https://old.example/users/dora"]
            assert body["manuallyApprovesFollowers"] is True
            assert body["webfinger"] == f"acct:dora@{settings.INSTANCE_DOMAIN}"
            assert "icon" not in body and "image" not in body  # no default images (§1.4)
        key = ActorKey.objects.get(user=user)
        assert body["publicKey"] == {"id": f"{user.ap_id}#main-key", "owner": user.ap_id,
                                     "publicKeyPem": key.public_key_pem}
        assert "PRIVATE" not in response.content.decode()

    def test_the_key_stays_the_same_between_fetches(self, anon):
        UserFactory(nickname="stable")
        first = anon.get("/users/stable", HTTP_ACCEPT=AP).json()["publicKey"]
        assert anon.get("/users/stable", HTTP_ACCEPT=AP).json()["publicKey"] == first

    def test_shows_where_a_moved_account_went(self, anon):
        UserFactory(nickname="mover", moved_to="https://new.example/users/mover")
        body = anon.get("/users/mover", HTTP_ACCEPT=AP).json()
        assert body["movedTo"] == "https://new.example/users/mover"

    def test_unknown_users_get_a_json_404(self, anon):
        response = anon.get("/users/nobody", HTTP_ACCEPT=AP)
        assert response.status_code == 404
        assert response.json() == {"error": "Not found"}

    def test_browsers_get_a_profile_page(self, anon):
        UserFactory(nickname="erin", display_name="Erin <b>")
        response = anon.get("/users/erin", HTTP_ACCEPT="text/html")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/html")
        assert b"Erin &lt;b&gt;" in response.content


class TestInstanceActor:
    """GET /internal/fetch"""

    def test_is_an_application_actor_with_a_key(self, anon):
        response = anon.get("/internal/fetch", HTTP_ACCEPT=AP)
        assert response.status_code == 200
        body = response.json()
        assert body["id"] == f"{settings.PLEROMA_URL}/internal/fetch"
        assert body["type"] == "Application"
        assert body["preferredUsername"] == "internal.fetch"
        assert body["invisible"] is True
        assert body["publicKey"]["id"] == f"{settings.PLEROMA_URL}/internal/fetch#main-key"
        assert body["publicKey"]["publicKeyPem"] == ActorKey.objects.get(instance_actor=True).public_key_pem

    def test_is_never_a_client_account(self, api):
        api().get("/internal/fetch", HTTP_ACCEPT=AP)
        response = api().get("/api/v1/accounts/lookup", {"acct": "internal.fetch"})
        assert response.status_code == 404


class TestLitepubContext:
    """GET /schemas/litepub-0.1.jsonld"""

    def test_is_json_ld(self, anon):
        response = anon.get("/schemas/litepub-0.1.jsonld")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/ld+json"
        assert "manuallyApprovesFollowers" in response.json()["@context"][2]


def _follow_all(target, count):
    followers = UserFactory.create_batch(count)
    for follower in followers:
        follows.follow(follower, target)
    return followers


class TestFollowers:
    """GET /users/:nickname/followers"""

    def test_lists_followers_in_keyset_pages(self, anon):
        owner = UserFactory(nickname="popular")
        followers = _follow_all(owner, 12)
        body = anon.get("/users/popular/followers", HTTP_ACCEPT=AP).json()
        assert body["type"] == "OrderedCollection"
        assert body["totalItems"] == 12
        first = body["first"]
        assert first["type"] == "OrderedCollectionPage"
        assert first["partOf"] == f"{owner.ap_id}/followers"
        assert first["orderedItems"] == [f.ap_id for f in reversed(followers)][:10]
        next_path = first["next"].removeprefix(settings.PLEROMA_URL)
        second = anon.get(next_path, HTTP_ACCEPT=AP).json()
        assert second["orderedItems"] == [followers[1].ap_id, followers[0].ap_id]
        assert "next" not in second

    def test_a_page_costs_the_same_for_one_or_ten_followers(self, anon, django_assert_max_num_queries):
        owner = UserFactory(nickname="few")
        _follow_all(owner, 1)
        with django_assert_max_num_queries(3):
            anon.get("/users/few/followers?page=true", HTTP_ACCEPT=AP)
        _follow_all(owner, 10)
        with django_assert_max_num_queries(3):
            anon.get("/users/few/followers?page=true", HTTP_ACCEPT=AP)

    def test_a_hidden_list_shows_no_items_and_refuses_pages(self, anon):
        owner = UserFactory(nickname="shy", hide_followers=True, hide_followers_count=True)
        _follow_all(owner, 2)
        body = anon.get("/users/shy/followers", HTTP_ACCEPT=AP).json()
        assert body["first"] == f"{owner.ap_id}/followers?page=true"
        assert "totalItems" not in body
        assert anon.get("/users/shy/followers?page=true", HTTP_ACCEPT=AP).status_code == 403

    def test_the_owner_signing_sees_a_hidden_list(self, anon, sign_as):
        owner = UserFactory(nickname="shy2", hide_followers=True)
        followers = _follow_all(owner, 1)
        key_id, pem = sign_as(owner)
        response = signed_get(anon, "/users/shy2/followers?page=true", key_id=key_id, private_key_pem=pem)
        assert response.status_code == 200
        assert response.json()["orderedItems"] == [followers[0].ap_id]

    def test_a_bad_signature_is_refused(self, anon, sign_as):
        UserFactory(nickname="target")
        signer = UserFactory()
        key_id, _ = sign_as(signer)
        _, other_pem = keys.generate_pem_pair()
        response = signed_get(anon, "/users/target/followers", key_id=key_id, private_key_pem=other_pem)
        assert response.status_code == 401
        assert response.json()["error"] == f"Verification failed for {key_id}"


class TestFollowing:
    """GET /users/:nickname/following"""

    def test_lists_followed_accounts_and_a_hidden_count_as_zero(self, anon):
        owner = UserFactory(nickname="reader")
        target = UserFactory()
        follows.follow(owner, target)
        body = anon.get("/users/reader/following", HTTP_ACCEPT=AP).json()
        assert body["totalItems"] == 1
        assert body["first"]["orderedItems"] == [target.ap_id]
        owner.hide_follows_count = owner.hide_follows = True
        owner.save()
        body = anon.get("/users/reader/following", HTTP_ACCEPT=AP).json()
        assert body["totalItems"] == 0
        assert body["first"] == f"{owner.ap_id}/following?page=true"


class TestOutbox:
    """GET /users/:nickname/outbox"""

    def test_pages_hold_the_public_activities_newest_first(self, anon):
        author = UserFactory(nickname="writer")
        public = status_services.create_status(author, text="hello #cats", visibility="public")
        status_services.create_status(author, text="secret", visibility="private")
        unlisted = status_services.create_status(author, text="quiet", visibility="unlisted")
        top = anon.get("/users/writer/outbox", HTTP_ACCEPT=AP).json()
        assert top == {"@context": top["@context"], "id": f"{author.ap_id}/outbox", "type": "OrderedCollection",
                       "totalItems": 2, "first": f"{author.ap_id}/outbox?page=true"}
        page = anon.get("/users/writer/outbox?page=true", HTTP_ACCEPT=AP).json()
        assert [item["object"]["id"] for item in page["orderedItems"]] == [unlisted.uri, public.uri]
        create = page["orderedItems"][1]
        assert create["type"] == "Create"
        assert create["object"]["tag"] == [{"type": "Hashtag", "name": "#cats",
                                            "href": f"{settings.PLEROMA_URL}/tags/cats"}]

    def test_a_page_costs_the_same_for_one_or_ten_statuses(self, anon, django_assert_max_num_queries):
        author = UserFactory(nickname="busy")
        other = UserFactory(nickname="friend")
        status_services.create_status(author, text="@friend hi #tag", visibility="public")
        with django_assert_max_num_queries(7):
            anon.get("/users/busy/outbox?page=true", HTTP_ACCEPT=AP)
        for n in range(9):
            status_services.create_status(author, text=f"@friend hi {n} #tag", visibility="public")
        with django_assert_max_num_queries(7):
            page = anon.get("/users/busy/outbox?page=true", HTTP_ACCEPT=AP).json()
        assert len(page["orderedItems"]) == 10
        assert page["orderedItems"][0]["object"]["tag"][0] == {
            "type": "Mention", "href": other.ap_id, "name": "@friend"}


class TestFeatured:
    """GET /users/:nickname/collections/featured"""

    def test_lists_pinned_public_notes(self, anon):
        author = UserFactory(nickname="pinner")
        pinned = status_services.create_status(author, text="pinned", visibility="public")
        status_services.create_status(author, text="not pinned", visibility="public")
        status_services.pin(author, pinned)
        body = anon.get("/users/pinner/collections/featured", HTTP_ACCEPT=AP).json()
        assert body["type"] == "OrderedCollection"
        assert body["totalItems"] == 1
        assert body["orderedItems"][0]["id"] == pinned.uri
        assert body["orderedItems"][0]["type"] == "Note"
