from django.contrib import admin

from backups import services
from backups.models import Backup


@admin.register(Backup)
class BackupAdmin(admin.ModelAdmin):
    list_display = ("id", "user", "state", "processed_number", "file_size", "created_at", "finished_at")
    list_filter = ("state",)
    search_fields = ("user__nickname", "file_name")
    raw_id_fields = ("user",)
    readonly_fields = ("file_name", "processed_number", "file_size", "error", "finished_at")

    def delete_model(self, request, obj):
        services.delete_backup(obj)

    def delete_queryset(self, request, queryset):
        for backup in queryset:
            services.delete_backup(backup)
