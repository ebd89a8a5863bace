"""The Django admin login behind the same failed-password limits as every other login."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError

from core.authentication import check_password_login
from core.exceptions import Throttled
from core.ratelimit import client_ip

THROTTLED = "Too many failed logins, try again later."


class PasswordLoginBackend(ModelBackend):
    """Django's password backend, checking through core.authentication.check_password_login
    (nickname or e-mail, failures counted per account and per address)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        ip = client_ip(request) if request is not None else "unknown"
        user = check_password_login(str(username), str(password), ip=ip)
        return user if user is not None and self.user_can_authenticate(user) else None


class AdminLoginForm(AdminAuthenticationForm):
    """The admin login form, answering a locked-out login with a form error."""

    def clean(self):
        try:
            return super().clean()
        except Throttled as exc:
            raise ValidationError(THROTTLED, code="throttled") from exc


admin.site.login_form = AdminLoginForm


def login(request, extra_context=None):
    """GET/POST /admin/login/: the admin's own page; 429 while the login is locked out."""
    response = admin.site.login(request, extra_context)
    form = (getattr(response, "context_data", None) or {}).get("form")
    if form is not None and form.is_bound and any(
            error.code == "throttled" for error in form.errors.as_data().get("__all__", [])):
        response.status_code = 429
    return response
