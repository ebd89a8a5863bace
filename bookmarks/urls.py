from django.urls import path

from bookmarks.views import BookmarkFolderViewSet, BookmarkViewSet

urlpatterns = [
    # bookmark folders (Pleroma)
    path("api/v1/pleroma/bookmark_folders", BookmarkFolderViewSet.as_view({"get": "list", "post": "create"})),
    path("api/v1/pleroma/bookmark_folders/<str:pk>",
         BookmarkFolderViewSet.as_view({"patch": "partial_update", "delete": "destroy"})),
    # bookmarks
    path("api/v1/bookmarks", BookmarkViewSet.as_view({"get": "list"})),
    path("api/v1/statuses/<str:pk>/bookmark", BookmarkViewSet.as_view({"post": "bookmark"})),
    path("api/v1/statuses/<str:pk>/unbookmark", BookmarkViewSet.as_view({"post": "unbookmark"})),
]
