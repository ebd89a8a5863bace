from django.contrib import admin

from conversations.models import Participation


@admin.register(Participation)
class ParticipationAdmin(admin.ModelAdmin):
    list_display = ("id", "user", "conversation", "read", "updated_at")
    list_filter = ("read",)
    search_fields = ("user__nickname",)
    raw_id_fields = ("user", "conversation", "last_status")
