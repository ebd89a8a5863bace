from django.contrib import admin

from preferences.models import Preferences


@admin.register(Preferences)
class PreferencesAdmin(admin.ModelAdmin):
    list_display = ("user", "posting_sensitive")
    search_fields = ("user__nickname",)
    raw_id_fields = ("user",)
