"""Account security verbs: password checks, deletion, deactivation, e-mail change and
confirmation, and the user's OAuth sessions."""

from __future__ import annotations

import datetime
import re

from django.conf import settings
from django.core import signing
from django.db import transaction
from oauth2_provider.models import AccessToken, Grant, RefreshToken

from accounts import registry
from accounts.models import User
from core.exceptions import ApiError, NotFound

CONFIRM_SALT = "pleroma_py.confirm_email"
CONFIRM_MAX_AGE = 7 * 24 * 3600
# Pleroma's e-mail rule (User.email_regex): RFC 5322 local part, DNS labels of at most 63.
EMAIL_RE = re.compile(
    r"^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
    r"(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$"
)
CHUNK = 200


class BusinessError(ApiError):
    """A refusal Pleroma's legacy endpoints answer with HTTP 200 and `{"error": ...}`
    (pleroma-accounts 1.6): clients read the body, not the status."""

    status = 200


def confirm_password(user: User, password) -> None:
    """Pleroma's `confirm_current_password`: the stored hash must match (re-read from the db).

    Every endpoint that checks the password again (delete/disable account, change e-mail,
    move, MFA) comes through here, so guessing is rate-limited per account in one place.
    """
    from core import ratelimit

    ratelimit.hit("password_check", str(user.pk))
    fresh = User.objects.filter(pk=user.pk).first()
    if fresh is None or not password or not isinstance(password, str) or not fresh.check_password(password):
        raise BusinessError("Invalid password.")


# --- deletion -------------------------------------------------------------------------------

def delete_account(user: User) -> None:
    """Deactivate and purge the profile now, tell the other servers (Delete of the actor);
    remove the account's data in a task.

    The row stays (nickname reserved) unless the account never finished onboarding.
    """
    from accounts import tasks

    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        purge_profile(locked)
        for hook in registry.account_deleted:
            hook(locked)
        transaction.on_commit(lambda: tasks.remove_account_data.delay(str(locked.pk)))


def purge_profile(user: User) -> None:
    """Blank everything the profile shows; keep id and nickname (Pleroma's purge)."""
    from accounts import profile

    for field in ("avatar", "header", "background"):
        profile.set_image(user, field, None, 0)
    user.is_active = False
    user.is_deleted = True
    user.display_name = ""
    user.note = ""
    user.note_html = ""
    user.email = None
    user.set_unusable_password()
    user.fields = []
    user.tags = []
    user.also_known_as = []
    user.settings_store = {}
    user.mascot = None
    user.registration_reason = ""
    user.locked = False
    user.is_admin = False
    user.is_moderator = False
    user.discoverable = False
    user.location = ""
    user.birthday = None
    user.save()


def remove_account_data(user: User) -> bool:
    """Remove what a deleted account left behind; safe to run again after a crash.
    True when the work is complete."""
    from statuses.models import EmojiReaction, Favourite, MediaAttachment, Status
    from statuses.services import delete_status, unfavourite

    if not user.is_deleted:
        return False
    revoke_all_tokens(user)
    for status in Status.objects.filter(account=user).order_by("id").iterator(chunk_size=CHUNK):
        delete_status(user, status)
    for media in MediaAttachment.objects.filter(account=user).iterator(chunk_size=CHUNK):
        for field in (media.file, media.preview):
            if field:
                field.delete(save=False)
        media.delete()
    for favourite in Favourite.objects.filter(account=user).select_related("status").iterator(chunk_size=CHUNK):
        unfavourite(user, favourite.status)
    EmojiReaction.objects.filter(account=user).delete()
    for remove in registry.account_data_removers:  # relationships, MFA devices and codes
        remove(user)
    _remove_notifications(user)
    User.objects.filter(pk=user.pk).update(followers_count=0, following_count=0, statuses_count=0)
    if not user.is_confirmed or not user.is_approved:
        # Never onboarded: nothing to reserve (pleroma-accounts 6).
        User.objects.filter(pk=user.pk).delete()
    return True


def _remove_notifications(user: User) -> None:
    from django.db.models import Q

    from notifications.models import Notification

    Notification.objects.filter(Q(user=user) | Q(account=user)).delete()


# --- deactivation ---------------------------------------------------------------------------

