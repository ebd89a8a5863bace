from django.urls import path

from accounts.views import AccountViewSet

urlpatterns = [
    # accounts
    path("api/v1/accounts", AccountViewSet.as_view({"post": "create"})),
    path("api/v1/accounts/verify_credentials", AccountViewSet.as_view({"get": "verify_credentials"})),
    path("api/v1/accounts/update_credentials",
         AccountViewSet.as_view({"patch": "update_credentials", "put": "update_credentials"})),
    path("api/v1/accounts/lookup", AccountViewSet.as_view({"get": "lookup"})),
    # GET /api/v1/accounts/:id is in accounts/catchall_urls.py, mounted after every other
    # route so that single-segment paths (relationships, search...) are not taken for ids.
]
