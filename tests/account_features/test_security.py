"""Account deletion and deactivation, e-mail change and confirmation, OAuth sessions."""

import re

from oauth2_provider.models import AccessToken

from accounts import services
from accounts.models import User
from relationships.models import Follow
from statuses import services as status_services
from statuses.models import Favourite, Status
from tests.factories import PASSWORD, AppFactory, UserFactory


class TestDeleteAccount:
    """POST /api/pleroma/delete_account"""

    def test_removes_statuses_relationships_and_tokens_and_keeps_the_nickname(self, api):
        client = api(scopes=["write:accounts"])
        user = client.user
        friend = UserFactory()
        status_services.create_status(user, text="mine")
        liked = status_services.create_status(friend, text="theirs")
        status_services.favourite(user, liked)
        from relationships import follows

        follows.follow(user, friend)
        follows.follow(friend, user)
        response = client.post("/api/pleroma/delete_account", {"password": PASSWORD})
        assert response.status_code == 200
        assert response.json() == {"status": "success"}
        user.refresh_from_db()
        assert user.is_deleted and not user.is_active
        assert user.display_name == "" and user.email is None and not user.has_usable_password()
        assert not Status.objects.filter(account=user).exists()
        assert not Favourite.objects.filter(account=user).exists()
        assert Status.objects.get(pk=liked.pk).favourites_count == 0
        assert not Follow.objects.filter(follower=user).exists() and not Follow.objects.filter(followed=user).exists()
        friend.refresh_from_db()
        assert (friend.followers_count, friend.following_count) == (0, 0)
        assert not AccessToken.objects.filter(user=user).exists()
        assert client.get("/api/v1/accounts/verify_credentials").status_code == 403
        # the nickname stays reserved
        taken = services.validate_registration
        try:
            taken(nickname=user.nickname, email=None, password="x")
            raise AssertionError("nickname was released")
        except Exception as exc:  # noqa: BLE001
            assert "has already been taken" in str(exc)

    def test_the_removal_can_run_again(self, api):
        from accounts import tasks

        client = api(scopes=["write:accounts"])
        status_services.create_status(client.user, text="mine")
        client.post("/api/pleroma/delete_account", {"password": PASSWORD})
        tasks.remove_account_data(str(client.user.pk))
        assert User.objects.get(pk=client.user.pk).is_deleted

    def test_accepts_the_password_in_the_query(self, api):
        client = api(scopes=["write:accounts"])
        response = client.post(f"/api/pleroma/delete_account?password={PASSWORD}")
        assert response.json() == {"status": "success"}

    def test_wrong_or_missing_password_is_refused_with_200(self, api):
        client = api(scopes=["write:accounts"])
        for body in ({"password": "hi"}, {}):
            response = client.post("/api/pleroma/delete_account", body)
            assert response.status_code == 200
            assert response.json() == {"error": "Invalid password."}
        assert User.objects.get(pk=client.user.pk).is_active

    def test_refuses_a_token_without_the_scope(self, api):
        response = api(scopes=["read"]).post("/api/pleroma/delete_account", {"password": PASSWORD})
        assert response.status_code == 403
        assert response.json() == {"error": "Insufficient permissions: write:accounts."}


