from django.urls import path

from accounts.views import AccountViewSet

urlpatterns = [
    path("api/v1/accounts/<str:pk>", AccountViewSet.as_view({"get": "retrieve"})),
]
