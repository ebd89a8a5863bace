"""`manage.py user new|list|set|rm|reset_password` and the password reset page."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from oauth2_provider.models import AccessToken

from accounts.models import User
from tests.factories import UserFactory


def run(*args) -> str:
    out = StringIO()
    call_command("user", *args, stdout=out)
    return out.getvalue()


class TestUserNew:
    """manage.py user new"""

    def test_creates_a_confirmed_active_account(self, settings):
        settings.ACCOUNT_ACTIVATION_REQUIRED = True
        settings.ACCOUNT_APPROVAL_REQUIRED = True
        assert run("new", "alice", "alice@example.com", "--password", "pw1", "--name", "Alice") == (
            "User alice created\n")
        user = User.objects.get(nickname="alice")
        assert user.check_password("pw1")
        assert user.email == "alice@example.com" and user.display_name == "Alice"
        assert user.is_confirmed and user.is_approved and user.is_active
        assert not user.is_admin and not user.is_moderator

    def test_sets_roles(self):
        run("new", "boss", "boss@example.com", "--password", "pw", "--admin", "--moderator")
        user = User.objects.get(nickname="boss")
        assert user.is_admin and user.is_moderator

    def test_a_taken_nickname_is_an_error(self):
        UserFactory(nickname="taken")
        with pytest.raises(CommandError, match="has already been taken"):
            run("new", "taken", "other@example.com", "--password", "pw")


class TestUserList:
    """manage.py user list"""

    def test_lists_accounts_with_their_flags(self):
        UserFactory(nickname="b", is_admin=True, locked=True)
        UserFactory(nickname="a", email="a@example.com")
        assert run("list").splitlines() == ["a\ta@example.com", "b\tb@example.com\tadmin locked"]


class TestUserSet:
    """manage.py user set"""

    def test_changes_only_the_given_flags(self):
        UserFactory(nickname="carol", is_moderator=True)
        run("set", "carol", "--admin", "--locked")
        user = User.objects.get(nickname="carol")
        assert user.is_admin and user.locked and user.is_moderator
        run("set", "carol", "--no-admin", "--no-moderator", "--no-locked")
        user.refresh_from_db()
        assert not (user.is_admin or user.is_moderator or user.locked)

    def test_an_unknown_user_is_an_error(self):
        with pytest.raises(CommandError, match="No local user ghost"):
            run("set", "ghost", "--admin")


class TestUserRm:
    """manage.py user rm"""

    def test_deactivates_marks_deleted_and_revokes_tokens(self, api):
        client = api()
        output = run("rm", client.user.nickname)
        assert "deactivated and marked deleted (1 token(s) revoked)" in output
        client.user.refresh_from_db()
        assert not client.user.is_active and client.user.is_deleted
        assert not AccessToken.objects.filter(user=client.user).exists()
        assert client.get("/api/v1/accounts/verify_credentials").status_code == 403


class TestResetPassword:
    """manage.py user reset_password, then GET/POST /auth/password?token="""

    def link(self, nickname) -> str:
        output = run("reset_password", nickname)
        return re.search(r"http\S+/auth/password\?token=(\S+)", output).group(1)

    def test_the_link_sets_a_new_password_once(self, client):
        user = UserFactory(nickname="dave", password_reset_pending=True)
        token = self.link("dave")
        page = client.get("/auth/password", {"token": token})
        assert page.status_code == 200
        assert b"New password for dave" in page.content
        response = client.post("/auth/password", {"token": token, "password": "new-pw",
                                                  "password_confirmation": "new-pw"})
        assert response.status_code == 200
        assert b"has been changed" in response.content
        user.refresh_from_db()
        assert user.check_password("new-pw") and not user.password_reset_pending
        again = client.post("/auth/password", {"token": token, "password": "x", "password_confirmation": "x"})
        assert again.status_code == 404
        assert b"invalid or has already been used" in again.content

    def test_mismatched_passwords_are_refused(self, client):
        user = UserFactory(nickname="erin")
        token = self.link("erin")
        response = client.post("/auth/password", {"token": token, "password": "a",
                                                  "password_confirmation": "b"})
        assert response.status_code == 400
        assert b"The passwords do not match." in response.content
        user.refresh_from_db()
        assert not user.check_password("a")

    def test_a_forged_token_is_not_found(self, client):
        UserFactory(nickname="fay")
        for token in ("", "junk", "0000000000000000001-abc-def"):
            assert client.get("/auth/password", {"token": token}).status_code == 404

    def test_the_form_needs_its_csrf_token(self, settings):
        from django.test import Client

        UserFactory(nickname="gus")
        token = self.link("gus")
        response = Client(enforce_csrf_checks=True).post(
            "/auth/password", {"token": token, "password": "p", "password_confirmation": "p"})
        assert response.status_code == 403
