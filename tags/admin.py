from django.contrib import admin

from tags.models import FeaturedTag, FollowedTag


@admin.register(FollowedTag)
class FollowedTagAdmin(admin.ModelAdmin):
    list_display = ("hashtag", "user", "created_at")
    search_fields = ("hashtag__name", "user__nickname")
    raw_id_fields = ("user", "hashtag")


@admin.register(FeaturedTag)
class FeaturedTagAdmin(admin.ModelAdmin):
    list_display = ("hashtag", "user", "created_at")
    search_fields = ("hashtag__name", "user__nickname")
    raw_id_fields = ("user", "hashtag")
