"""One-time password reset links (`manage.py user reset_password`) and the page they open.

The token is Django's PasswordResetTokenGenerator token: it stops working once the
password changes or after PASSWORD_RESET_TIMEOUT, so each link works once.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.shortcuts import render
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods

from accounts.models import User
from core import ids


def reset_link(user: User) -> str:
    """A link that lets whoever holds it set a new password for `user`, once."""
    token = f"{ids.encode(user.pk)}-{default_token_generator.make_token(user)}"
    return f"{settings.PLEROMA_URL}/auth/password?token={token}"


def user_for_token(token: str) -> User | None:
    uid, _, secret = token.partition("-")
    pk = ids.decode(uid)
    if pk is None:
        return None
    user = User.objects.filter(pk=pk, is_deleted=False).first()
    if user is None or not default_token_generator.check_token(user, secret):
        return None
    return user


def set_password(user: User, password: str) -> None:
    """The new password; a pending forced reset is done."""
    with transaction.atomic():
        user.set_password(password)
        user.password_reset_pending = False
        user.save(update_fields=["password", "password_reset_pending"])


@csrf_protect
@require_http_methods(["GET", "POST"])
def password_reset_page(request):
    """GET/POST /auth/password?token=: the form that sets a new password."""
    token = request.GET.get("token") or request.POST.get("token") or ""
    user = user_for_token(token)
    if user is None:
        return render(request, "auth/password_reset.html", {"invalid": True}, status=404)
    context = {"token": token, "profile": user}
    if request.method == "GET":
        return render(request, "auth/password_reset.html", context)
    password = request.POST.get("password", "")
    if not password:
        context["error"] = "The password can't be blank."
    elif password != request.POST.get("password_confirmation", ""):
        context["error"] = "The passwords do not match."
    if "error" in context:
        return render(request, "auth/password_reset.html", context, status=400)
    set_password(user, password)
    return render(request, "auth/password_reset.html", {"done": True, "profile": user})
