from django.contrib import admin

from domain_blocks.models import DomainBlock


@admin.register(DomainBlock)
class DomainBlockAdmin(admin.ModelAdmin):
    list_display = ("domain", "user", "created_at")
    search_fields = ("domain", "user__nickname")
    raw_id_fields = ("user",)
