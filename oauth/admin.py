"""Django admin for OAuth apps (tokens keep django-oauth-toolkit's admin)."""

from __future__ import annotations

from django.contrib import admin
from oauth2_provider.admin import ApplicationAdmin

from accounts.models import App

admin.site.unregister(App)


@admin.register(App)
class AppAdmin(ApplicationAdmin):
    """OAuth apps registered through POST /api/v1/apps (and by hand here)."""

    list_display = ("name", "client_id", "scopes", "website", "user", "created")
    list_filter = ("client_type", "authorization_grant_type")
    search_fields = ("name", "client_id", "website", "user__nickname")
