from django.contrib import admin

from filters.models import Filter, FilterKeyword


class FilterKeywordInline(admin.TabularInline):
    model = FilterKeyword
    extra = 0


@admin.register(Filter)
class FilterAdmin(admin.ModelAdmin):
    list_display = ("title", "user", "context", "action", "expires_at")
    list_filter = ("action",)
    search_fields = ("title", "user__nickname")
    raw_id_fields = ("user",)
    inlines = [FilterKeywordInline]

    def save_related(self, request, form, formsets, change):
        from filters.matching import forget

        super().save_related(request, form, formsets, change)
        forget(form.instance.user_id)

    def delete_model(self, request, obj):
        from filters.matching import forget

        super().delete_model(request, obj)
        forget(obj.user_id)