class TestDisableAccount:
    """POST /api/pleroma/disable_account"""

    def test_disabled_account_cannot_use_tokens_or_log_in(self, api, anon):
        client = api(scopes=["write:accounts"])
        friend = UserFactory()
        Follow.objects.create(follower=client.user, followed=friend)
        User.objects.filter(pk=friend.pk).update(followers_count=1)
        response = client.post(f"/api/pleroma/disable_account?password={PASSWORD}")
        assert response.json() == {"status": "success"}
        assert not User.objects.get(pk=client.user.pk).is_active
        assert not Follow.objects.filter(follower=client.user).exists()
        assert User.objects.get(pk=friend.pk).followers_count == 0
        assert client.get("/api/v1/accounts/verify_credentials").json() == {"error": "Invalid credentials."}
        app = AppFactory()
        login = anon.post("/oauth/token", {"grant_type": "password", "client_id": app.client_id,
                                           "client_secret": app.client_secret,
                                           "username": client.user.nickname, "password": PASSWORD})
        assert login.status_code == 403
        assert login.json()["identifier"] == "account_is_disabled"

    def test_wrong_or_missing_password_is_refused_with_200(self, api):
        client = api(scopes=["write:accounts"])
        for query in ("?password=nope", ""):
            response = client.post(f"/api/pleroma/disable_account{query}")
            assert response.status_code == 200
            assert response.json() == {"error": "Invalid password."}
        assert User.objects.get(pk=client.user.pk).is_active

    def test_refuses_a_token_without_the_scope(self, api):
        response = api(scopes=["read"]).post(f"/api/pleroma/disable_account?password={PASSWORD}")
        assert response.json() == {"error": "Insufficient permissions: write:accounts."}


class TestChangeEmail:
    """POST /api/pleroma/change_email"""

    def test_changes_the_address(self, api):
        client = api(scopes=["write:accounts"])
        response = client.post("/api/pleroma/change_email", {"password": PASSWORD, "email": "new@example.org"},
                               format="multipart")
        assert response.json() == {"status": "success"}
        assert User.objects.get(pk=client.user.pk).email == "new@example.org"

    def test_refusals(self, api, settings):
        client = api(scopes=["write:accounts"])
        UserFactory(email="taken@example.org")
        cases = [
            ({"password": "bad", "email": "x@example.org"}, "Invalid password."),
            ({"password": PASSWORD, "email": "not an address"}, "Email has invalid format."),
            ({"password": PASSWORD, "email": "TAKEN@example.org"}, "Email has already been taken."),
        ]
        for body, message in cases:
            response = client.post("/api/pleroma/change_email", body)
            assert (response.status_code, response.json()) == (200, {"error": message})
        settings.ACCOUNT_ACTIVATION_REQUIRED = True
        response = client.post("/api/pleroma/change_email", {"password": PASSWORD, "email": ""})
        assert response.json() == {"error": "Email can't be blank."}

    def test_blank_address_removes_it_when_not_required(self, api):
        client = api(scopes=["write:accounts"])
        response = client.post("/api/pleroma/change_email", {"password": PASSWORD, "email": ""})
        assert response.json() == {"status": "success"}
        assert User.objects.get(pk=client.user.pk).email is None

    def test_missing_fields_are_400(self, api):
        client = api(scopes=["write:accounts"])
        assert client.post("/api/pleroma/change_email", {"password": PASSWORD}).json()["error"] == \
            "Missing field: email."
        assert client.post("/api/pleroma/change_email", {"email": "a@b.c"}).json()["error"] == \
            "Missing field: password."

    def test_refuses_a_token_without_the_scope(self, api):
        response = api(scopes=["read"]).post("/api/pleroma/change_email", {"password": PASSWORD, "email": ""})
        assert response.json() == {"error": "Insufficient permissions: write:accounts."}


