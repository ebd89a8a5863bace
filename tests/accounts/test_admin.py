"""Django admin: accounts and OAuth apps."""

import pytest
from oauth2_provider.models import AccessToken

from accounts import services
from accounts.models import User
from tests.factories import AppFactory, UserFactory


@pytest.fixture
def admin_client(client):
    admin = UserFactory(nickname="root", is_admin=True)
    client.force_login(admin)
    client.admin_user = admin
    return client


class TestUserAdmin:
    """/admin/accounts/user/"""

    def test_lists_and_searches_accounts(self, admin_client):
        UserFactory(nickname="findme", email="findme@example.com")
        UserFactory(nickname="other")
        response = admin_client.get("/admin/accounts/user/", {"q": "findme"})
        assert response.status_code == 200
        assert b"findme@example.com" in response.content
        assert b">other<" not in response.content

    def test_filters_by_role(self, admin_client):
        UserFactory(nickname="moddy", is_moderator=True)
        UserFactory(nickname="plain")
        response = admin_client.get("/admin/accounts/user/", {"is_moderator__exact": "1"})
        assert b"moddy" in response.content
        assert b"plain" not in response.content

    def test_edits_role_and_lock_flags(self, admin_client):
        user = UserFactory(nickname="edited")
        page = admin_client.get(f"/admin/accounts/user/{user.pk}/change/")
        assert page.status_code == 200
        form = page.context["adminform"].form
        data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, bool)}
        data.update(nickname="edited", email="edited@example.com", is_moderator="on", locked="on",
                    is_active="on", is_confirmed="on", is_approved="on", actor_type="Person",
                    fields="[]", also_known_as="[]", password=user.password)
        for key in ("avatar", "header", "background", "birthday", "last_login"):
            data.pop(key, None)
        response = admin_client.post(f"/admin/accounts/user/{user.pk}/change/", data)
        assert response.status_code == 302, response.context["adminform"].form.errors
        user.refresh_from_db()
        assert user.is_moderator and user.locked and not user.is_admin

    def test_changes_a_password(self, admin_client):
        user = UserFactory(nickname="pw")
        response = admin_client.post(f"/admin/accounts/user/{user.pk}/password/",
                                     {"password1": "brand-new", "password2": "brand-new"})
        assert response.status_code == 302
        user.refresh_from_db()
        assert user.check_password("brand-new")

    def test_creates_an_account(self, admin_client):
        response = admin_client.post("/admin/accounts/user/add/", {
            "nickname": "newbie", "email": "newbie@example.com",
            "password1": "pw-pw-pw-1", "password2": "pw-pw-pw-1"})
        assert response.status_code == 302
        assert User.objects.get(nickname="newbie").check_password("pw-pw-pw-1")

    def test_deactivate_action_revokes_tokens_but_spares_the_admin(self, admin_client):
        user = UserFactory(nickname="bad")
        services.issue_token(AppFactory(), user, ["read"])
        response = admin_client.post("/admin/accounts/user/", {
            "action": "deactivate", "_selected_action": [user.pk, admin_client.admin_user.pk]})
        assert response.status_code == 302
        user.refresh_from_db()
        assert not user.is_active
        assert not AccessToken.objects.filter(user=user).exists()
        assert User.objects.get(pk=admin_client.admin_user.pk).is_active

    def test_moderators_see_the_admin_but_not_accounts(self, client):
        client.force_login(UserFactory(nickname="mod", is_moderator=True))
        assert client.get("/admin/").status_code == 200
        assert client.get("/admin/accounts/user/").status_code == 403

    def test_ordinary_users_are_sent_to_the_login_page(self, client):
        client.force_login(UserFactory(nickname="nobody"))
        response = client.get("/admin/accounts/user/")
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]


class TestAppAdmin:
    """/admin/accounts/app/ and /admin/oauth2_provider/accesstoken/"""

    def test_lists_apps_and_tokens(self, admin_client):
        app = AppFactory(name="Fancy client", website="https://fancy.example")
        services.issue_token(app, UserFactory(), ["read"])
        response = admin_client.get("/admin/accounts/app/")
        assert response.status_code == 200
        assert b"Fancy client" in response.content and b"https://fancy.example" in response.content
        assert admin_client.get("/admin/oauth2_provider/accesstoken/").status_code == 200
