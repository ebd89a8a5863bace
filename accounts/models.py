"""Accounts: users with Pleroma's profile fields, OAuth apps, and relationships."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin
from django.contrib.auth.models import UserManager as _UM
from django.db import models
from django.db.models import Q
from django.utils import timezone
from oauth2_provider.models import AbstractApplication

from core.ids import FlakeIdField
from core.render_cache import ForgettingQuerySet

# User fields the anonymous Account entity does not show: changing them keeps its cached JSON.
UNRENDERED_USER_FIELDS = frozenset({
    "last_active_at", "last_login", "password", "email", "password_reset_pending",
    "settings_store", "notification_settings", "registration_reason",
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
    nickname = models.CharField(max_length=64, unique=True)
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

    USERNAME_FIELD = "nickname"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["email"]

    objects = UserManager()

    class Meta:
        indexes = [models.Index(fields=["created_at"])]

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
    def ap_id(self) -> str:
        return f"{settings.PLEROMA_URL}/users/{self.nickname}"

    @property
    def acct(self) -> str:
        return self.nickname

    @property
    def fqn(self) -> str:
        return f"{self.nickname}@{settings.INSTANCE_DOMAIN}"

    @property
    def can_log_in(self) -> bool:
        return self.is_active and not self.is_deleted

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


class Follow(models.Model):
    """follower follows followed; pending until accepted when the target is locked."""

    class State(models.TextChoices):
        PENDING = "pending"
        ACCEPTED = "accept"

    id = FlakeIdField(primary_key=True)
    follower = models.ForeignKey(User, on_delete=models.CASCADE, related_name="following_rel")
    followed = models.ForeignKey(User, on_delete=models.CASCADE, related_name="followers_rel")
    state = models.CharField(max_length=8, choices=State.choices, default=State.ACCEPTED)
    show_reblogs = models.BooleanField(default=True)
    notify = models.BooleanField(default=False)  # "subscribing": a status notification per post
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["follower", "followed"], name="unique_follow"),
            models.CheckConstraint(condition=~Q(follower=models.F("followed")), name="no_self_follow"),
        ]
        indexes = [
            models.Index(fields=["followed", "state", "-id"]),
            models.Index(fields=["follower", "state", "-id"]),
        ]


class Block(models.Model):
    """blocker blocks blocked: no follows either way, nothing of theirs shown."""

    id = FlakeIdField(primary_key=True)
    blocker = models.ForeignKey(User, on_delete=models.CASCADE, related_name="blocks_rel")
    blocked = models.ForeignKey(User, on_delete=models.CASCADE, related_name="blocked_by_rel")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["blocker", "blocked"], name="unique_block")]
        indexes = [models.Index(fields=["blocker", "-id"])]


class Mute(models.Model):
    """muter hides muted's statuses (and notifications, unless notifications=False)."""

    id = FlakeIdField(primary_key=True)
    muter = models.ForeignKey(User, on_delete=models.CASCADE, related_name="mutes_rel")
    muted = models.ForeignKey(User, on_delete=models.CASCADE, related_name="muted_by_rel")
    notifications = models.BooleanField(default=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["muter", "muted"], name="unique_mute")]
        indexes = [models.Index(fields=["muter", "-id"])]


class Endorsement(models.Model):
    """owner features account on their profile (Mastodon's pin, Pleroma's endorsements)."""

    id = FlakeIdField(primary_key=True)
    owner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="endorsements_rel")
    account = models.ForeignKey(User, on_delete=models.CASCADE, related_name="endorsed_by_rel")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner", "account"], name="unique_endorsement")]


class AccountNote(models.Model):
    """The viewer's private note on another account (Relationship.note)."""

    owner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    comment = models.TextField(blank=True, default="")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner", "account"], name="unique_account_note")]


class Import(models.Model):
    """A follow, block or mute import (POST /api/pleroma/*_import) and its progress."""

    class Kind(models.TextChoices):
        FOLLOWS = "follows"
        BLOCKS = "blocks"
        MUTES = "mutes"

    class State(models.TextChoices):
        PENDING = "pending"
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed"

    id = FlakeIdField(primary_key=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="imports")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    total = models.IntegerField(default=0)
    processed = models.IntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "-id"])]


class ImportItem(models.Model):
    """One identifier of an import and what became of it."""

    class Outcome(models.TextChoices):
        PENDING = "pending"
        DONE = "done"  # followed (or requested) / blocked / muted now
        ALREADY = "already"  # the relationship existed before: nothing changed
        SKIPPED = "skipped"  # see `reason`

    batch = models.ForeignKey(Import, on_delete=models.CASCADE, related_name="items")
    position = models.IntegerField()
    identifier = models.CharField(max_length=500)
    account = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    outcome = models.CharField(max_length=8, choices=Outcome.choices, default=Outcome.PENDING)
    reason = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["batch", "position"], name="unique_import_position")]


class BackupCode(models.Model):
    """A single-use MFA recovery code, kept only as a salted hash."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="backup_codes")
    digest = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)


class RemoteActor(models.Model):
    """An account on another server found through webfinger (aliases and move targets)."""

    ap_id = models.URLField(max_length=500, unique=True)
    acct = models.CharField(max_length=300, db_index=True)  # nick@host, as webfinger names it
    also_known_as = models.JSONField(default=list, blank=True)
    fetched_at = models.DateTimeField(default=timezone.now)


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