class TestConfirmationResend:
    """POST /api/v1/pleroma/accounts/confirmation_resend"""

    def test_sends_the_link_that_confirms_the_account(self, anon, settings, mailoutbox):
        settings.ACCOUNT_ACTIVATION_REQUIRED = True
        user = UserFactory(is_confirmed=False, email="pending@example.org")
        response = anon.post("/api/v1/pleroma/accounts/confirmation_resend?email=pending@example.org")
        assert response.status_code == 204
        assert response.content == b""
        assert [m.to for m in mailoutbox] == [["pending@example.org"]]
        link = re.search(r"https?://\S+", mailoutbox[0].body).group(0)
        path = link[len(settings.PLEROMA_URL):]
        opened = anon.get(path)
        assert opened.status_code == 302
        assert User.objects.get(pk=user.pk).is_confirmed

    def test_answers_204_whatever_the_address(self, anon, settings, mailoutbox):
        settings.ACCOUNT_ACTIVATION_REQUIRED = True
        UserFactory(nickname="confirmed", email="done@example.org")
        for query in ("?email=nobody@example.org", "?nickname=confirmed", ""):
            assert anon.post(f"/api/v1/pleroma/accounts/confirmation_resend{query}").status_code == 204
        assert mailoutbox == []

    def test_accepts_the_nickname_in_the_body(self, anon, settings, mailoutbox):
        settings.ACCOUNT_ACTIVATION_REQUIRED = True
        UserFactory(nickname="waiting", is_confirmed=False)
        response = anon.post("/api/pleroma/accounts/confirmation_resend", {"nickname": "waiting"})
        assert response.status_code == 204
        assert len(mailoutbox) == 1

    def test_is_rate_limited(self, anon, settings):
        settings.RATE_LIMIT_ENABLED = True
        codes = [anon.post("/api/v1/pleroma/accounts/confirmation_resend?email=a@b.c").status_code
                 for _ in range(6)]
        assert codes == [204] * 5 + [429]

    def test_a_forged_or_stale_link_confirms_nothing(self, anon, settings):
        from accounts import security

        user = UserFactory(is_confirmed=False)
        token = security.confirmation_token(user)
        User.objects.filter(pk=user.pk).update(email="changed@example.org")
        assert anon.get(f"/api/account/confirm_email/{user.pk}/{token}").status_code == 302
        assert anon.get(f"/api/account/confirm_email/{user.pk}/garbage").status_code == 302
        assert not User.objects.get(pk=user.pk).is_confirmed


class TestOAuthTokens:
    """GET /api/oauth_tokens and DELETE /api/oauth_tokens/:id"""

    def test_lists_sessions_with_app_and_expiry(self, api):
        client = api(scopes=["read:statuses"])
        other_app = AppFactory(name="Second client")
        services.issue_token(other_app, client.user, ["read", "write"])
        response = client.get("/api/oauth_tokens")
        assert response.status_code == 200
        rows = response.json()
        assert len(rows) == 2
        assert set(rows[0]) == {"id", "app_name", "valid_until", "scopes"}
        assert rows[1]["app_name"] == "Second client" and rows[1]["scopes"] == ["read", "write"]
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}", rows[0]["valid_until"])

    def test_a_revoked_token_stops_working_at_once(self, api):
        client = api(scopes=["read"])
        second = api(scopes=["read"], user=client.user)
        response = client.delete(f"/api/oauth_tokens/{second.token.pk}")
        assert response.status_code == 201
        assert response.content == b""
        assert second.get("/api/v1/accounts/verify_credentials").status_code == 403
        assert client.get("/api/v1/accounts/verify_credentials").status_code == 200

    def test_another_users_token_is_refused(self, api):
        client, other = api(), api()
        response = client.delete(f"/api/oauth_tokens/{other.token.pk}")
        assert response.status_code == 404
        assert response.json() == {"error": "Record not found"}
        assert other.get("/api/v1/accounts/verify_credentials").status_code == 200
        assert client.delete("/api/oauth_tokens/abc").status_code == 404

    def test_refuses_anonymous(self, anon):
        assert anon.get("/api/oauth_tokens").json() == {"error": "Invalid credentials."}


class TestRegistrationConfirmationMail:
    """POST /api/v1/accounts with account activation required"""

    def test_mails_the_confirmation_link(self, anon, settings, mailoutbox, django_capture_on_commit_callbacks):
        from accounts import services
        from tests.factories import AppFactory

        settings.ACCOUNT_ACTIVATION_REQUIRED = True
        app = AppFactory()
        token, _ = services.issue_token(app, None, app.scope_list)
        with django_capture_on_commit_callbacks(execute=True):
            response = anon.post("/api/v1/accounts", {
                "username": "newbie", "email": "newbie@example.com", "password": "pw",
                "agreement": "true"}, HTTP_AUTHORIZATION=f"Bearer {token.token}")
        assert response.json()["identifier"] == "missing_confirmed_email"
        assert [m.to for m in mailoutbox] == [["newbie@example.com"]]
        assert "/api/account/confirm_email/" in mailoutbox[0].body
