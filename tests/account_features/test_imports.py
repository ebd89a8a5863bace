"""POST /api/pleroma/{follow,blocks,mutes}_import and GET /api/v1/pleroma/imports/:id."""

from django.core.files.uploadedfile import SimpleUploadedFile

from relationships.models import Block, Follow, Import, ImportItem, Mute
from tests.factories import UserFactory


def _import_id(response) -> str:
    return response["Location"].rsplit("/", 1)[-1]


class TestFollowImport:
    """POST /api/pleroma/follow_import"""

    def test_follows_each_local_account_of_a_mastodon_csv(self, api, settings):
        client = api(scopes=["follow"])
        alice, bob = UserFactory(nickname="alice"), UserFactory(nickname="bob")
        csv = ("Account address,Show boosts,Notify on new posts,Languages\n"
               f"alice@{settings.INSTANCE_DOMAIN},true,false,\n  \nbob,true,false,\n")
        response = client.post("/api/pleroma/follow_import", {"list": csv})
        assert response.status_code == 200
        assert response.json() == "jobs started"
        assert Follow.objects.filter(follower=client.user, followed__in=[alice, bob]).count() == 2
        alice.refresh_from_db()
        assert alice.followers_count == 1

    def test_reads_an_uploaded_file_and_whitespace_separated_forms(self, api, settings):
        client = api(scopes=["write:follows"])
        targets = [UserFactory(nickname=n) for n in ("a1", "a2", "a3", "a4")]
        body = f"a1 @a2\n@a3@{settings.INSTANCE_DOMAIN}\t{settings.PLEROMA_URL}/users/a4".encode()
        upload = SimpleUploadedFile("follows.csv", body, content_type="text/csv")
        response = client.post("/api/v1/pleroma/follow_import", {"list": upload}, format="multipart")
        assert response.status_code == 200
        assert Follow.objects.filter(follower=client.user, followed__in=targets).count() == 4

    def test_records_what_was_skipped_and_why(self, api):
        client = api(scopes=["follow", "read"])
        UserFactory(nickname="known")
        blocker = UserFactory(nickname="blocker")
        Block.objects.create(blocker=blocker, blocked=client.user)
        text = f"known nobody someone@remote.example {client.user.nickname} blocker known"
        response = client.post("/api/pleroma/follow_import", {"list": text})
        shown = client.get(f"/api/v1/pleroma/imports/{_import_id(response)}")
        assert shown.status_code == 200
        body = shown.json()
        assert body["type"] == "follows" and body["state"] == "done"
        assert body["total"] == 6 and body["processed"] == 6
        outcomes = [(i["identifier"], i["outcome"], i["reason"]) for i in body["items"]]
        assert outcomes == [
            ("known", "done", "followed"),
            ("nobody", "skipped", "account not found"),
            ("someone@remote.example", "skipped", "account not found"),  # no such server
            (client.user.nickname, "skipped", "that is your own account"),
            ("blocker", "skipped", "Could not follow user: blocker blocked you."),
            ("known", "already", None),
        ]

    def test_running_the_task_again_changes_nothing(self, api):
        from relationships import tasks

        client = api(scopes=["follow"])
        target = UserFactory(nickname="target")
        response = client.post("/api/pleroma/follow_import", {"list": "target"})
        batch = Import.objects.get()
        Import.objects.filter(pk=batch.pk).update(state=Import.State.RUNNING)  # a redelivered message
        tasks.run_import(str(batch.pk))
        assert response.status_code == 200
        target.refresh_from_db()
        assert target.followers_count == 1
        assert Follow.objects.filter(followed=target).count() == 1
        assert Import.objects.get().processed == 1

    def test_an_empty_list_is_an_empty_import(self, api):
        client = api(scopes=["follow"])
        response = client.post("/api/pleroma/follow_import", {"list": "Account address\n\n"})
        assert response.status_code == 200
        assert Import.objects.get().total == 0

    def test_missing_list_is_a_400(self, api):
        response = api(scopes=["follow"]).post("/api/pleroma/follow_import", {})
        assert response.status_code == 400
        assert response.json()["error"] == "Missing field: list."

    def test_refuses_a_token_without_the_scope(self, api):
        response = api(scopes=["read"]).post("/api/pleroma/follow_import", {"list": "x"})
        assert response.status_code == 403
        assert response.json() == {"error": "Insufficient permissions: follow | write:follows."}

    def test_refuses_anonymous(self, anon):
        response = anon.post("/api/pleroma/follow_import", {"list": "x"})
        assert response.status_code == 403
        assert response.json() == {"error": "Invalid credentials."}


