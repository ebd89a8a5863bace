from django.contrib import admin

from lists.models import List, ListMember


@admin.register(List)
class ListAdmin(admin.ModelAdmin):
    list_display = ("title", "owner", "replies_policy", "exclusive", "created_at")
    list_filter = ("replies_policy", "exclusive")
    search_fields = ("title", "owner__nickname")
    raw_id_fields = ("owner",)


@admin.register(ListMember)
class ListMemberAdmin(admin.ModelAdmin):
    list_display = ("list", "account", "created_at")
    search_fields = ("list__title", "account__nickname")
    raw_id_fields = ("list", "account")