def disable_account(user: User) -> None:
    """Deactivate now (tokens and logins stop working at once); drop follows of local
    accounts in a task, as Pleroma does when it deactivates."""
    from accounts import tasks

    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(is_active=False)
        transaction.on_commit(lambda: tasks.drop_local_follows.delay(str(user.pk)))


def drop_local_follows(user: User) -> None:
    """End the follows (and requests) a deactivated account made; idempotent."""
    registry.get_relationships().end_follows_of(user)


# --- e-mail ---------------------------------------------------------------------------------

def change_email(user: User, email: str) -> None:
    """Replace the e-mail address (blank removes it unless the instance requires one)."""
    email = (email or "").strip()
    if not email:
        if settings.ACCOUNT_ACTIVATION_REQUIRED:
            raise BusinessError("Email can't be blank.")
        User.objects.filter(pk=user.pk).update(email=None)
        return
    if len(email) > 254 or not EMAIL_RE.match(email):
        raise BusinessError("Email has invalid format.")
    with transaction.atomic():
        taken = User.objects.select_for_update().filter(email__iexact=email).exclude(pk=user.pk).exists()
        if taken:
            raise BusinessError("Email has already been taken.")
        User.objects.filter(pk=user.pk).update(email=email)


def confirmation_token(user: User) -> str:
    """A signed token naming the account and the address it confirms (stateless)."""
    return signing.dumps({"u": str(user.pk), "e": user.email or ""}, salt=CONFIRM_SALT)


def confirmation_url(user: User) -> str:
    return f"{settings.PLEROMA_URL}/api/account/confirm_email/{user.pk}/{confirmation_token(user)}"


def request_confirmation_resend(login: str) -> None:
    """Queue the confirmation mail when the account needs one; silent otherwise."""
    from accounts import tasks

    login = (login or "").strip()
    if not login or not settings.ACCOUNT_ACTIVATION_REQUIRED:
        return
    user = (User.objects.filter(nickname=login).first()
            or User.objects.filter(email__iexact=login).first())
    if user is None or user.is_confirmed or not user.email or user.is_deleted:
        return
    transaction.on_commit(lambda: tasks.send_confirmation_email.delay(str(user.pk)))


def send_confirmation_email(user: User) -> bool:
    """Mail the confirmation link to an unconfirmed account; False when none is due."""
    from django.core.mail import send_mail

    if user.is_confirmed or not user.email or user.is_deleted:
        return False
    name = settings.INSTANCE_NAME
    send_mail(
        subject=f"{name} account confirmation",
        message=(f"Hello {user.display_name or user.nickname},\n\nconfirm your account on {name} "
                 f"by opening this link:\n\n{confirmation_url(user)}\n"),
        from_email=settings.INSTANCE_EMAIL or settings.DEFAULT_FROM_EMAIL,
        recipient_list=[user.email],
    )
    return True


def confirm_email(user_id: str, token: str) -> User:
    """Confirm the account a link names; the link only works for the address it was sent to."""
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.BadSignature as exc:
        raise NotFound() from exc
    if data.get("u") != str(user_id):
        raise NotFound()
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=data["u"], is_deleted=False).first()
        if user is None or (user.email or "") != data.get("e"):
            raise NotFound()
        if not user.is_confirmed:
            user.is_confirmed = True
            user.save(update_fields=["is_confirmed"])
    return user


# --- OAuth sessions -------------------------------------------------------------------------

def list_tokens(user: User) -> list[AccessToken]:
    """Every token of the user, expired ones included, with its app."""
    return list(AccessToken.objects.filter(user=user).select_related("application").order_by("id"))


def revoke_user_token(user: User, token_id) -> None:
    """Revoke one of the user's tokens; someone else's or an unknown id is 404."""
    try:
        pk = int(str(token_id))
    except ValueError as exc:
        raise NotFound() from exc
    with transaction.atomic():
        token = AccessToken.objects.select_for_update().filter(pk=pk, user=user).first()
        if token is None:
            raise NotFound()
        RefreshToken.objects.filter(access_token=token).delete()
        token.delete()


def revoke_all_tokens(user: User) -> None:
    with transaction.atomic():
        RefreshToken.objects.filter(user=user).delete()
        AccessToken.objects.filter(user=user).delete()
        Grant.objects.filter(user=user).delete()


def token_valid_until(token: AccessToken) -> str:
    """Pleroma's `valid_until`: naive UTC with microseconds, no zone suffix."""
    return token.expires.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")