class TestBlocksImport:
    """POST /api/pleroma/blocks_import"""

    def test_blocks_the_listed_accounts(self, api):
        client = api(scopes=["write:blocks"])
        a, b = UserFactory(nickname="ba"), UserFactory(nickname="bb")
        Follow.objects.create(follower=client.user, followed=a)
        response = client.post("/api/pleroma/blocks_import", {"list": "ba\nbb"})
        assert response.status_code == 200
        assert set(Block.objects.filter(blocker=client.user).values_list("blocked", flat=True)) == {a.pk, b.pk}
        assert not Follow.objects.filter(follower=client.user, followed=a).exists()

    def test_refuses_a_token_without_the_scope(self, api):
        response = api(scopes=["write:follows"]).post("/api/pleroma/blocks_import", {"list": "x"})
        assert response.json() == {"error": "Insufficient permissions: follow | write:blocks."}


class TestMutesImport:
    """POST /api/pleroma/mutes_import"""

    def test_mutes_accounts_of_mastodons_mutes_export(self, api):
        client = api(scopes=["write:mutes"])
        target = UserFactory(nickname="noisy")
        response = client.post("/api/pleroma/mutes_import",
                               {"list": "Account address,Hide notifications\nnoisy,true\n"})
        assert response.status_code == 200
        mute = Mute.objects.get(muter=client.user)
        assert mute.muted == target and mute.notifications and mute.expires_at is None

    def test_refuses_a_token_without_the_scope(self, api):
        response = api(scopes=["read"]).post("/api/pleroma/mutes_import", {"list": "x"})
        assert response.json() == {"error": "Insufficient permissions: follow | write:mutes."}


class TestShowImport:
    """GET /api/v1/pleroma/imports/:id"""

    def test_another_users_import_is_not_found(self, api):
        owner = api(scopes=["follow"])
        response = owner.post("/api/pleroma/follow_import", {"list": "x"})
        other = api(scopes=["read"])
        shown = other.get(f"/api/v1/pleroma/imports/{_import_id(response)}")
        assert shown.status_code == 404
        assert shown.json() == {"error": "Record not found"}

    def test_junk_id_is_not_found(self, api):
        assert api().get("/api/v1/pleroma/imports/nonsense").status_code == 404

    def test_refuses_a_token_without_the_scope(self, api):
        response = api(scopes=["write"]).get("/api/v1/pleroma/imports/x")
        assert response.json() == {"error": "Insufficient permissions: follow | read:accounts."}


class TestListImports:
    """GET /api/v1/pleroma/imports"""

    def test_lists_own_imports_newest_first_in_constant_queries(self, api, django_assert_max_num_queries):
        client = api(scopes=["follow", "read"])
        api(scopes=["follow"]).post("/api/pleroma/follow_import", {"list": "a"})
        for kind in ("follow", "blocks", "mutes"):
            client.post(f"/api/pleroma/{kind}_import", {"list": "nobody"})
        with django_assert_max_num_queries(4):
            response = client.get("/api/v1/pleroma/imports", {"limit": 2})
        assert [i["type"] for i in response.json()] == ["mutes", "blocks"]
        assert "items" not in response.json()[0]
        assert ImportItem.objects.count() == 4


class TestListImportsCost:
    """GET /api/v1/pleroma/imports"""

    def test_constant_queries_for_1_and_21_imports(self, api, django_assert_max_num_queries):
        client = api(scopes=["follow", "read"])
        client.post("/api/pleroma/follow_import", {"list": "nobody"})
        with django_assert_max_num_queries(10) as one:
            assert len(client.get("/api/v1/pleroma/imports").json()) == 1
        baseline = len(one.captured_queries)
        for _ in range(20):
            client.post("/api/pleroma/follow_import", {"list": "nobody"})
        with django_assert_max_num_queries(baseline):
            assert len(client.get("/api/v1/pleroma/imports", {"limit": 40}).json()) == 21
