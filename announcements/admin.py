from django.contrib import admin

from announcements.models import Announcement


@admin.register(Announcement)
class AnnouncementAdmin(admin.ModelAdmin):
    list_display = ("content", "starts_at", "ends_at", "all_day", "published_at")
    search_fields = ("content",)
    exclude = ("updated_at",)

    def save_model(self, request, obj, form, change):
        from django.utils import timezone

        obj.updated_at = timezone.now()
        super().save_model(request, obj, form, change)
