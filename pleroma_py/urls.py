"""Every app's routes. API paths are written without a trailing slash and under
`/api/v1/pleroma`; core.middleware maps `/x/` and `/api/pleroma/...` onto them."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from core import admin_login
from core.media import serve_media

urlpatterns = [
    path("admin/login/", admin_login.login),
    path("admin/", admin.site.urls),
    path("", include("oauth.urls")),
    path("", include("accounts.urls")),
    path("", include("relationships.urls")),
    path("", include("accounts.pleroma_urls")),
    path("", include("statuses.urls")),
    path("", include("notifications.urls")),
    path("", include("emoji.urls")),
    path("", include("events.urls")),
    path("", include("conversations.urls")),
    path("", include("bookmarks.urls")),
    path("", include("cards.urls")),
    path("", include("backups.urls")),
    path("", include("filters.urls")),
    path("", include("announcements.urls")),
    path("", include("instance.urls")),
    path("", include("federation.urls")),
    path("", include("push.urls")),
    path("", include("preferences.urls")),
    path("", include("discovery.urls")),
    path("", include("lists.urls")),
    path("", include("domain_blocks.urls")),
    path("", include("reports.urls")),
    path("", include("tags.urls")),
    path("", include("accounts.catchall_urls")),
    re_path(r"^media/(?P<path>.*)$", serve_media),
    # Pleroma's default images (the default mascot) live at /images/.
    re_path(r"^images/(?P<path>[\w.-]+)$", serve, {"document_root": settings.BASE_DIR / "static" / "images"}),
]

if settings.BENCH_ENDPOINTS:
    urlpatterns.insert(0, path("", include("bench.urls")))

handler400 = "core.exceptions.json_400"
handler403 = "core.exceptions.json_403"
handler404 = "core.exceptions.json_404"
handler500 = "core.exceptions.json_500"
