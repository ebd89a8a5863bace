from django.urls import path

from tags.views import FeaturedTagViewSet, TagViewSet

urlpatterns = [
    # hashtags and following them
    path("api/v1/followed_tags", TagViewSet.as_view({"get": "followed"})),
    path("api/v1/tags/<str:name>", TagViewSet.as_view({"get": "retrieve"})),
    path("api/v1/tags/<str:name>/follow", TagViewSet.as_view({"post": "follow"})),
    path("api/v1/tags/<str:name>/unfollow", TagViewSet.as_view({"post": "unfollow"})),
    # featured hashtags
    path("api/v1/featured_tags", FeaturedTagViewSet.as_view({"get": "list", "post": "create"})),
    path("api/v1/featured_tags/suggestions", FeaturedTagViewSet.as_view({"get": "suggestions"})),
    path("api/v1/featured_tags/<str:pk>", FeaturedTagViewSet.as_view({"delete": "destroy"})),
    path("api/v1/accounts/<str:pk>/featured_tags", FeaturedTagViewSet.as_view({"get": "account_featured"})),
]
