"""Accounts: users (local and of other servers) with Pleroma's profile fields, OAuth apps, scrobbles.

The OAuth application model stays here although the OAuth views live in `oauth`: it is
django-oauth-toolkit's swapped model (OAUTH2_PROVIDER_APPLICATION_MODEL = accounts.App), and
DOT's own migrations depend on its app through swappable_dependency, so moving it would
leave every existing database with a migration history Django refuses as inconsistent.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin
from django.contrib.auth.models import UserManager as _UM
from django.db import models
from django.utils import timezone
from oauth2_provider.models import AbstractApplication

from core.ids import FlakeIdField
from core.render_cache import ForgettingQuerySet

# User fields the anonymous Account entity does not show: changing them keeps its cached JSON.
UNRENDERED_USER_FIELDS = frozenset({
    "last_active_at", "last_login", "password", "email", "password_reset_pending",
    "settings_store", "notification_settings", "registration_reason",
    "inbox", "shared_inbox", "followers_address", "featured_address", "public_key_id", "public_key_pem",
    "last_fetched_at",
})


# Changing these changes what others may see of every status referring to the account.
STATE_FIELDS = ("is_active", "is_deleted")


class UserQuerySet(ForgettingQuerySet):
    render_kind = "a"
    unrendered_fields = UNRENDERED_USER_FIELDS
    generation_fields = frozenset(STATE_FIELDS)


class UserManager(_UM.from_queryset(UserQuerySet)):
    def get_by_natural_key(self, username):
        return self.get(nickname=username)

    def create_user(self, nickname, email=None, password=None, **extra):
        user = self.model(nickname=nickname, email=(email or None), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, nickname, email=None, password=None, **extra):
        extra.setdefault("is_admin", True)
        return self.create_user(nickname, email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A local account, with the profile fields Pleroma's Account entity shows."""

    class ActorType(models.TextChoices):
        PERSON = "Person"
        SERVICE = "Service"
        GROUP = "Group"
        APPLICATION = "Application"
        ORGANIZATION = "Organization"

    id = FlakeIdField(primary_key=True)
    nickname = models.CharField(max_length=255, unique=True)  # local: nick; remote: nick@host
    email = models.EmailField(max_length=254, unique=True, null=True, blank=True)
    display_name = models.CharField(max_length=200, blank=True, default="")
    note = models.TextField(blank=True, default="")  # bio as typed (source.note)
    note_html = models.TextField(blank=True, default="")  # rendered, sanitised bio
    locked = models.BooleanField(default=False)
    actor_type = models.CharField(max_length=16, choices=ActorType.choices,
                                  default=ActorType.PERSON)
    discoverable = models.BooleanField(default=False)
    avatar = models.ImageField(upload_to="avatars/", blank=True, default="")
    header = models.ImageField(upload_to="headers/", blank=True, default="")
    background = models.ImageField(upload_to="backgrounds/", blank=True, default="")
    avatar_description = models.CharField(max_length=1500, blank=True, default="")
    header_description = models.CharField(max_length=1500, blank=True, default="")
    fields = models.JSONField(default=list, blank=True)  # [{"name", "value"}] as typed
    location = models.CharField(max_length=200, blank=True, default="")
    birthday = models.DateField(null=True, blank=True)
    show_birthday = models.BooleanField(default=False)
    default_scope = models.CharField(max_length=16, default="public")
    language = models.CharField(max_length=16, blank=True, default="")

    # roles and state
    is_admin = models.BooleanField(default=False)
    is_moderator = models.BooleanField(default=False)
    is_confirmed = models.BooleanField(default=True)
    is_approved = models.BooleanField(default=True)
    is_active = models.BooleanField(default=True)  # false = deactivated ("disabled")
    is_deleted = models.BooleanField(default=False)  # nickname kept reserved after deletion
    password_reset_pending = models.BooleanField(default=False)
    registration_reason = models.TextField(blank=True, default="")

    # Pleroma preferences
    hide_followers = models.BooleanField(default=False)
    hide_follows = models.BooleanField(default=False)
    hide_followers_count = models.BooleanField(default=False)
    hide_follows_count = models.BooleanField(default=False)
    hide_favorites = models.BooleanField(default=True)
    show_role = models.BooleanField(default=True)
    no_rich_text = models.BooleanField(default=False)
    skip_thread_containment = models.BooleanField(default=False)
    allow_following_move = models.BooleanField(default=True)
    accepts_chat_messages = models.BooleanField(default=True)
    permit_followback = models.BooleanField(default=False)
    is_suggested = models.BooleanField(default=False)
    tags = models.JSONField(default=list, blank=True)
    settings_store = models.JSONField(default=dict, blank=True)
    notification_settings = models.JSONField(default=dict, blank=True)
    also_known_as = models.JSONField(default=list, blank=True)  # AP ids of aliases
    moved_to = models.CharField(max_length=500, blank=True, default="")  # AP id of target
    mascot = models.JSONField(null=True, blank=True)

    # counters kept by the services that change them
    followers_count = models.IntegerField(default=0)
    following_count = models.IntegerField(default=0)
    statuses_count = models.IntegerField(default=0)
    last_status_at = models.DateTimeField(null=True, blank=True)
    last_active_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(default=timezone.now)

    # remote accounts (federation fills these; all empty for local accounts)
    domain = models.CharField(max_length=255, null=True, blank=True)  # null = local
    remote_ap_id = models.CharField(max_length=2000, null=True, blank=True, unique=True)
    inbox = models.CharField(max_length=2000, blank=True, default="")
    shared_inbox = models.CharField(max_length=2000, blank=True, default="")
    remote_url = models.CharField(max_length=2000, blank=True, default="")  # profile page
    followers_address = models.CharField(max_length=2000, blank=True, default="")
    featured_address = models.CharField(max_length=2000, blank=True, default="")  # pinned statuses
    public_key_id = models.CharField(max_length=2000, blank=True, default="")
    public_key_pem = models.TextField(blank=True, default="")
    remote_avatar = models.CharField(max_length=2000, blank=True, default="")  # hotlinked URLs
    remote_header = models.CharField(max_length=2000, blank=True, default="")
    last_fetched_at = models.DateTimeField(null=True, blank=True)
    # Custom emoji of the display name, bio and fields: {shortcode: image URL} (actor Emoji tags).
    # (The `avatar`/`header` of a remote account hold our copies of remote_avatar/remote_header
    # once a task made them, accounts.remote_images; empty, those URLs are hotlinked.)
    emojis = models.JSONField(default=dict, blank=True)

    USERNAME_FIELD = "nickname"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["email"]

    objects = UserManager()

    class Meta:
        indexes = [models.Index(fields=["created_at"]), models.Index(fields=["domain"])]

    def __str__(self) -> str:
        return self.nickname

    # Django admin integration: admins and moderators may use /admin/.
    @property
    def is_staff(self) -> bool:
        return self.is_admin or self.is_moderator

    @property
    def is_superuser(self) -> bool:  # type: ignore[override]
        return self.is_admin

    @is_superuser.setter
    def is_superuser(self, value: bool) -> None:
        self.is_admin = value

    def has_perm(self, perm, obj=None) -> bool:
        return self.is_active and (self.is_admin or (self.is_moderator and not perm.startswith("accounts.")))

    def has_module_perms(self, app_label) -> bool:
        return self.is_active and self.is_staff

    @property
    def is_local(self) -> bool:
        return not self.domain

    @property
    def ap_id(self) -> str:
        if self.domain:
            return self.remote_ap_id or ""
        return f"{settings.PLEROMA_URL}/users/{self.nickname}"

    @property
    def acct(self) -> str:
        return self.nickname  # remote nicknames are already nick@host

    @property
    def short_nickname(self) -> str:
        return self.nickname.split("@", 1)[0]

    @property
    def fqn(self) -> str:
        return self.nickname if self.domain else f"{self.nickname}@{settings.INSTANCE_DOMAIN}"

    @property
    def profile_url(self) -> str:
        return (self.remote_url or self.ap_id) if self.domain else self.ap_id

    @property
    def can_log_in(self) -> bool:
        return self.is_active and not self.is_deleted and not self.domain

    @property
    def mfa_enabled(self) -> bool:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        return TOTPDevice.objects.filter(user=self, confirmed=True).exists()


class App(AbstractApplication):
    """An OAuth client registered through POST /api/v1/apps (Mastodon's Application)."""

    scopes = models.TextField(default="read")  # space-separated, as registered
    website = models.CharField(max_length=500, blank=True, null=True)

    class Meta(AbstractApplication.Meta):
        swappable = "OAUTH2_PROVIDER_APPLICATION_MODEL"

    @property
    def scope_list(self) -> list[str]:
        return self.scopes.split()


class Scrobble(models.Model):
    """A listen (Pleroma's Listen activity of an Audio object): what the account played."""

    id = FlakeIdField(primary_key=True)
    account = models.ForeignKey(User, on_delete=models.CASCADE, related_name="scrobbles")
    title = models.CharField(max_length=500)
    artist = models.CharField(max_length=500, blank=True, default="")
    album = models.CharField(max_length=500, blank=True, default="")
    length = models.BigIntegerField(null=True, blank=True)
    external_link = models.URLField(max_length=2000, blank=True, default="")
    visibility = models.CharField(max_length=16, default="public")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["account", "-id"])]
