"""Moderators' view of reports: list, filter by state and category, resolve or close."""

from django.contrib import admin

from reports import services
from reports.models import Report, Rule


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("id", "target", "account", "category", "state", "forwarded", "created_at")
    list_filter = ("state", "category", "forwarded")
    search_fields = ("target__nickname", "account__nickname", "comment")
    raw_id_fields = ("account", "target", "statuses")
    filter_horizontal = ("rules",)
    readonly_fields = ("created_at", "updated_at", "action_taken_at")
    actions = ["resolve", "close", "reopen"]

    def _set(self, request, queryset, state: str) -> None:
        for report in queryset:
            services.set_state(report, state)
        self.message_user(request, f"{queryset.count()} report(s) {state}.")

    @admin.action(description="Resolve the selected reports")
    def resolve(self, request, queryset):
        self._set(request, queryset, Report.State.RESOLVED)

    @admin.action(description="Close the selected reports")
    def close(self, request, queryset):
        self._set(request, queryset, Report.State.CLOSED)

    @admin.action(description="Reopen the selected reports")
    def reopen(self, request, queryset):
        self._set(request, queryset, Report.State.OPEN)


@admin.register(Rule)
class RuleAdmin(admin.ModelAdmin):
    list_display = ("text", "position")
    ordering = ("position", "id")
