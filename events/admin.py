"""Moderators' view of events, participations and the location gazetteer."""

from django.contrib import admin

from events.models import Event, Location, Participation


class ParticipationInline(admin.TabularInline):
    model = Participation
    extra = 0
    raw_id_fields = ("user",)
    fields = ("user", "state", "participation_message", "created_at")
    readonly_fields = ("created_at",)


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("name", "start_time", "end_time", "join_mode", "organizer")
    list_filter = ("join_mode",)
    search_fields = ("name", "status__account__nickname")
    date_hierarchy = "start_time"
    raw_id_fields = ("status", "banner")
    inlines = [ParticipationInline]

    @admin.display(description="organizer")
    def organizer(self, event):
        return event.status.account.nickname

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("status__account")


@admin.register(Participation)
class ParticipationAdmin(admin.ModelAdmin):
    list_display = ("event", "user", "state", "created_at")
    list_filter = ("state",)
    search_fields = ("event__name", "user__nickname")
    raw_id_fields = ("event", "user")
    list_select_related = ("event", "user")


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ("name", "type", "region", "country", "population", "origin_id")
    list_filter = ("type",)
    search_fields = ("name", "origin_id")
    ordering = ("-population",)
