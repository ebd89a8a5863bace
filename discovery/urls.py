"""Finding accounts and what is happening: one line per endpoint."""

from django.urls import path

from discovery.views import AccountSearchViewSet

urlpatterns = [
    # account search
    path("api/v1/accounts/search", AccountSearchViewSet.as_view({"get": "search"})),
]
