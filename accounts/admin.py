"""Django admin for local accounts (OAuth apps are in oauth.admin)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import BaseUserCreationForm, UserChangeForm

from accounts import moderation
from accounts.models import User


class UserCreateForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ("nickname", "email")


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Local accounts: roles, lock, activation, confirmation and approval, passwords."""

    form = UserEditForm
    add_form = UserCreateForm
    ordering = ("nickname",)
    list_display = ("nickname", "email", "display_name", "is_admin", "is_moderator", "locked",
                    "is_active", "is_confirmed", "is_approved", "is_deleted", "created_at")
    list_filter = ("is_admin", "is_moderator", "locked", "is_active", "is_confirmed", "is_approved",
                   "is_deleted", "actor_type")
    search_fields = ("nickname", "email", "display_name")
    readonly_fields = ("created_at", "last_login", "last_active_at", "followers_count",
                       "following_count", "statuses_count")
    filter_horizontal = ()
    fieldsets = (
        (None, {"fields": ("nickname", "email", "password")}),
        ("Profile", {"fields": ("display_name", "note", "locked", "actor_type", "discoverable",
                                "avatar", "header", "background", "fields", "location", "birthday")}),
        ("Role and state", {"fields": ("is_admin", "is_moderator", "is_active", "is_confirmed",
                                       "is_approved", "is_deleted", "password_reset_pending",
                                       "registration_reason")}),
        ("Migration", {"fields": ("also_known_as", "moved_to")}),
        ("Activity", {"fields": readonly_fields}),
    )
    add_fieldsets = ((None, {"classes": ("wide",),
                             "fields": ("nickname", "email", "password1", "password2")}),)
    actions = ("activate", "deactivate", "confirm", "approve", "make_moderator", "remove_moderator")

    def delete_model(self, request, obj):
        """Deleting an account here is the moderators' delete (accounts.moderation.remove_user):
        the profile purged, the data removed by a task, the other servers told; the row
        stays with its nickname reserved."""
        from accounts import moderation

        moderation.remove_user(obj)

    def delete_queryset(self, request, queryset):
        from accounts import moderation

        for user in queryset.filter(is_deleted=False):
            moderation.remove_user(user)

    @admin.action(description="Activate the selected accounts")
    def activate(self, request, queryset):
        count = queryset.update(is_active=True)
        self.message_user(request, f"{count} account(s) activated.", messages.SUCCESS)

    @admin.action(description="Deactivate the selected accounts and revoke their tokens")
    def deactivate(self, request, queryset):
        users = list(queryset.exclude(pk=request.user.pk))  # never lock oneself out
        revoked = moderation.deactivate_users(users)
        self.message_user(request, f"{len(users)} account(s) deactivated, {revoked} token(s) revoked.",
                          messages.SUCCESS)

    @admin.action(description="Confirm the e-mail of the selected accounts")
    def confirm(self, request, queryset):
        self.message_user(request, f"{queryset.update(is_confirmed=True)} account(s) confirmed.")

    @admin.action(description="Approve the selected accounts")
    def approve(self, request, queryset):
        self.message_user(request, f"{queryset.update(is_approved=True)} account(s) approved.")

    @admin.action(description="Make the selected accounts moderators")
    def make_moderator(self, request, queryset):
        self.message_user(request, f"{queryset.update(is_moderator=True)} moderator(s) added.")

    @admin.action(description="Remove the moderator role")
    def remove_moderator(self, request, queryset):
        self.message_user(request, f"{queryset.update(is_moderator=False)} moderator(s) removed.")
