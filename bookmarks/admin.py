from django.contrib import admin

from bookmarks.models import Bookmark, BookmarkFolder


@admin.register(BookmarkFolder)
class BookmarkFolderAdmin(admin.ModelAdmin):
    list_display = ("name", "emoji", "owner", "created_at")
    search_fields = ("name", "owner__nickname")
    raw_id_fields = ("owner",)


@admin.register(Bookmark)
class BookmarkAdmin(admin.ModelAdmin):
    list_display = ("id", "user", "status", "folder", "created_at")
    search_fields = ("user__nickname",)
    raw_id_fields = ("user", "status", "folder")
