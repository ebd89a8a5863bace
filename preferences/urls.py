from django.urls import path

from preferences.views import PreferencesViewSet

urlpatterns = [
    # preferences
    path("api/v1/preferences", PreferencesViewSet.as_view({"get": "retrieve"})),
]
