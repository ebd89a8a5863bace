from django.urls import path

from backups.views import BackupViewSet

urlpatterns = [
    # backups (Pleroma)
    path("api/v1/pleroma/backups", BackupViewSet.as_view({"get": "list", "post": "create"})),
    path("api/v1/pleroma/backups/<str:file_name>", BackupViewSet.as_view({"get": "download"})),
]
