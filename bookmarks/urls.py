from django.urls import path

from bookmarks.views import BookmarkFolderViewSet

urlpatterns = [
    # bookmark folders (Pleroma)
    path("api/v1/pleroma/bookmark_folders", BookmarkFolderViewSet.as_view({"get": "list", "post": "create"})),
    path("api/v1/pleroma/bookmark_folders/<str:pk>",
         BookmarkFolderViewSet.as_view({"patch": "partial_update", "delete": "destroy"})),
]
