"""Finding accounts and what is happening: one line per endpoint."""

from django.urls import path

from discovery.views import (
    AccountSearchViewSet,
    DirectoryViewSet,
    FamiliarFollowerViewSet,
    InstanceActivityViewSet,
    SuggestionViewSet,
    TrendViewSet,
)

urlpatterns = [
    # accounts
    path("api/v1/accounts/search", AccountSearchViewSet.as_view({"get": "search"})),
    path("api/v1/accounts/familiar_followers", FamiliarFollowerViewSet.as_view({"get": "list"})),
    path("api/v1/directory", DirectoryViewSet.as_view({"get": "list"})),
    # follow suggestions
    path("api/v1/suggestions", SuggestionViewSet.as_view({"get": "v1"})),
    path("api/v1/suggestions/<str:pk>", SuggestionViewSet.as_view({"delete": "dismiss"})),
    path("api/v2/suggestions", SuggestionViewSet.as_view({"get": "v2"})),
    # trends (/api/v1/trends is Mastodon's older name of trends/tags)
    path("api/v1/trends", TrendViewSet.as_view({"get": "legacy_tags"})),
    path("api/v1/trends/tags", TrendViewSet.as_view({"get": "tags"})),
    path("api/v1/trends/statuses", TrendViewSet.as_view({"get": "statuses"})),
    path("api/v1/trends/links", TrendViewSet.as_view({"get": "links"})),
    # instance activity and description
    path("api/v1/instance/activity", InstanceActivityViewSet.as_view({"get": "activity"})),
    path("api/v1/instance/extended_description", InstanceActivityViewSet.as_view({"get": "extended_description"})),
]
